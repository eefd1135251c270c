// The writes of one namespace (publish, status changes, admin edits), each one D1 batch with
// its audit rows, followed by the cache update. Called only by the namespace's Durable Object,
// which runs them one at a time; see docs/storage.md "Write protocol".
import type { ServerJson } from "../domain/server-json/index.ts";
import type { VersionRecord } from "../domain/server-response.ts";
import { blockingEntry, denylistKeys, denylistRefusal } from "../domain/denylist.ts";
import {
  applyStatusChange,
  isUnchangedStatus,
  namespaceOf,
  publishRefusal,
  publishTakesLatest,
  recomputeLatest,
  remoteUrls,
  type StatusChange,
} from "../domain/write-rules.ts";
import type { AuditEntry } from "../storage/d1-audit.ts";
import {
  clearLatestStatements,
  countPublishedStatements,
  findRemoteConflict,
  getServerVersions,
  insertRemotesStatements,
  insertVersionsStatements,
  publishStateStatement,
  refreshServersStatements,
  remoteConflictStatement,
  replaceRemotesStatements,
  setLatestStatements,
  updateServerJsonStatement,
  updateStatusStatement,
  toPublishState,
  type PublishedCount,
  type PublishState,
} from "../storage/d1-catalog.ts";
import { denylistHitsStatements, findDenylistHits, toDenylistHits } from "../storage/d1-moderation.ts";
import {
  auditEntry,
  commit,
  outcomeOf,
  refusal,
  refuse,
  type AuditFacts,
  type Caller,
  type WriteContext,
  type WriteOutcome,
} from "./write-context.ts";

export interface PublishResult {
  record: VersionRecord;
}

export interface StatusResult {
  changed: VersionRecord[];
}

const REMOTE_CONFLICT_TRIGGER = "remote URL is already used by another server";

function remoteConflictMessage(conflict: { url: string; holder: string }): string {
  return `remote URL ${conflict.url} is already used by server ${conflict.holder}`;
}

function storedRemoteUrls(record: VersionRecord): string[] {
  return remoteUrls(JSON.parse(record.serverJson) as ServerJson);
}

/** Remote conflicts found only by the D1 trigger (a race across namespaces) get the same answer. */
async function asRemoteConflict<T>(
  ctx: WriteContext,
  err: unknown,
  urls: readonly string[],
  facts: AuditFacts,
  detail: string,
): Promise<WriteOutcome<T>> {
  if (!String((err as Error)?.message ?? err).includes(REMOTE_CONFLICT_TRIGGER)) throw err;
  const conflict = await findRemoteConflict(ctx.env.DB, urls, facts.name ?? "");
  return refuse(ctx, facts, 400, detail, conflict ? remoteConflictMessage(conflict) : REMOTE_CONFLICT_TRIGGER);
}

/** One queued publish: who asks, and the validated server.json. */
export interface PublishJob {
  caller: Caller;
  server: ServerJson;
}

/** The most URLs read for conflicts in one statement (D1 binds at most 100 parameters). */
const MAX_BATCHED_URLS = 99;

/**
 * Publishes queued versions of one namespace with one D1 read round trip and one D1 batch (group
 * commit): each job is checked in order against D1 and against the jobs accepted before it in
 * the group, then every accepted job is written in one all-or-nothing batch together with one
 * audit row per job (refused ones included), job i taking sequence number `ctx.seq + i` and
 * timestamp `ctx.now + i`. If the batch fails, nothing was written: the caller retries the jobs
 * one by one to give each its own answer.
 */
