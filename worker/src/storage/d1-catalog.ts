// Every SQL statement of the catalogue (tables in d1-schema/0001_catalog.sql, documented in
// docs/storage.md). Nothing else in the worker talks to D1 about servers.
import { PUBLIC_VIEW, type View } from "../domain/groups.ts";
import type { ListQuery } from "../domain/list-query.ts";
import type { PublishedCount, PublishState, RemoteConflict } from "../domain/publish-plan.ts";
import type { ServerStatus, VersionRecord } from "../domain/server-response.ts";
import { chunked, MAX_PARAMS } from "./d1-limits.ts";

/** The columns every version row and every change-feed row share (d1-feed.ts reads them too). */
export interface VersionMetaRow {
  name: string;
  version: string;
  status: ServerStatus;
  status_message: string | null;
  status_changed_at: number;
  published_at: number;
  updated_at: number;
  is_latest: number;
  mirror_source: string | null;
  mirror_updated_at: number | null;
}

interface VersionRow extends VersionMetaRow {
  server_json: string;
  review_since?: number | null;
  /** Only in READ_SELECT's rows. */
  group_name?: string | null;
}

const VERSION_COLUMNS =
  "name, version, status, status_message, status_changed_at, published_at, updated_at, is_latest, server_json, mirror_source, mirror_updated_at";

/**
 * The read paths' select: the version columns, the group, plus the name's review mark. A
 * correlated subquery rather than a join, so the planner keeps walking server_versions in index
 * order.
 */
const READ_SELECT = `SELECT ${VERSION_COLUMNS}, group_name,
  (SELECT since FROM review_marks m WHERE m.name = v.name) AS review_since FROM server_versions v`;

/** A version's metadata as the read paths render it (officialMeta, the mirror provenance). */
export function versionMetaOf(row: VersionMetaRow): Omit<VersionRecord, "serverJson"> {
  return {
    name: row.name,
    version: row.version,
    status: row.status,
    statusMessage: row.status_message,
    statusChangedAt: row.status_changed_at,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    isLatest: row.is_latest === 1,
    ...(row.mirror_source == null
      ? {}
      : { mirror: { source: row.mirror_source, updatedAt: row.mirror_updated_at ?? 0 } }),
  };
}

function toRecord(row: VersionRow): VersionRecord {
  return {
    ...versionMetaOf(row),
    serverJson: row.server_json,
    ...(row.review_since == null ? {} : { underReviewSince: row.review_since }),
    ...(row.group_name === undefined ? {} : { group: row.group_name }),
  };
}

/**
 * The rows a view shows, as a condition on `server_versions v` (the arguments appended to
 * `args`): the public view, public rows only; a group's, its own rows and the public rows its
 * include patterns match ("*", "prefix*", exact; as domain/name-patterns.ts matches them), the
 * patterns bound as one JSON parameter however many there are (D1 binds at most 100). The
 * patterns are read once per statement (`inc`, materialized), not once per row.
 */
export function viewCondition(view: View, args: unknown[]): { with: string; where: string } {
  if (view.kind === "public") return { with: "", where: "v.group_name IS NULL" };
  args.unshift(JSON.stringify(view.group.include));
  args.push(view.group.name);
  return {
    with: `WITH inc(prefix, whole) AS MATERIALIZED (
      SELECT CASE WHEN substr(value, -1) = '*' THEN substr(value, 1, length(value) - 1) ELSE value END,
             substr(value, -1) <> '*'
        FROM json_each(?)) `,
    where: `(v.group_name = ? OR (v.group_name IS NULL AND EXISTS (SELECT 1 FROM inc
      WHERE CASE WHEN inc.whole THEN v.name = inc.prefix ELSE substr(v.name, 1, length(inc.prefix)) = inc.prefix END)))`,
  };
}

/**
 * One page of GET /servers in (name, version) byte order, of the rows `view` shows. Returns up
 * to `limit` rows; the caller decides about nextCursor (only on a full page, as upstream does).
 */
