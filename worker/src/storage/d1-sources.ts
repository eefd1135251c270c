// The queries of upstream sources (table `sources`, d1-schema/0009_sync.sql; docs/storage.md
// "Sync"). A mirror step leases its source (stamps last_attempt_at) and commits each page's rows
// together with the source's new position in one batch that holds only while the lease does.
import type {
  SkipRecord,
  SourceConfig,
  SourceCounts,
  SourceMode,
  SourceProgress,
  SourceRecord,
} from "../domain/sources.ts";
import { abortUnlessGroupReferencesStatement, type GroupReference, groupReferenceIds } from "./d1-governance.ts";
import { chunked, MAX_PARAMS } from "./d1-limits.ts";

interface SourceRow {
  id: string;
  url: string;
  into_group: string | null;
  include_json: string;
  exclude_json: string;
  created_at: number;
  created_by: string;
  mode: SourceMode | null;
  position: string | null;
  since: number | null;
  pass_high: number | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  caught_up_at: number | null;
  last_error: string | null;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  recent_skips: string;
}

function toSource(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    url: row.url,
    into: row.into_group,
    include: JSON.parse(row.include_json) as string[],
    exclude: JSON.parse(row.exclude_json) as string[],
    createdAt: row.created_at,
    createdBy: row.created_by,
    mode: row.mode,
    position: row.position,
    since: row.since,
    passHigh: row.pass_high,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    caughtUpAt: row.caught_up_at,
    lastError: row.last_error,
    counts: { added: row.added, updated: row.updated, unchanged: row.unchanged, skipped: row.skipped },
    recentSkips: JSON.parse(row.recent_skips) as SkipRecord[],
  };
}

export async function getSource(db: D1Database, id: string): Promise<SourceRecord | null> {
  const row = await db.prepare("SELECT * FROM sources WHERE id = ?").bind(id).first<SourceRow>();
  return row === null ? null : toSource(row);
}

export async function sourceByUrl(db: D1Database, url: string): Promise<SourceRecord | null> {
  const row = await db.prepare("SELECT * FROM sources WHERE url = ?").bind(url).first<SourceRow>();
  return row === null ? null : toSource(row);
}

/** Every source, oldest first. */
export async function listSources(db: D1Database): Promise<SourceRecord[]> {
  const { results } = await db.prepare("SELECT * FROM sources ORDER BY created_at, id").all<SourceRow>();
  return results.map(toSource);
}

/**
 * Every source's id and URL, least recently attempted first (never attempted first of all): the
 * order a cron run takes them in, so that a run cut short by its budget starts the next one with
 * the sources it did not reach.
 */
export async function sourcesByLastAttempt(db: D1Database): Promise<{ id: string; url: string }[]> {
  const { results } = await db
    .prepare("SELECT id, url FROM sources ORDER BY last_attempt_at IS NOT NULL, last_attempt_at, created_at, id")
    .all<{ id: string; url: string }>();
  return results;
}

export async function sourceCount(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>();
  return row?.n ?? 0;
}

export function insertSourceStatement(db: D1Database, source: SourceConfig): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO sources (id, url, into_group, include_json, exclude_json, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      source.id,
      source.url,
      source.into,
      JSON.stringify(source.include),
      JSON.stringify(source.exclude),
      source.createdAt,
      source.createdBy,
    );
}

export function deleteSourceStatement(db: D1Database, id: string): D1PreparedStatement {
  return db.prepare("DELETE FROM sources WHERE id = ?").bind(id);
}

const SOURCES_OF_GROUP: GroupReference = { table: "sources", column: "into_group" };

/** The ids of the sources mirroring into a group, oldest first (at most MAX_SOURCES exist). */
export function groupSourceIds(db: D1Database, group: string): Promise<string[]> {
  return groupReferenceIds(db, SOURCES_OF_GROUP, group);
}