export async function publishVersions(
  ctx: WriteContext,
  jobs: readonly PublishJob[],
): Promise<WriteOutcome<PublishResult>[]> {
  const db = ctx.env.DB;
  const detail = "Failed to publish server";
  const urlsOf = jobs.map((job) => remoteUrls(job.server));
  const denylistReads = denylistHitsStatements(
    db,
    jobs.flatMap((job) => denylistKeys(job.server)),
  );
  const reads: D1PreparedStatement[] = [...denylistReads];
  for (const [i, job] of jobs.entries()) {
    reads.push(publishStateStatement(db, job.server.name, job.server.version));
    if (urlsOf[i]!.length > 0 && urlsOf[i]!.length <= MAX_BATCHED_URLS) {
      reads.push(remoteConflictStatement(db, urlsOf[i]!, job.server.name));
    }
  }
  const results = await db.batch(reads);
  const denylisted = toDenylistHits(results.slice(0, denylistReads.length));

  // What the accepted jobs of this group changed, per name and per remote URL.
  const counts = new Map<string, number>();
  const added = new Set<string>();
  const holders = new Map<string, PublishState["latest"]>();
  const claimed = new Map<string, string>();
  const outcomes: WriteOutcome<PublishResult>[] = [];
  const entries: AuditEntry[] = [];
  const accepted: { record: VersionRecord; urls: string[] }[] = [];
  let read = denylistReads.length;
  for (const [i, job] of jobs.entries()) {
    const { name, version } = job.server;
    const urls = urlsOf[i]!;
    const facts = { action: "publish", name, version };
    const refused = (status: number, message: string, refusalDetail = detail) => {
      outcomes.push(refusal(status, refusalDetail, status === 403 ? undefined : message));
      entries.push(auditEntry(ctx, { ...facts, outcome: outcomeOf(status), reason: message }, i, job.caller));
    };
    const state = toPublishState(results[read++]?.results[0] as Parameters<typeof toPublishState>[0]);
    let conflict: { url: string; holder: string } | undefined;
    if (urls.length > MAX_BATCHED_URLS) conflict = await findRemoteConflict(db, urls, name);
    else if (urls.length > 0)
      conflict = (results[read++]?.results[0] as { url: string; holder: string } | undefined) ?? undefined;
    const blocked = blockingEntry(denylisted, job.server);
    if (blocked) {
      refused(403, denylistRefusal(blocked), denylistRefusal(blocked));
      continue;
    }
    const groupHolder = urls
      .map((url) => ({ url, holder: claimed.get(url) }))
      .find((c) => c.holder && c.holder !== name);
    if (!conflict && groupHolder) conflict = { url: groupHolder.url, holder: groupHolder.holder! };
    if (conflict) {
      refused(400, remoteConflictMessage(conflict));
      continue;
    }
    const rule = publishRefusal(
      {
        versionCount: counts.get(name) ?? state.versionCount,
        versionExists: state.versionExists || added.has(`${name}@${version}`),
      },
      name,
      version,
    );
    if (rule) {
      refused(400, rule);
      continue;
    }

    const now = ctx.now + i;
    const record: VersionRecord = {
      name,
      version,
      status: "active",
      statusMessage: null,
      statusChangedAt: now,
      publishedAt: now,
      updatedAt: now,
      isLatest: false,
      serverJson: JSON.stringify(job.server),
    };
    const holder = holders.has(name) ? holders.get(name) : state.latest;
    if (publishTakesLatest(record, holder)) holders.set(name, { version, publishedAt: now, deleted: false });
    else if (!holders.has(name)) holders.set(name, holder);
    counts.set(name, (counts.get(name) ?? state.versionCount) + 1);
    added.add(`${name}@${version}`);
    for (const url of urls) claimed.set(url, name);
    accepted.push({ record, urls });
    entries.push(auditEntry(ctx, facts, i, job.caller));
    outcomes.push({ ok: true, value: { record } });
  }

  // Each name's latest after the group: a version of this group, or the stored one.
  const newLatest = new Map<string, string>();
  for (const { record } of accepted) {
    const holder = holders.get(record.name);
    if (holder?.version === record.version && !holder.deleted) newLatest.set(record.name, record.version);
  }
  for (const item of accepted) item.record.isLatest = newLatest.get(item.record.name) === item.record.version;
  const summaries = new Map<string, PublishedCount>();
  for (const { record } of accepted) {
    const summary = summaries.get(record.name);
    if (summary) {
      summary.added++;
      summary.at = record.updatedAt;
    } else {
      summaries.set(record.name, {
        name: record.name,
        namespace: namespaceOf(record.name),
        added: 1,
        latestVersion: newLatest.get(record.name),
        at: record.updatedAt,
      });
    }
  }
  // A handful of multi-row statements for the whole group, all or nothing.
  await commit(
    ctx,
    accepted.length === 0
      ? []
      : [
          ...clearLatestStatements(db, [...newLatest.keys()]),
          ...insertVersionsStatements(
            db,
            accepted.map((a) => a.record),
          ),
          ...insertRemotesStatements(
            db,
            accepted.flatMap((a) => a.urls.map((url) => ({ url, name: a.record.name, version: a.record.version }))),
          ),
          ...countPublishedStatements(db, [...summaries.values()]),
        ],
    entries,
    summaries.keys(),
  );
  return outcomes;
}

/** One publish on its own: a group of one, with the trigger-detected conflict mapped. */
export async function publishVersion(ctx: WriteContext, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
  try {
    return (await publishVersions(ctx, [{ caller: ctx, server }]))[0]!;
  } catch (err) {
    const facts = { action: "publish", name: server.name, version: server.version };
    return asRemoteConflict(ctx, err, remoteUrls(server), facts, "Failed to publish server");
  }
}

/** The statements of status changes to some versions of one name, and the changed versions. */
export function statusChangeStatements(
  db: D1Database,
  versions: readonly VersionRecord[],
  changes: ReadonlyMap<string, StatusChange>,
  now: number,
): { statements: D1PreparedStatement[]; changed: VersionRecord[] } {
  const next = versions.map((v) => {
    const statusChange = changes.get(v.version);
    return statusChange ? applyStatusChange(v, statusChange, now) : { ...v };
  });
  const { latest, flipped } = recomputeLatest(next);
  const changed = next.filter((v) => changes.has(v.version));
  const name = versions[0]?.name;
  return {
    statements: [
      ...changed.map((v) => updateStatusStatement(db, v)),
      ...(flipped && latest ? setLatestStatements(db, [latest]) : []),
      ...(name === undefined ? [] : refreshServersStatements(db, [name])),
    ],
    changed,
  };
}