export async function listVersions(
  db: D1Database,
  query: ListQuery,
  view: View = PUBLIC_VIEW,
): Promise<VersionRecord[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (query.cursor) {
    if (query.cursor.version === undefined) {
      where.push("name > ?");
      args.push(query.cursor.name);
    } else {
      where.push("(name > ? OR (name = ? AND version > ?))");
      args.push(query.cursor.name, query.cursor.name, query.cursor.version);
    }
  }
  if (query.search !== undefined) {
    // A literal substring: no wildcards to escape, and no LIKE pattern-length limit (D1 refuses
    // long LIKE patterns). Names are ASCII by pattern, so lower() folds them completely.
    where.push("instr(lower(name), ?) > 0");
    args.push(query.search);
  }
  if (query.updatedSince !== undefined) {
    where.push("updated_at > ?");
    args.push(query.updatedSince);
  }
  if (query.latestOnly) where.push("is_latest = 1");
  if (query.exactVersion !== undefined) {
    where.push("version = ?");
    args.push(query.exactVersion);
  }
  if (!query.includeDeleted) where.push("status <> 'deleted'");
  const visible = viewCondition(view, args);
  where.push(visible.where);
  args.push(query.limit);
  const sql = `${visible.with}${READ_SELECT} WHERE ${where.join(" AND ")} ORDER BY name, version LIMIT ?`;
  const { results } = await db
    .prepare(sql)
    .bind(...args)
    .all<VersionRow>();
  return results.map(toRecord);
}

/** Every version of one name, deleted ones included (callers filter). */
export async function getServerVersions(db: D1Database, name: string): Promise<VersionRecord[]> {
  const { results } = await db
    .prepare(`${READ_SELECT} WHERE name = ? ORDER BY published_at DESC, version DESC`)
    .bind(name)
    .all<VersionRow>();
  return results.map(toRecord);
}

/** Versions matching a WHERE clause over `server_versions v` (moderation sweeps). */
export async function versionsWhere(db: D1Database, where: string, args: readonly unknown[]): Promise<VersionRecord[]> {
  const { results } = await db
    .prepare(`${READ_SELECT} WHERE ${where} ORDER BY name, version`)
    .bind(...args)
    .all<VersionRow>();
  return results.map(toRecord);
}

interface PublishStateRow {
  n: number;
  dup: number;
  latest_version: string | null;
  latest_published_at: number | null;
  latest_status: string | null;
}

/** What a publish needs to know about one name and version; read in one batch per group. */
export function publishStateStatement(db: D1Database, name: string, version: string): D1PreparedStatement {
  return db
    .prepare(
      // The version count comes from the summary row: counting versions would cost O(versions).
      `SELECT coalesce(s.version_count, 0) AS n,
              EXISTS (SELECT 1 FROM server_versions WHERE name = ?1 AND version = ?2) AS dup,
              l.version AS latest_version, l.published_at AS latest_published_at, l.status AS latest_status
         FROM (SELECT 1)
         LEFT JOIN servers s ON s.name = ?1
         LEFT JOIN server_versions l ON l.name = ?1 AND l.is_latest = 1`,
    )
    .bind(name, version);
}

/** The result of publishStateStatement. */
export function toPublishState(result: D1Result | undefined): PublishState {
  const row = result?.results[0] as PublishStateRow | undefined;
  return {
    versionCount: row?.n ?? 0,
    versionExists: row?.dup === 1,
    latest:
      row?.latest_version == null
        ? undefined
        : {
            version: row.latest_version,
            publishedAt: row.latest_published_at ?? 0,
            deleted: row.latest_status === "deleted",
          },
  };
}

