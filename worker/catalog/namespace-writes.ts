// The writes of one namespace (publish, status changes, admin edits), each one D1 batch with
// its change-log entry, followed by the cache update. Called only by the namespace's Durable
// Object, which runs them one at a time; see docs/storage.md "Write protocol".
import type { CatalogClock } from "../durable/catalog-clock.ts";
import type { ProblemDetail } from "../http/problem.ts";
import type { ServerJson } from "../domain/server-json/index.ts";
import type { VersionRecord } from "../domain/server-response.ts";
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
import {
  changeLogStatement,
  changeLogStatements,
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
  type ChangeEntry,
  type PublishedCount,
  type PublishState,
} from "../storage/d1-catalog.ts";
import type { CacheEnv } from "../storage/read-cache.ts";

/** Who asked for a write: the registry token's method and subject. */
export interface Actor {
  method: string;
  subject: string;
}

/** A write's answer; failures carry the official status, detail and errors. */
export type WriteOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; detail: string; errors: ProblemDetail[] };

export interface WriteEnv extends CacheEnv {
  CATALOG_CLOCK: DurableObjectNamespace<CatalogClock>;
}

export interface WriteContext {
  env: WriteEnv;
  /** The sequence number this write's change-log entry takes. */
  seq: number;
  /** This write's timestamp in µs, strictly after the namespace's previous one. */
  now: number;
  actor: Actor;
}

export interface PublishResult {
  record: VersionRecord;
}

export interface StatusResult {
  changed: VersionRecord[];
}

const REMOTE_CONFLICT_TRIGGER = "remote URL is already used by another server";

function refuse(status: number, detail: string, message?: string): WriteOutcome<never> {
  return { ok: false, status, detail, errors: message === undefined ? [] : [{ message }] };
}

function remoteConflictMessage(conflict: { url: string; holder: string }): string {
  return `remote URL ${conflict.url} is already used by server ${conflict.holder}`;
}

function storedRemoteUrls(record: VersionRecord): string[] {
  return remoteUrls(JSON.parse(record.serverJson) as ServerJson);
}

function change(
  ctx: WriteContext,
  action: ChangeEntry["action"],
  name: string,
  version: string | null,
  detail: Record<string, unknown> | null,
): ChangeEntry {
  return {
    namespace: namespaceOf(name),
    seq: ctx.seq,
    changedAt: ctx.now,
    action,
    name,
    version,
    actorMethod: ctx.actor.method,
    actorSubject: ctx.actor.subject,
    detail,
  };
}

/**
 * Commits one write: the D1 batch (all or nothing), then the caches. The batch is the point of
 * no return; a cache failure after it is logged and repaired by the cron, never reported as a
 * failed write (the write happened).
 */
async function commit(ctx: WriteContext, statements: D1PreparedStatement[], name: string): Promise<void> {
  await ctx.env.DB.batch(statements);
  await reportChanges(ctx.env, [name]);
}

/**
 * Hands the names a committed batch changed to the catalog clock, which invalidates their
 * caches within a second. A failure here is logged, not reported: the write happened, and the
 * cron repairs caches that missed it.
 */
async function reportChanges(env: WriteEnv, names: Iterable<string>): Promise<void> {
  try {
    await env.CATALOG_CLOCK.getByName("catalog").noteChanges([...names]);
  } catch (err) {
    console.error("reporting committed changes to the catalog clock failed; the cron will repair caches", err);
  }
}

/** Remote conflicts found only by the D1 trigger (a race across namespaces) get the same answer. */
async function asRemoteConflict<T>(
  ctx: WriteContext,
  err: unknown,
  urls: readonly string[],
  name: string,
  detail: string,
): Promise<WriteOutcome<T>> {
  if (!String((err as Error)?.message ?? err).includes(REMOTE_CONFLICT_TRIGGER)) throw err;
  const conflict = await findRemoteConflict(ctx.env.DB, urls, name);
  return refuse(400, detail, conflict ? remoteConflictMessage(conflict) : REMOTE_CONFLICT_TRIGGER);
}

/** One queued publish: who asks, and the validated server.json. */
export interface PublishJob {
  actor: Actor;
  server: ServerJson;
}

