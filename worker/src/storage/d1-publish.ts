// The SQL of a group of publishes (docs/storage.md "Write protocol"): the one read round trip
// that everything the group is decided on comes from, and the statements that commit its plan
// (domain/publish-plan.ts). The statements themselves live with their tables.
import type { DenylistKey } from "../domain/denylist.ts";
import { claimKey } from "../domain/groups.ts";
import type { NameStateAsRead, PublishPlan, PublishReads } from "../domain/publish-plan.ts";
import {
  clearLatestStatements,
  countPublishedStatements,
  insertRemotesStatements,
  insertVersionsStatements,
  publishStateStatement,
  remoteConflictStatements,
  toPublishState,
  toRemoteConflict,
} from "./d1-catalog.ts";
import {
  namespaceClaimStatement,
  pendingStateStatement,
  toClaim,
  toPendingState,
  type PendingState,
} from "./d1-governance.ts";
import { denylistHitsStatements, toDenylistHits } from "./d1-moderation.ts";

/**
 * What one job is read for: its name and version, its remote URLs, and the catalogue they must be
 * unique in (the group it is published into; null: the public one).
 */
export interface PublishTarget {
  name: string;
  version: string;
  urls: readonly string[];
  group: string | null;
}

/** A group's reads, with each target's pending state when asked for (approval submissions). */
export interface PublishGroupReads extends PublishReads {
  states: (PublishReads["states"][number] & { pending: PendingState | undefined })[];
}

/**
 * Reads, in one D1 batch, the denylist entries among `denylistKeys`, the claim of every
 * namespace among the targets, and per target its name's publish state, the first stored
 * conflict of its remote URLs in its catalogue (however many: 98 per statement) and, with
 * `pending`, whether its version awaits approval and how many versions of its name and of its
 * group do (targets with a group only).
 */
export async function readPublishGroup(
  db: D1Database,
  targets: readonly PublishTarget[],
  denylistKeys: readonly DenylistKey[],
  { pending = false }: { pending?: boolean } = {},
): Promise<PublishGroupReads> {
  const denylist = denylistHitsStatements(db, denylistKeys);
  const keys = [...new Set(targets.map((t) => claimKey(t.name)))];
  const claims = keys.map((key) => namespaceClaimStatement(db, key));
  const perTarget = targets.map((t) => ({
    state: publishStateStatement(db, t.name, t.version),
    pending: pending && t.group !== null ? [pendingStateStatement(db, t.group, t.name, t.version)] : [],
    conflicts: remoteConflictStatements(db, t.urls, t.name, t.group),
  }));
  const results = await db.batch([
    ...denylist,
    ...claims,
    ...perTarget.flatMap((t) => [t.state, ...t.pending, ...t.conflicts]),
  ]);
  const claimOf = new Map(keys.map((key, i) => [key, toClaim(results[denylist.length + i])]));
  let next = denylist.length + claims.length;
  const states = perTarget.map((t, i) => {
    const start = next;
    next += 1 + t.pending.length + t.conflicts.length;
    return {
      ...toPublishState(results[start]),
      claim: claimOf.get(claimKey(targets[i]!.name)) ?? null,
      pending: t.pending.length > 0 ? toPendingState(results[start + 1]) : undefined,
      remoteConflict: toRemoteConflict(results.slice(start + 1 + t.pending.length, next)),
    };
  });
  return { denylisted: toDenylistHits(results.slice(0, denylist.length)), states };
}

/**
 * Aborts the batch ("batch assertion failed", d1-schema/0008_groups.sql batch_assertions) unless
 * the name still has the version count and the latest holder (version, publication time,
 * deleted or not) its publish read: everything the plan decided the name on. A mirror step
 * (sync/mirror-source.ts) writes names without the namespace's writer, so it may have committed
 * a version in between; the namespace's own writes cannot, they wait for this one.
 */
export function abortUnlessNameStateStatement(db: D1Database, read: NameStateAsRead): D1PreparedStatement {
  const { latest } = read;
  return db
    .prepare(
      `INSERT INTO batch_assertions (failure) SELECT ?1
        WHERE coalesce((SELECT version_count FROM servers WHERE name = ?1), 0) <> ?2
           OR NOT ((?3 IS NULL AND NOT EXISTS (SELECT 1 FROM server_versions WHERE name = ?1 AND is_latest = 1))
                   OR EXISTS (SELECT 1 FROM server_versions
                               WHERE name = ?1 AND is_latest = 1 AND version = ?3 AND published_at = ?4
                                 AND (status = 'deleted') = ?5))`,
    )
    .bind(
      read.name,
      read.versionCount,
      latest?.version ?? null,
      latest?.publishedAt ?? null,
      latest === undefined ? null : latest.deleted ? 1 : 0,
    );
}

/**
 * The row changes of a plan, as a few multi-row statements: assert that each written name is as
 * read, clear the moved latest flags, insert the versions and then their remote rows (the
 * remote-holder trigger reads the group of the version row), count them into the `servers`
 * summaries. Empty when no job was accepted; the audit rows are the commit's.
 */
export function publishStatements(db: D1Database, plan: PublishPlan): D1PreparedStatement[] {
  return [
    ...plan.readStates.map((read) => abortUnlessNameStateStatement(db, read)),
    ...clearLatestStatements(db, plan.latestMoves),
    ...insertVersionsStatements(
      db,
      plan.accepted.map((a) => ({ ...a.record, group: a.group })),
    ),
    ...insertRemotesStatements(
      db,
      plan.accepted.flatMap((a) => a.urls.map((url) => ({ url, name: a.record.name, version: a.record.version }))),
    ),
    ...countPublishedStatements(db, plan.summaries),
  ];
}