/** Versions of many names at once (import planning), grouped by name. */
export async function getVersionsOfNames(
  db: D1Database,
  names: readonly string[],
): Promise<Map<string, VersionRecord[]>> {
  const grouped = new Map<string, VersionRecord[]>();
  // D1 limits bound parameters per statement to 100.
  for (let i = 0; i < names.length; i += 90) {
    const chunk = names.slice(i, i + 90);
    const { results } = await db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM server_versions WHERE name IN (${chunk.map(() => "?").join(",")})`)
      .bind(...chunk)
      .all<VersionRow>();
    for (const row of results) {
      const list = grouped.get(row.name) ?? [];
      list.push(toRecord(row));
      grouped.set(row.name, list);
    }
  }
  return grouped;
}

/** The state of the catalogue as the search build and the cache-repair cron compare it. */
export interface CatalogFingerprint {
  /** Equal keys: nothing changed in between (the change sequence, plus counts for a restore). */
  key: string;
  /** The head of the change sequence (catalog_changes): every change up to here is committed. */
  changeSeq: number;
}

/**
 * A fingerprint of the catalogue's content, read in one statement. Any write to a version row
 * moves the change sequence (triggers, d1-schema/0005); the counts also tell apart a state
 * restored from a backup whose sequence happens to reach the same head.
 */
export async function catalogFingerprint(db: D1Database): Promise<CatalogFingerprint> {
  const row = await db
    .prepare(
      `SELECT (SELECT coalesce(max(seq), 0) FROM catalog_changes) AS c,
              count(*) AS n, coalesce(sum(is_latest), 0) AS l, (SELECT count(*) FROM servers) AS s
         FROM server_versions`,
    )
    .first<{ c: number; n: number; l: number; s: number }>();
  const { c = 0, n = 0, l = 0, s = 0 } = row ?? {};
  return { key: `seq${c}:${n}:${l}:${s}`, changeSeq: c };
}

/** Names changed after change sequence number `seq` (every name for a negative `seq`). */
export async function namesChangedAfter(db: D1Database, seq: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT name FROM catalog_changes WHERE seq > ?")
    .bind(seq)
    .all<{ name: string }>();
  return results.map((row) => row.name);
}

/**
 * Names with a version updated strictly after `micros`: only for a repair record written before
 * the change sequence existed (one cron run after the deploy that added it).
 */
export async function namesUpdatedAfter(db: D1Database, micros: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT name FROM server_versions WHERE updated_at > ?")
    .bind(micros)
    .all<{ name: string }>();
  return results.map((row) => row.name);
}

const REPLACE_ON_CONFLICT = `ON CONFLICT (name, version) DO UPDATE SET
  status = excluded.status, status_message = excluded.status_message,
  status_changed_at = excluded.status_changed_at, published_at = excluded.published_at,
  updated_at = excluded.updated_at, is_latest = excluded.is_latest, server_json = excluded.server_json,
  mirror_source = excluded.mirror_source, mirror_updated_at = excluded.mirror_updated_at`;

/** The columns a version insert writes: the version's, and the group its rows belong to. */
const INSERT_COLUMNS =
  "name, version, status, status_message, status_changed_at, published_at, updated_at, is_latest, server_json, group_name, mirror_source, mirror_updated_at";

/**
 * Inserts version rows, several per statement, each with its group (absent: null, public; the
 * server_versions_group_matches_claim trigger aborts the batch when that is not the namespace's
 * claim at commit time). `replace` (import) overwrites an existing row; otherwise (publish) an
 * existing row fails the whole batch: versions are immutable.
 */
export function insertVersionsStatements(
  db: D1Database,
  records: readonly (VersionRecord & { group?: string | null })[],
  { replace = false }: { replace?: boolean } = {},
): D1PreparedStatement[] {
  const perRow = 12;
  return chunked(records, Math.floor(MAX_PARAMS / perRow)).map((rows) =>
    db
      .prepare(
        `INSERT INTO server_versions (${INSERT_COLUMNS})
         VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ${replace ? REPLACE_ON_CONFLICT : ""}`,
      )
      .bind(
        ...rows.flatMap((r) => [
          r.name,
          r.version,
          r.status,
          r.statusMessage,
          r.statusChangedAt,
          r.publishedAt,
          r.updatedAt,
          r.isLatest ? 1 : 0,
          r.serverJson,
          r.group ?? null,
          r.mirror?.source ?? null,
          r.mirror?.updatedAt ?? null,
        ]),
      ),
  );
}

/**
 * Moves each name's isLatest flag to the given version without touching updated_at (spec
 * §5.3). Clearing comes first because the unique latest index is checked row by row.
 */
export function setLatestStatements(
  db: D1Database,
  latest: readonly { name: string; version: string }[],
): D1PreparedStatement[] {
  const clear = clearLatestStatements(
    db,
    latest.map((l) => l.name),
  );
  const set = chunked(latest, MAX_PARAMS / 2).map((group) =>
    db
      .prepare(
        `UPDATE server_versions SET is_latest = 1
          WHERE (name, version) IN (VALUES ${group.map(() => "(?, ?)").join(", ")})`,
      )
      .bind(...group.flatMap((l) => [l.name, l.version])),
  );
  return [...clear, ...set];
}

/**
 * Counts published versions into the names' summary rows in O(1), several names per statement,
 * with the group the versions were published into (the claim they were checked against).
 */
export function countPublishedStatements(db: D1Database, counts: readonly PublishedCount[]): D1PreparedStatement[] {
  return chunked(counts, Math.floor(MAX_PARAMS / 7)).map((group) =>
    db
      .prepare(
        // '' stands for "latest did not move" (the column is NOT NULL).
        `INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at, group_name)
         VALUES ${group.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (name) DO UPDATE SET
           version_count = version_count + excluded.version_count, updated_at = excluded.updated_at,
           latest_version = CASE WHEN excluded.latest_version <> '' THEN excluded.latest_version ELSE latest_version END,
           group_name = excluded.group_name`,
      )
      .bind(...group.flatMap((c) => [c.name, c.namespace, c.latestVersion ?? "", c.added, c.at, c.at, c.group])),
  );
}

/** Clears isLatest on these names (before their flag moves to another row in the same batch). */
export function clearLatestStatements(db: D1Database, names: readonly string[]): D1PreparedStatement[] {
  return chunked(names, MAX_PARAMS).map((group) =>
    db
      .prepare(
        `UPDATE server_versions SET is_latest = 0 WHERE is_latest = 1 AND name IN (${group.map(() => "?").join(", ")})`,
      )
      .bind(...group),
  );
}

/**
 * Recomputes the per-name summary rows from their versions (bulk import, status changes, edits),
 * the group included (every version of a name belongs to the same group: its namespace's claim).
 */
export function refreshServersStatements(db: D1Database, names: readonly string[]): D1PreparedStatement[] {
  return chunked(names, MAX_PARAMS).map((group) =>
    db
      .prepare(
        `INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at, group_name)
         SELECT name, substr(name, 1, instr(name, '/') - 1),
                coalesce(max(CASE WHEN is_latest = 1 THEN version END), ''),
                count(*), min(published_at), max(updated_at), max(group_name)
           FROM server_versions WHERE name IN (${group.map(() => "?").join(", ")})
          GROUP BY name
         ON CONFLICT (name) DO UPDATE SET
           latest_version = excluded.latest_version, version_count = excluded.version_count,
           created_at = excluded.created_at, updated_at = excluded.updated_at, group_name = excluded.group_name`,
      )
      .bind(...group),
  );
}

/**
 * For each URL, the names of the catalogue of `catalogue` (null: the public one) whose
 * non-deleted versions hold it (remote URLs are unique per catalogue).
 */
export async function remoteHolders(
  db: D1Database,
  urls: readonly string[],
  catalogue: string | null = null,
): Promise<Map<string, Set<string>>> {
  const holders = new Map<string, Set<string>>();
  for (const group of chunked([...new Set(urls)], MAX_PARAMS - 1)) {
    const { results } = await db
      .prepare(
        `SELECT DISTINCT r.url AS url, r.name AS name FROM server_remotes r
           JOIN server_versions v ON v.name = r.name AND v.version = r.version
          WHERE r.url IN (${group.map(() => "?").join(", ")}) AND v.status <> 'deleted' AND v.group_name IS ?`,
      )
      .bind(...group, catalogue)
      .all<{ url: string; name: string }>();
    for (const row of results) {
      const names = holders.get(row.url) ?? new Set<string>();
      names.add(row.name);
      holders.set(row.url, names);
    }
  }
  return holders;
}

/**
 * The first (by URL, then holder) conflict among up to 98 URLs, in the catalogue of `group`
 * (null: the public one): remote URLs are unique per catalogue, so a holder of another catalogue
 * is neither a conflict nor ever named to this writer.
 */
function remoteConflictStatement(
  db: D1Database,
  urls: readonly string[],
  name: string,
  group: string | null,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT r.url AS url, r.name AS holder FROM server_remotes r
         JOIN server_versions v ON v.name = r.name AND v.version = r.version
        WHERE r.url IN (${urls.map(() => "?").join(", ")}) AND r.name <> ? AND v.status <> 'deleted'
          AND v.group_name IS ?
        ORDER BY r.url, r.name LIMIT 1`,
    )
    .bind(...urls, name, group);
}