/** The most URLs read for conflicts in one statement (D1 binds at most 100 parameters). */
const MAX_BATCHED_URLS = 99;

/**
 * Publishes queued versions of one namespace with one D1 read round trip and one D1 batch (group
 * commit): each job is checked in order against D1 and against the jobs accepted before it in
 * the group, then every accepted job is written in one all-or-nothing batch, each with its own
 * sequence number and timestamp (`ctx.seq + i`, `ctx.now + i`). Returns one outcome per job and
 * how many sequence numbers the accepted jobs used. If the batch fails, nothing was written:
 * the caller retries the jobs one by one to give each its own answer.
 */
export async function publishVersions(
  ctx: WriteContext,
  jobs: readonly PublishJob[],
): Promise<{ outcomes: WriteOutcome<PublishResult>[]; used: number }> {
  const db = ctx.env.DB;
  const detail = "Failed to publish server";
  const urlsOf = jobs.map((job) => remoteUrls(job.server));
  const reads: D1PreparedStatement[] = [];
  for (const [i, job] of jobs.entries()) {
    reads.push(publishStateStatement(db, job.server.name, job.server.version));
    if (urlsOf[i]!.length > 0 && urlsOf[i]!.length <= MAX_BATCHED_URLS) {
      reads.push(remoteConflictStatement(db, urlsOf[i]!, job.server.name));
    }
  }
  const results = await db.batch(reads);

  // What the accepted jobs of this group changed, per name and per remote URL.
  const counts = new Map<string, number>();
  const added = new Set<string>();
  const holders = new Map<string, PublishState["latest"]>();
  const claimed = new Map<string, string>();
  const outcomes: WriteOutcome<PublishResult>[] = [];
  const accepted: { index: number; record: VersionRecord; urls: string[]; change: ChangeEntry }[] = [];
  let read = 0;
  for (const [i, job] of jobs.entries()) {
    const { name, version } = job.server;
    const urls = urlsOf[i]!;
    const state = toPublishState(results[read++]?.results[0] as Parameters<typeof toPublishState>[0]);
    let conflict: { url: string; holder: string } | undefined;
    if (urls.length > MAX_BATCHED_URLS) conflict = await findRemoteConflict(db, urls, name);
    else if (urls.length > 0) conflict = (results[read++]?.results[0] as { url: string; holder: string } | undefined) ?? undefined;
    const groupHolder = urls.map((url) => ({ url, holder: claimed.get(url) })).find((c) => c.holder && c.holder !== name);
    if (!conflict && groupHolder) conflict = { url: groupHolder.url, holder: groupHolder.holder! };
    if (conflict) {
      outcomes.push(refuse(400, detail, remoteConflictMessage(conflict)));
      continue;
    }
    const refusal = publishRefusal(
      {
        versionCount: counts.get(name) ?? state.versionCount,
        versionExists: state.versionExists || added.has(`${name}@${version}`),
      },
      name,
      version,
    );
    if (refusal) {
      outcomes.push(refuse(400, detail, refusal));
      continue;
    }

    const seq = ctx.seq + accepted.length;
    const now = ctx.now + accepted.length;
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
    accepted.push({ index: i, record, urls, change: change({ ...ctx, seq, now, actor: job.actor }, "publish", name, version, null) });
    outcomes.push({ ok: true, value: { record } });
  }
  if (accepted.length === 0) return { outcomes, used: 0 };

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
  await db.batch([
    ...clearLatestStatements(db, [...newLatest.keys()]),
    ...insertVersionsStatements(db, accepted.map((a) => a.record)),
    ...insertRemotesStatements(db, accepted.flatMap((a) => a.urls.map((url) => ({ url, name: a.record.name, version: a.record.version })))),
    ...countPublishedStatements(db, [...summaries.values()]),
    ...changeLogStatements(db, accepted.map((a) => a.change)),
  ]);
  await reportChanges(ctx.env, summaries.keys());
  return { outcomes, used: accepted.length };
}

/** One publish on its own: a group of one, with the trigger-detected conflict mapped. */
export async function publishVersion(ctx: WriteContext, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
  try {
    const { outcomes } = await publishVersions(ctx, [{ actor: ctx.actor, server }]);
    return outcomes[0]!;
  } catch (err) {
    return asRemoteConflict(ctx, err, remoteUrls(server), server.name, "Failed to publish server");
  }
}