/** Aborts its batch unless the sources mirroring into the group are exactly `ids`. */
export function abortUnlessGroupSourcesStatement(
  db: D1Database,
  group: string,
  ids: readonly string[],
): D1PreparedStatement {
  return abortUnlessGroupReferencesStatement(db, SOURCES_OF_GROUP, group, ids);
}

/**
 * The sources mirroring into a group, deleted with the group (in its batch): the cron never
 * mirrors them into a group created later under the name. A step under way loses its lease
 * (abortUnlessLeasedStatement) and commits nothing more.
 */
export function deleteGroupSourcesStatement(db: D1Database, group: string): D1PreparedStatement {
  return db.prepare("DELETE FROM sources WHERE into_group = ?").bind(group);
}

/**
 * Starts a step: stamps the source's last_attempt_at with `now` (or just after the previous
 * stamp) and returns the source as it is now, its stamp included (null when it is gone). A later step's stamp takes the lease over: the earlier step's
 * batches then abort (abortUnlessLeasedStatement), so two steps never apply one page twice.
 */
export async function leaseSource(db: D1Database, id: string, now: number): Promise<SourceRecord | null> {
  const row = await db
    // Strictly after the previous stamp, so two steps in the same µs still hold different leases.
    .prepare("UPDATE sources SET last_attempt_at = max(?, coalesce(last_attempt_at, 0) + 1) WHERE id = ? RETURNING *")
    .bind(now, id)
    .first<SourceRow>();
  return row === null ? null : toSource(row);
}

/** Aborts its batch unless the source still exists and the step stamped `stamp` still holds it. */
export function abortUnlessLeasedStatement(db: D1Database, id: string, stamp: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO batch_assertions (failure)
       SELECT 'source lease lost' WHERE NOT EXISTS (SELECT 1 FROM sources WHERE id = ? AND last_attempt_at = ?)`,
    )
    .bind(id, stamp);
}

/** The position after a page, with the page's counts added and the recent skips replaced. */
export function saveProgressStatement(
  db: D1Database,
  id: string,
  progress: Pick<SourceProgress, "mode" | "position" | "since" | "passHigh" | "caughtUpAt" | "recentSkips">,
  increments: SourceCounts,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sources SET mode = ?, position = ?, since = ?, pass_high = ?, caught_up_at = ?,
              added = added + ?, updated = updated + ?, unchanged = unchanged + ?, skipped = skipped + ?,
              recent_skips = ?
        WHERE id = ?`,
    )
    .bind(
      progress.mode,
      progress.position,
      progress.since,
      progress.passHigh,
      progress.caughtUpAt,
      increments.added,
      increments.updated,
      increments.unchanged,
      increments.skipped,
      JSON.stringify(progress.recentSkips),
      id,
    );
}

/** How a step ended: its success time (kept when it failed) and its error (null: none). */
export function finishStepStatement(
  db: D1Database,
  id: string,
  stamp: number,
  outcome: { successAt: number | null; error: string | null },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sources SET last_success_at = coalesce(?, last_success_at), last_error = ?
        WHERE id = ? AND last_attempt_at = ?`,
    )
    .bind(outcome.successAt, outcome.error, id, stamp);
}

/**
 * Aborts its batch when any of `names` holds a version that is not this source's (published
 * or imported here, or another source's): a local publish that committed since the step read
 * the names is never merged with the mirror's rows.
 */
export function abortWhenForeignVersionsStatements(
  db: D1Database,
  names: readonly string[],
  source: string,
): D1PreparedStatement[] {
  return chunked(names, MAX_PARAMS - 1).map((chunk) =>
    db
      .prepare(
        `INSERT INTO batch_assertions (failure)
         SELECT 'local version' WHERE EXISTS (
           SELECT 1 FROM server_versions
            WHERE name IN (${chunk.map(() => "?").join(", ")}) AND mirror_source IS NOT ?)`,
      )
      .bind(...chunk, source),
  );
}