/**
 * The queries behind findRemoteConflict, for reading in a batch: one per 98 URLs (D1 binds at
 * most 100 parameters), none when there are no URLs.
 */
export function remoteConflictStatements(
  db: D1Database,
  urls: readonly string[],
  name: string,
  group: string | null,
): D1PreparedStatement[] {
  return chunked(urls, MAX_PARAMS - 2).map((chunk) => remoteConflictStatement(db, chunk, name, group));
}

/** The results of remoteConflictStatements: the first conflict of the first chunk that has one. */
export function toRemoteConflict(results: readonly D1Result[]): RemoteConflict | undefined {
  for (const result of results) {
    const row = result.results[0] as RemoteConflict | undefined;
    if (row) return row;
  }
  return undefined;
}

/**
 * Another name's non-deleted version in the catalogue of `group` (null: public) that holds one
 * of `urls`, if any (one round trip).
 */
export async function findRemoteConflict(
  db: D1Database,
  urls: readonly string[],
  name: string,
  group: string | null,
): Promise<RemoteConflict | undefined> {
  const statements = remoteConflictStatements(db, urls, name, group);
  return statements.length === 0 ? undefined : toRemoteConflict(await db.batch(statements));
}

export interface RemoteRow {
  url: string;
  name: string;
  version: string;
}