/** Status changes of some versions of one name (one version, or all of them). */
async function changeStatuses(
  ctx: WriteContext,
  name: string,
  versions: VersionRecord[],
  targets: readonly VersionRecord[],
  statusChange: StatusChange,
  action: "status" | "status-all",
): Promise<WriteOutcome<StatusResult>> {
  const changedVersions = new Set(targets.map((t) => t.version));
  const next = versions.map((v) => (changedVersions.has(v.version) ? applyStatusChange(v, statusChange, ctx.now) : { ...v }));
  // A restore must not take a remote URL that another server now holds.
  const restoredUrls = targets
    .filter((t) => t.status === "deleted" && statusChange.status !== "deleted")
    .flatMap(storedRemoteUrls);
  const detail = "Failed to update server status";
  const conflict = await findRemoteConflict(ctx.env.DB, restoredUrls, name);
  if (conflict) return refuse(400, detail, remoteConflictMessage(conflict));

  const { latest, flipped } = recomputeLatest(next);
  const changed = next.filter((v) => changedVersions.has(v.version));
  const statements = [
    ...changed.map((v) => updateStatusStatement(ctx.env.DB, v)),
    ...(flipped && latest ? setLatestStatements(ctx.env.DB, [latest]) : []),
    ...refreshServersStatements(ctx.env.DB, [name]),
    changeLogStatement(
      ctx.env.DB,
      change(ctx, action, name, action === "status" ? targets[0]!.version : null, {
        status: statusChange.status,
        statusMessage: statusChange.statusMessage ?? null,
        versions: changed.map((v) => v.version),
      }),
    ),
  ];
  try {
    await commit(ctx, statements, name);
  } catch (err) {
    return asRemoteConflict(ctx, err, restoredUrls, name, detail);
  }
  return { ok: true, value: { changed } };
}

export async function setVersionStatus(
  ctx: WriteContext,
  name: string,
  version: string,
  statusChange: StatusChange,
): Promise<WriteOutcome<StatusResult>> {
  const versions = await getServerVersions(ctx.env.DB, name);
  const target = versions.find((v) => v.version === version);
  if (!target) return refuse(404, "Server version not found");
  if (isUnchangedStatus(target, statusChange)) {
    return refuse(400, "No changes to apply: status and message are already set to the provided values");
  }
  return changeStatuses(ctx, name, versions, [target], statusChange, "status");
}

export async function setServerStatus(
  ctx: WriteContext,
  name: string,
  statusChange: StatusChange,
): Promise<WriteOutcome<StatusResult>> {
  const versions = await getServerVersions(ctx.env.DB, name);
  if (versions.length === 0) return refuse(404, "Server not found");
  const targets = versions.filter((v) => !isUnchangedStatus(v, statusChange));
  if (targets.length === 0) {
    return refuse(400, "No changes to apply: all versions already have the requested status and message");
  }
  return changeStatuses(ctx, name, versions, targets, statusChange, "status-all");
}

/** Admin edit: replaces the server.json of a stored, non-deleted version. */
export async function editVersion(ctx: WriteContext, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
  const { name, version } = server;
  const detail = "Failed to edit server";
  const versions = await getServerVersions(ctx.env.DB, name);
  const index = versions.findIndex((v) => v.version === version && v.status !== "deleted");
  if (index === -1) return refuse(404, "Server not found");
  const urls = remoteUrls(server);
  const conflict = await findRemoteConflict(ctx.env.DB, urls, name);
  if (conflict) return refuse(400, detail, remoteConflictMessage(conflict));

  const record = { ...versions[index]!, serverJson: JSON.stringify(server), updatedAt: ctx.now };
  const statements = [
    updateServerJsonStatement(ctx.env.DB, record),
    ...replaceRemotesStatements(ctx.env.DB, name, version, urls),
    ...refreshServersStatements(ctx.env.DB, [name]),
    changeLogStatement(ctx.env.DB, change(ctx, "edit", name, version, null)),
  ];
  try {
    await commit(ctx, statements, name);
  } catch (err) {
    return asRemoteConflict(ctx, err, urls, name, detail);
  }
  return { ok: true, value: { record } };
}
