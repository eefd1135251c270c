// The writes of one namespace (publish, status changes, admin edits), each one D1 batch with
// its audit rows, followed by the cache update. Called only by the namespace's Durable Object,
// which runs them one at a time; see docs/storage.md "Write protocol". Each write carries the
// group whose view it came through (null: the public catalogue) and acts only on that view's own
// servers, as the namespace's claim in D1 says (docs/governance.md).
import type { ServerJson } from "../domain/server-json/index.ts";
import type { VersionRecord } from "../domain/server-response.ts";
import { blockingEntry, denylistKeys, denylistRefusal } from "../domain/denylist.ts";
import { claimKey } from "../domain/groups.ts";
import {
  denylistIn,
  planPublishes,
  PUBLISH_FAILED,
  remoteConflictMessage,
  type PublishAudit,
  type PublishPlan,
} from "../domain/publish-plan.ts";
import {
  applyStatusChange,
  claimChangedRefusal,
  isUnchangedStatus,
  recomputeLatest,
  remoteUrls,
  writableIn,
  type StatusChange,
} from "../domain/write-rules.ts";
import type { AuditEntry } from "../storage/d1-audit.ts";
import {
  findRemoteConflict,
  getServerVersions,
  refreshServersStatements,
  replaceRemotesStatements,
  setLatestStatements,
  updateServerJsonStatement,
  updateStatusStatement,
} from "../storage/d1-catalog.ts";
import { readClaim } from "../storage/d1-governance.ts";
import { findDenylistHits } from "../storage/d1-moderation.ts";
import { publishStatements, readPublishGroup } from "../storage/d1-publish.ts";
import {
  auditEntry,
  commit,
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
/** The abort of server_versions_group_matches_claim (d1-schema/0008_groups.sql). */
const CLAIM_TRIGGER = "namespace claim changed";
/**
 * The abort of a publish batch's only batch_assertions insert (storage/d1-publish.ts
 * abortUnlessNameStateStatement): a mirror step changed the name after the publish read it.
 */
const NAME_STATE_ASSERTION = "batch assertion failed";
/** The answer when the name changed under a publish again after it was planned anew. */
const CONCURRENT_CHANGE = "A concurrent change conflicted with this one: retry";

function failedWith(err: unknown, message: string): boolean {
  return String((err as Error)?.message ?? err).includes(message);
}

/**
 * A namespace claimed or released between a publish's read and its commit (caught by the D1
 * trigger, which aborted the whole batch: nothing was written) gets the refusal the read would
 * have given: the version's group was the claim as read, so the claim now differs from it.
 */
async function asClaimChange<T>(
  ctx: WriteContext,
  err: unknown,
  facts: AuditFacts & { name: string },
  group: string | null,
): Promise<WriteOutcome<T>> {
  if (!failedWith(err, CLAIM_TRIGGER)) throw err;
  return refuse(ctx, facts, 403, PUBLISH_FAILED, claimChangedRefusal(facts.name, group));
}

/**
 * Remote conflicts found only by the D1 trigger (a race across namespaces of one catalogue, that
 * of `group`) get the same answer.
 */
export async function asRemoteConflict<T>(
  ctx: WriteContext,
  err: unknown,
  urls: readonly string[],
  facts: AuditFacts,
  detail: string,
  group: string | null,
): Promise<WriteOutcome<T>> {
  if (!failedWith(err, REMOTE_CONFLICT_TRIGGER)) throw err;
  const conflict = await findRemoteConflict(ctx.env.DB, urls, facts.name ?? "", group);
  return refuse(ctx, facts, 400, detail, conflict ? remoteConflictMessage(conflict) : REMOTE_CONFLICT_TRIGGER);
}

/**
 * The refusal of storing these server.json of `name` again (an edit, a restore) in the catalogue
 * of `group` (null: public), if the denylist blocks one of them (403) or another server of that
 * catalogue holds one of their remote URLs `urls` (400).
 */
async function refuseBlockedOrTaken(
  ctx: WriteContext,
  facts: AuditFacts,
  detail: string,
  name: string,
  servers: readonly ServerJson[],
  urls: readonly string[],
  group: string | null,
): Promise<WriteOutcome<never> | undefined> {
  if (servers.length > 0) {
    const hits = denylistIn(
      await findDenylistHits(
        ctx.env.DB,
        servers.flatMap((server) => denylistKeys(server)),
      ),
      group,
    );
    const blocked = servers.map((server) => blockingEntry(hits, server)).find((entry) => entry !== undefined);
    if (blocked) return refuse(ctx, facts, 403, denylistRefusal(blocked));
  }
  const conflict = await findRemoteConflict(ctx.env.DB, urls, name, group);
  if (conflict) return refuse(ctx, facts, 400, detail, remoteConflictMessage(conflict));
  return undefined;
}

/** One queued publish: who asks, the validated server.json, and the group it is published into (null: public). */
export interface PublishJob {
  caller: Caller;
  server: ServerJson;
  group: string | null;
}

/**
 * The answer to a publish batch that one of the D1 triggers aborted (nothing was written): a
 * changed claim or a remote URL taken meanwhile is refused as the read would have refused it; a
 * name a mirror step changed meanwhile is 409 "retry" (audited), a retry being planned on the new
 * state; anything else is rethrown.
 */
export function asPublishTrigger<T>(
  ctx: WriteContext,
  err: unknown,
  facts: AuditFacts & { name: string },
  group: string | null,
  urls: readonly string[],
): Promise<WriteOutcome<T>> {
  if (failedWith(err, CLAIM_TRIGGER)) return asClaimChange(ctx, err, facts, group);
  if (failedWith(err, NAME_STATE_ASSERTION)) return refuse(ctx, facts, 409, CONCURRENT_CHANGE);
  return asRemoteConflict(ctx, err, urls, facts, PUBLISH_FAILED, group);
}

/** A planned job's audit row: the plan's facts, sequence number and time, and who asked. */
export function publishAuditEntry(ctx: WriteContext, caller: Caller, audit: PublishAudit): AuditEntry {
  return { ...auditEntry(ctx, audit, 0, caller), seq: audit.seq, at: audit.at };
}

function publishOutcome({ decision }: PublishPlan["jobs"][number]): WriteOutcome<PublishResult> {
  return decision.ok
    ? { ok: true, value: { record: decision.record } }
    : refusal(decision.status, decision.detail, decision.message);
}

/**
 * Publishes queued versions of one namespace (group commit): one D1 read round trip for the
 * whole group, the pure plan (domain/publish-plan.ts: each job checked in order against D1 and
 * against the jobs accepted before it, job i taking sequence number `ctx.seq + i` and timestamp
 * `ctx.now + i`), then one all-or-nothing batch with the accepted versions and one audit row per
 * job, refused ones included. If the batch fails, nothing was written: the caller retries the
 * jobs one by one to give each its own answer.
 */
export async function publishVersions(
  ctx: WriteContext,
  jobs: readonly PublishJob[],
): Promise<WriteOutcome<PublishResult>[]> {
  const reads = await readPublishGroup(
    ctx.env.DB,
    jobs.map(({ server, group }) => ({ name: server.name, version: server.version, urls: remoteUrls(server), group })),
    jobs.flatMap(({ server }) => denylistKeys(server)),
  );
  const plan = planPublishes(jobs, reads, { now: ctx.now, seq: ctx.seq });
  await commit(
    ctx,
    publishStatements(ctx.env.DB, plan),
    plan.jobs.map(({ audit }, i) => publishAuditEntry(ctx, jobs[i]!.caller, audit)),
    plan.summaries.map((summary) => summary.name),
  );
  return plan.jobs.map(publishOutcome);
}

/**
 * One publish on its own: a group of one, with the trigger-detected conflicts mapped. When a
 * mirror step changed the name between the read and the commit (nothing was written), the
 * publish is read and planned once more, answering what it would have answered after that step;
 * a second such change is answered 409 "retry" (as governance writes answer their races).
 */
export async function publishVersion(ctx: WriteContext, job: PublishJob): Promise<WriteOutcome<PublishResult>> {
  const { server, group } = job;
  for (let attempt = 0; ; attempt++) {
    try {
      return (await publishVersions(ctx, [{ ...job, caller: ctx }]))[0]!;
    } catch (err) {
      if (attempt === 0 && failedWith(err, NAME_STATE_ASSERTION)) continue;
      const facts = { action: "publish", name: server.name, version: server.version };
      return asPublishTrigger(ctx, err, facts, group, remoteUrls(server));
    }
  }
}

/**
 * The stored versions of `name` that a write through the view of `group` (null: public) may
 * change: all of them, or none when the name is not that view's own (another group's, or public
 * seen from a group), so that it is answered exactly like a missing server. The rows carry
 * their group; the claim is read next to them.
 */
export async function writableVersions(
  ctx: WriteContext,
  name: string,
  group: string | null,
): Promise<VersionRecord[]> {
  const [versions, claim] = await Promise.all([
    getServerVersions(ctx.env.DB, name),
    readClaim(ctx.env.DB, claimKey(name)),
  ]);
  return writableIn(group, claim, versions[0]?.group ?? null) ? versions : [];
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
    // The flag moves first: the change feed records each changed row with the flag it is left with.
    statements: [
      ...(flipped && latest ? setLatestStatements(db, [latest]) : []),
      ...changed.map((v) => updateStatusStatement(db, v)),
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
 * endpoints and report resolutions, which add their own statements and facts. `group` is the
 * catalogue the name belongs to (null: public; reports are filed on public servers only).
 */
export async function changeStatuses(
  ctx: WriteContext,
  name: string,
  versions: VersionRecord[],
  changes: ReadonlyMap<string, StatusChange>,
  facts: AuditFacts,
  extraStatements: readonly D1PreparedStatement[] = [],
  group: string | null = null,
): Promise<WriteOutcome<StatusResult>> {
  const restored = versions.filter(
    (v) => v.status === "deleted" && changes.has(v.version) && changes.get(v.version)!.status !== "deleted",
  );
  const detail = "Failed to update server status";
  // A restore must not bring back what the denylist removed, nor take a remote URL that another
  // server now holds.
  const servers = restored.map((v) => JSON.parse(v.serverJson) as ServerJson);
  const restoredUrls = servers.flatMap(remoteUrls);
  const refused = await refuseBlockedOrTaken(ctx, facts, detail, name, servers, restoredUrls, group);
  if (refused) return refused;

  const { statements, changed } = statusChangeStatements(ctx.env.DB, versions, changes, ctx.now);
  const entry = auditEntry(ctx, { ...facts, detail: { ...facts.detail, ...statusChangeDetail(changes) } });
  try {
    await commit(ctx, [...statements, ...extraStatements], [entry], [name]);
  } catch (err) {
    return asRemoteConflict(ctx, err, restoredUrls, facts, detail, group);
  }
  return { ok: true, value: { changed } };
}

export async function setVersionStatus(
  ctx: WriteContext,
  name: string,
  version: string,
  statusChange: StatusChange,
  group: string | null = null,
): Promise<WriteOutcome<StatusResult>> {
  const facts = { action: "status", name, version };
  const versions = await writableVersions(ctx, name, group);
  const target = versions.find((v) => v.version === version);
  if (!target) return refuse(ctx, facts, 404, "Server version not found");
  if (isUnchangedStatus(target, statusChange)) {
    return refuse(ctx, facts, 400, "No changes to apply: status and message are already set to the provided values");
  }
  return changeStatuses(ctx, name, versions, new Map([[version, statusChange]]), facts, [], group);
}

export async function setServerStatus(
  ctx: WriteContext,
  name: string,
  statusChange: StatusChange,
  group: string | null = null,
): Promise<WriteOutcome<StatusResult>> {
  const facts = { action: "status-all", name };
  const versions = await writableVersions(ctx, name, group);
  if (versions.length === 0) return refuse(ctx, facts, 404, "Server not found");
  const targets = versions.filter((v) => !isUnchangedStatus(v, statusChange));
  if (targets.length === 0) {
    return refuse(ctx, facts, 400, "No changes to apply: all versions already have the requested status and message");
  }
  return changeStatuses(ctx, name, versions, new Map(targets.map((t) => [t.version, statusChange])), facts, [], group);
}

/** Admin edit: replaces the server.json of a stored, non-deleted version. */
export async function editVersion(
  ctx: WriteContext,
  server: ServerJson,
  group: string | null = null,
): Promise<WriteOutcome<PublishResult>> {
  const { name, version } = server;
  const facts = { action: "edit", name, version };
  const detail = "Failed to edit server";
  const versions = await writableVersions(ctx, name, group);
  const index = versions.findIndex((v) => v.version === version && v.status !== "deleted");
  if (index === -1) return refuse(ctx, facts, 404, "Server not found");
  const urls = remoteUrls(server);
  const refused = await refuseBlockedOrTaken(ctx, facts, detail, name, [server], urls, group);
  if (refused) return refused;

  const record = { ...versions[index]!, serverJson: JSON.stringify(server), updatedAt: ctx.now };
  const statements = [
    updateServerJsonStatement(ctx.env.DB, record),
    ...replaceRemotesStatements(ctx.env.DB, name, version, urls),
    ...refreshServersStatements(ctx.env.DB, [name]),
  ];
  try {
    await commit(ctx, statements, [auditEntry(ctx, facts)], [name]);
  } catch (err) {
    return asRemoteConflict(ctx, err, urls, facts, detail, group);
  }
  return { ok: true, value: { record } };
}