/**
 * Inserts remote-URL rows, several per statement. The holder trigger checks each within the
 * catalogue of its version row, which must therefore be written earlier in the batch.
 */
export function insertRemotesStatements(db: D1Database, rows: readonly RemoteRow[]): D1PreparedStatement[] {
  return chunked(rows, Math.floor(MAX_PARAMS / 3)).map((group) =>
    db
      .prepare(`INSERT INTO server_remotes (url, name, version) VALUES ${group.map(() => "(?, ?, ?)").join(", ")}`)
      .bind(...group.flatMap((r) => [r.url, r.name, r.version])),
  );
}

/** Replaces the remote-URL rows of one version. */
export function replaceRemotesStatements(
  db: D1Database,
  name: string,
  version: string,
  urls: readonly string[],
): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM server_remotes WHERE name = ? AND version = ?").bind(name, version),
    ...insertRemotesStatements(
      db,
      urls.map((url) => ({ url, name, version })),
    ),
  ];
}

/** Writes the status fields of one version. */
export function updateStatusStatement(db: D1Database, record: VersionRecord): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE server_versions SET status = ?, status_message = ?, status_changed_at = ?, updated_at = ?
        WHERE name = ? AND version = ?`,
    )
    .bind(record.status, record.statusMessage, record.statusChangedAt, record.updatedAt, record.name, record.version);
}

/** Replaces the stored server.json of one version (admin edit). */
export function updateServerJsonStatement(db: D1Database, record: VersionRecord): D1PreparedStatement {
  return db
    .prepare("UPDATE server_versions SET server_json = ?, updated_at = ? WHERE name = ? AND version = ?")
    .bind(record.serverJson, record.updatedAt, record.name, record.version);
}

/** The version a name is found by in search: its latest version, when that is not deleted. */
export interface SearchSource {
  name: string;
  version: string;
  status: "active" | "deprecated";
  serverJson: string;
}

/** One page (by name) of public search sources, for the chunked index build (never a private server). */
export async function listSearchSources(db: D1Database, afterName: string, limit: number): Promise<SearchSource[]> {
  const { results } = await db
    .prepare(
      `SELECT name, version, status, server_json FROM server_versions
        WHERE is_latest = 1 AND status <> 'deleted' AND group_name IS NULL AND name > ?
        ORDER BY name LIMIT ?`,
    )
    .bind(afterName, limit)
    .all<{ name: string; version: string; status: "active" | "deprecated"; server_json: string }>();
  return results.map((r) => ({ name: r.name, version: r.version, status: r.status, serverJson: r.server_json }));
}

/**
 * Public names changed after change sequence number `seq` with their current search source
 * (undefined when the name is no longer searchable: every version deleted, or no row left).
 * Every write to a version row moves its name past the head of the sequence (triggers,
 * d1-schema/0005), so this is exactly what an index built from the catalogue at `seq` is
 * missing, whatever the timestamps in the data. A negative `seq` gives every name. Private
 * names are left out entirely (the public index never had them: a claim needs a namespace
 * without public servers). Indexed: a range of catalog_changes_by_seq, then the latest row of
 * each name by server_versions_latest (no ORDER BY, which would walk the names instead; the
 * overlay sorts its documents itself).
 */
export async function searchChangesSince(
  db: D1Database,
  seq: number,
): Promise<{ name: string; source: SearchSource | undefined }[]> {
  const { results } = await db
    .prepare(
      `SELECT c.name AS name, l.version AS version, l.status AS status, l.server_json AS server_json
         FROM catalog_changes c
         LEFT JOIN server_versions l ON l.name = c.name AND l.is_latest = 1
        WHERE c.seq > ? AND l.group_name IS NULL`,
    )
    .bind(seq)
    .all<{
      name: string;
      version: string | null;
      status: ServerStatus | null;
      server_json: string | null;
    }>();
  return results.map((r) => ({
    name: r.name,
    source:
      r.version === null || r.status === null || r.status === "deleted" || r.server_json === null
        ? undefined
        : { name: r.name, version: r.version, status: r.status, serverJson: r.server_json },
  }));
}

/**
 * The search sources of one group's own servers (latest version, when not deleted): what a
 * group's view adds to the public index and overlay. Reads one row per server, never their
 * older versions: the group's claims (group_namespaces_by_group), the servers of each claimed
 * namespace (servers_by_lower_namespace), each one's latest row (server_versions_latest). A
 * group's servers are exactly those of its claimed namespaces (a release needs the namespace
 * empty of them). The planner left alone would start from server_versions_by_group (every
 * version of the group) or reach the latest row by primary key (every version of the name):
 * CROSS JOIN fixes the order, `+` drops the claim column's affinity so the expression index
 * applies, INDEXED BY takes the latest row alone.
 */
export async function groupSearchSources(db: D1Database, group: string): Promise<SearchSource[]> {
  const { results } = await db
    .prepare(
      `SELECT v.name AS name, v.version AS version, v.status AS status, v.server_json AS server_json
         FROM group_namespaces g
        CROSS JOIN servers s ON lower(s.namespace) = +g.namespace
        CROSS JOIN server_versions v INDEXED BY server_versions_latest ON v.name = s.name AND v.is_latest = 1
        WHERE g.group_name = ?1 AND v.group_name = ?1 AND v.status <> 'deleted'`,
    )
    .bind(group)
    .all<{ name: string; version: string; status: "active" | "deprecated"; server_json: string }>();
  return results.map((r) => ({ name: r.name, version: r.version, status: r.status, serverJson: r.server_json }));
}