/** What an audit row of a status change says about it. */
export function statusChangeDetail(changes: ReadonlyMap<string, StatusChange>): Record<string, unknown> {
  const first = [...changes.values()][0];
  return { status: first?.status, statusMessage: first?.statusMessage ?? null, versions: [...changes.keys()] };
}

/**
 * Status changes of some versions of one name, with one audit row. Shared by the status
 * endpoints and report resolutions, which add their own statements and facts.
 */
export async function changeStatuses(
  ctx: WriteContext,
  name: string,
  versions: VersionRecord[],
  changes: ReadonlyMap<string, StatusChange>,
  facts: AuditFacts,
  extraStatements: readonly D1PreparedStatement[] = [],
): Promise<WriteOutcome<StatusResult>> {
  const restored = versions.filter(
    (v) => v.status === "deleted" && changes.has(v.version) && changes.get(v.version)!.status !== "deleted",
  );
  const detail = "Failed to update server status";
  if (restored.length > 0) {
    // A restore must not bring back what the denylist removed, nor take a remote URL that
    // another server now holds.
    const servers = restored.map((v) => JSON.parse(v.serverJson) as ServerJson);
    const hits = await findDenylistHits(
      ctx.env.DB,
      servers.flatMap((server) => denylistKeys(server)),
    );
    const blocked = servers.map((server) => blockingEntry(hits, server)).find((entry) => entry !== undefined);
    if (blocked) return refuse(ctx, facts, 403, denylistRefusal(blocked));
  }
  const restoredUrls = restored.flatMap(storedRemoteUrls);
  const conflict = await findRemoteConflict(ctx.env.DB, restoredUrls, name);
  if (conflict) return refuse(ctx, facts, 400, detail, remoteConflictMessage(conflict));

  const { statements, changed } = statusChangeStatements(ctx.env.DB, versions, changes, ctx.now);
  const entry = auditEntry(ctx, { ...facts, detail: { ...facts.detail, ...statusChangeDetail(changes) } });
  try {
    await commit(ctx, [...statements, ...extraStatements], [entry], [name]);
  } catch (err) {
    return asRemoteConflict(ctx, err, restoredUrls, facts, detail);
  }
  return { ok: true, value: { changed } };
}

export async function setVersionStatus(
  ctx: WriteContext,
  name: string,
  version: string,
  statusChange: StatusChange,
): Promise<WriteOutcome<StatusResult>> {
  const facts = { action: "status", name, version };
  const versions = await getServerVersions(ctx.env.DB, name);
  const target = versions.find((v) => v.version === version);
  if (!target) return refuse(ctx, facts, 404, "Server version not found");
  if (isUnchangedStatus(target, statusChange)) {
    return refuse(ctx, facts, 400, "No changes to apply: status and message are already set to the provided values");
  }
  return changeStatuses(ctx, name, versions, new Map([[version, statusChange]]), facts);
}

export async function setServerStatus(
  ctx: WriteContext,
  name: string,
  statusChange: StatusChange,
): Promise<WriteOutcome<StatusResult>> {
  const facts = { action: "status-all", name };
  const versions = await getServerVersions(ctx.env.DB, name);
  if (versions.length === 0) return refuse(ctx, facts, 404, "Server not found");
  const targets = versions.filter((v) => !isUnchangedStatus(v, statusChange));
  if (targets.length === 0) {
    return refuse(ctx, facts, 400, "No changes to apply: all versions already have the requested status and message");
  }
  return changeStatuses(ctx, name, versions, new Map(targets.map((t) => [t.version, statusChange])), facts);
}

/** Admin edit: replaces the server.json of a stored, non-deleted version. */
export async function editVersion(ctx: WriteContext, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
  const { name, version } = server;
  const facts = { action: "edit", name, version };
  const detail = "Failed to edit server";
  const versions = await getServerVersions(ctx.env.DB, name);
  const index = versions.findIndex((v) => v.version === version && v.status !== "deleted");
  if (index === -1) return refuse(ctx, facts, 404, "Server not found");
  const blocked = blockingEntry(await findDenylistHits(ctx.env.DB, denylistKeys(server)), server);
  if (blocked) return refuse(ctx, facts, 403, denylistRefusal(blocked));
  const urls = remoteUrls(server);
  const conflict = await findRemoteConflict(ctx.env.DB, urls, name);
  if (conflict) return refuse(ctx, facts, 400, detail, remoteConflictMessage(conflict));

  const record = { ...versions[index]!, serverJson: JSON.stringify(server), updatedAt: ctx.now };
  const statements = [
    updateServerJsonStatement(ctx.env.DB, record),
    ...replaceRemotesStatements(ctx.env.DB, name, version, urls),
    ...refreshServersStatements(ctx.env.DB, [name]),
  ];
  try {
    await commit(ctx, statements, [auditEntry(ctx, facts)], [name]);
  } catch (err) {
    return asRemoteConflict(ctx, err, urls, facts, detail);
  }
  return { ok: true, value: { record } };
}
