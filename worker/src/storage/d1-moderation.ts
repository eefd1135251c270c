// Every SQL statement of moderation: reports, review marks and the denylist (tables in
// d1-schema/0003_moderation.sql, documented in docs/storage.md).
import type { DenylistEntry, DenylistKey, DenylistKind } from "../domain/denylist.ts";
import { packageSearchTerms, splitPackageValue } from "../domain/denylist-packages.ts";
import { isIpHost } from "../domain/url-host.ts";
import type { ReportReason, ResolveAction } from "../domain/moderation.ts";
import type { VersionRecord } from "../domain/server-response.ts";
import { versionsWhere } from "./d1-catalog.ts";
import { chunked, MAX_PARAMS } from "./d1-limits.ts";

// ---- Reports -------------------------------------------------------------------------------

export interface NewReport {
  id: string;
  name: string;
  version: string | null;
  reason: ReportReason;
  details: string | null;
  reporter: string;
  weight: number;
  createdAt: number;
}

export interface Report extends NewReport {
  seq: number;
  status: "open" | "resolved";
  resolvedAt: number | null;
  resolution: ResolveAction | null;
  resolutionMessage: string | null;
}

interface ReportRow {
  seq: number;
  id: string;
  name: string;
  version: string | null;
  reason: ReportReason;
  details: string | null;
  reporter: string;
  weight: number;
  created_at: number;
  status: "open" | "resolved";
  resolved_at: number | null;
  resolution: ResolveAction | null;
  resolution_message: string | null;
}

function toReport(r: ReportRow): Report {
  return {
    seq: r.seq,
    id: r.id,
    name: r.name,
    version: r.version,
    reason: r.reason,
    details: r.details,
    reporter: r.reporter,
    weight: r.weight,
    createdAt: r.created_at,
    status: r.status,
    resolvedAt: r.resolved_at,
    resolution: r.resolution,
    resolutionMessage: r.resolution_message,
  };
}

/** Everything filing a report must know, read in one batch by the namespace's writer. */
export interface ReportContext {
  /** Versions of the name that are not deleted; of the reported version when one is given. */
  visibleVersions: number;
  /** The reporter's reports inside the rate-limit window, and the oldest one's time. */
  recentReports: number;
  oldestRecent: number | null;
  /** The target's weighted open count, and this reporter's share of it. */
  openWeight: number;
  reporterWeight: number;
  underReview: boolean;
}

export async function readReportContext(
  db: D1Database,
  target: { name: string; version: string | null },
  reporter: string,
  windowStart: number,
): Promise<ReportContext> {
  const [visible, recent, weights, mark] = await db.batch([
    target.version === null
      ? db.prepare("SELECT count(*) AS n FROM server_versions WHERE name = ? AND status <> 'deleted'").bind(target.name)
      : db
          .prepare("SELECT count(*) AS n FROM server_versions WHERE name = ? AND version = ? AND status <> 'deleted'")
          .bind(target.name, target.version),
    db
      .prepare("SELECT count(*) AS n, min(created_at) AS oldest FROM reports WHERE reporter = ? AND created_at > ?")
      .bind(reporter, windowStart),
    openWeightStatement(db, target.name, reporter),
    db.prepare("SELECT since FROM review_marks WHERE name = ?").bind(target.name),
  ]);
  const v = visible?.results[0] as { n: number } | undefined;
  const r = recent?.results[0] as { n: number; oldest: number | null } | undefined;
  const w = weights?.results[0] as { total: number; mine: number } | undefined;
  return {
    visibleVersions: v?.n ?? 0,
    recentReports: r?.n ?? 0,
    oldestRecent: r?.oldest ?? null,
    openWeight: w?.total ?? 0,
    reporterWeight: w?.mine ?? 0,
    underReview: (mark?.results.length ?? 0) > 0,
  };
}

/** A target's weighted open count: each reporter's heaviest open report, summed. */
function openWeightStatement(db: D1Database, name: string, reporter: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT coalesce(sum(w), 0) AS total, coalesce(max(CASE WHEN reporter = ?2 THEN w END), 0) AS mine
         FROM (SELECT reporter, max(weight) AS w FROM reports WHERE name = ?1 AND status = 'open' GROUP BY reporter)`,
    )
    .bind(name, reporter);
}

/** The per-reporter limit a report insert enforces: reports after `start` (µs), at most `limit`. */
export interface ReportWindow {
  start: number;
  limit: number;
}

/**
 * Inserts a report. The statement itself counts the reporter's reports in the window (this one
 * included) into window_count; over `window.limit` the reports_within_rate_limit CHECK aborts
 * the whole batch. D1 runs one statement at a time, so the limit holds exactly even when the
 * writers of several namespaces file reports of one reporter at once.
 */
export function insertReportStatement(db: D1Database, report: NewReport, window: ReportWindow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO reports (id, name, version, reason, details, reporter, weight, created_at, window_limit, window_count)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, count(*) + 1 FROM reports WHERE reporter = ?6 AND created_at > ?10`,
    )
    .bind(
      report.id,
      report.name,
      report.version,
      report.reason,
      report.details,
      report.reporter,
      report.weight,
      report.createdAt,
      window.limit,
      window.start,
    );
}

/** Whether a batch failed because its report insert was over the reporter's limit. */
export function isReportLimitViolation(err: unknown): boolean {
  return err instanceof Error && err.message.includes("reports_within_rate_limit");
}

/** The reporter's reports after `windowStart`, and the oldest one's time. */
export async function reporterWindow(
  db: D1Database,
  reporter: string,
  windowStart: number,
): Promise<{ count: number; oldest: number | null }> {
  const row = await db
    .prepare("SELECT count(*) AS n, min(created_at) AS oldest FROM reports WHERE reporter = ? AND created_at > ?")
    .bind(reporter, windowStart)
    .first<{ n: number; oldest: number | null }>();
  return { count: row?.n ?? 0, oldest: row?.oldest ?? null };
}

export async function getReport(db: D1Database, id: string): Promise<Report | undefined> {
  const row = await db.prepare("SELECT * FROM reports WHERE id = ?").bind(id).first<ReportRow>();
  return row ? toReport(row) : undefined;
}

/** Ids of a target's open reports. */
export async function openReportIds(db: D1Database, name: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM reports WHERE name = ? AND status = 'open' ORDER BY seq")
    .bind(name)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Closes every open report of a target with one decision. */
export function resolveReportsStatement(
  db: D1Database,
  name: string,
  at: number,
  action: ResolveAction,
  message: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE reports SET status = 'resolved', resolved_at = ?, resolution = ?, resolution_message = ?
        WHERE name = ? AND status = 'open'`,
    )
    .bind(at, action, message, name);
}

export interface ReportQuery {
  status: "open" | "resolved";
  name?: string | undefined;
  /** Name patterns (permission resources) the caller may see; undefined means every name. */
  scope?: readonly string[] | undefined;
  afterSeq?: number | undefined;
  limit: number;
}

export interface ListedReport extends Report {
  /** The target's weighted open count. */
  targetWeight: number;
  underReview: boolean;
}

/** SQL for "name matches one of these permission patterns" (see auth/permissions.ts). */
function scopeClause(scope: readonly string[], args: unknown[]): string {
  if (scope.includes("*")) return "1";
  if (scope.length === 0) return "0";
  return `(${scope
    .map((pattern) => {
      if (pattern.endsWith("*")) {
        const prefix = pattern.slice(0, -1);
        args.push(prefix.length, prefix);
        return "substr(r.name, 1, ?) = ?";
      }
      args.push(pattern);
      return "r.name = ?";
    })
    .join(" OR ")})`;
}

/** A page of the review queue, oldest first, with each target's weighted open count. */
export async function listReports(db: D1Database, query: ReportQuery): Promise<ListedReport[]> {
  const args: unknown[] = [query.status];
  const where = ["r.status = ?"];
  if (query.name !== undefined) {
    where.push("r.name = ?");
    args.push(query.name);
  }
  if (query.scope !== undefined) where.push(scopeClause(query.scope, args));
  if (query.afterSeq !== undefined) {
    where.push("r.seq > ?");
    args.push(query.afterSeq);
  }
  args.push(query.limit);
  const { results } = await db
    .prepare(
      `SELECT r.*,
              (SELECT coalesce(sum(w), 0) FROM (SELECT max(weight) AS w FROM reports o
                WHERE o.name = r.name AND o.status = 'open' GROUP BY o.reporter)) AS target_weight,
              EXISTS (SELECT 1 FROM review_marks m WHERE m.name = r.name) AS under_review
         FROM reports r WHERE ${where.join(" AND ")} ORDER BY r.seq LIMIT ?`,
    )
    .bind(...args)
    .all<ReportRow & { target_weight: number; under_review: number }>();
  return results.map((r) => ({ ...toReport(r), targetWeight: r.target_weight, underReview: r.under_review === 1 }));
}

// ---- Review marks --------------------------------------------------------------------------

export function insertReviewMarkStatement(db: D1Database, name: string, since: number): D1PreparedStatement {
  return db.prepare("INSERT OR IGNORE INTO review_marks (name, since) VALUES (?, ?)").bind(name, since);
}

export function deleteReviewMarkStatement(db: D1Database, name: string): D1PreparedStatement {
  return db.prepare("DELETE FROM review_marks WHERE name = ?").bind(name);
}

// ---- Denylist ------------------------------------------------------------------------------

export interface StoredDenylistEntry extends DenylistEntry {
  scope: readonly string[] | null;
  createdAt: number;
  createdBy: string;
}

interface DenylistRow {
  kind: DenylistKind;
  value: string;
  reason: string;
  scope: string | null;
  created_at: number;
  created_by: string;
}

function toDenylistEntry(r: DenylistRow): StoredDenylistEntry {
  return {
    kind: r.kind,
    value: r.value,
    reason: r.reason,
    scope: r.scope === null ? null : (JSON.parse(r.scope) as string[]),
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

const DENYLIST_COLUMNS = "kind, value, reason, scope, created_at, created_by";

/** The entries among `keys`, for reading in a publish's batch (several statements when long). */
export function denylistHitsStatements(db: D1Database, keys: readonly DenylistKey[]): D1PreparedStatement[] {
  const distinct = [...new Map(keys.map((k) => [`${k.kind}\n${k.value}`, k])).values()];
  return chunked(distinct, Math.floor(MAX_PARAMS / 2)).map((group) =>
    db
      .prepare(
        `SELECT ${DENYLIST_COLUMNS} FROM denylist
          WHERE (kind, value) IN (VALUES ${group.map(() => "(?, ?)").join(", ")})`,
      )
      .bind(...group.flatMap((k) => [k.kind, k.value])),
  );
}

/** Rows of denylistHitsStatements results as entries. */
export function toDenylistHits(results: readonly D1Result[]): StoredDenylistEntry[] {
  return results.flatMap((r) => (r.results as DenylistRow[]).map(toDenylistEntry));
}

export async function findDenylistHits(db: D1Database, keys: readonly DenylistKey[]): Promise<StoredDenylistEntry[]> {
  if (keys.length === 0) return [];
  return toDenylistHits(await db.batch(denylistHitsStatements(db, keys)));
}

export function insertDenylistStatement(db: D1Database, entry: StoredDenylistEntry): D1PreparedStatement {
  return db
    .prepare(`INSERT OR IGNORE INTO denylist (${DENYLIST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`)
    .bind(
      entry.kind,
      entry.value,
      entry.reason,
      entry.scope === null ? null : JSON.stringify(entry.scope),
      entry.createdAt,
      entry.createdBy,
    );
}

export function deleteDenylistStatement(db: D1Database, key: DenylistKey): D1PreparedStatement {
  return db.prepare("DELETE FROM denylist WHERE kind = ? AND value = ?").bind(key.kind, key.value);
}

export async function getDenylistEntry(db: D1Database, key: DenylistKey): Promise<StoredDenylistEntry | undefined> {
  const row = await db
    .prepare(`SELECT ${DENYLIST_COLUMNS} FROM denylist WHERE kind = ? AND value = ?`)
    .bind(key.kind, key.value)
    .first<DenylistRow>();
  return row ? toDenylistEntry(row) : undefined;
}

export async function listDenylist(db: D1Database): Promise<StoredDenylistEntry[]> {
  const { results } = await db
    .prepare(`SELECT ${DENYLIST_COLUMNS} FROM denylist ORDER BY kind, value`)
    .all<DenylistRow>();
  return results.map(toDenylistEntry);
}

/**
 * Statement listing every stored server name (deleted or not) a server or namespace entry
 * reaches by lower-case matching, whoever holds it; undefined for other kinds.
 */
function coveredNamesStatement(db: D1Database, key: DenylistKey): D1PreparedStatement | undefined {
  if (key.kind === "server") return db.prepare("SELECT name FROM servers WHERE lower(name) = ?").bind(key.value);
  if (key.kind !== "namespace") return undefined;
  return db
    .prepare("SELECT name FROM servers WHERE lower(namespace) = ? OR substr(lower(namespace), 1, ?) = ?")
    .bind(key.value, key.value.length + 1, `${key.value}.`);
}

/** For each key, the stored names it reaches (see coveredNamesStatement), in one batch. */
export async function denylistCoveredNames(db: D1Database, keys: readonly DenylistKey[]): Promise<string[][]> {
  const statements = keys.map((key) => coveredNamesStatement(db, key));
  const present = statements.filter((s): s is D1PreparedStatement => s !== undefined);
  const results = present.length === 0 ? [] : await db.batch<{ name: string }>(present);
  let next = 0;
  return statements.map((s) => (s === undefined ? [] : (results[next++]?.results ?? []).map((r) => r.name)));
}

/** `v.server_json` as candidates compare it: lower case; the Kelvin sign, which JavaScript lower-cases to "k", too. */
const SERVER_JSON_LOWER = "lower(replace(v.server_json, char(8490), 'k'))";

/**
 * SQL true for a text that may spell a host or URL other than plainly in ASCII: Unicode (IDNA),
 * control characters, percent escapes or backslashes, which the URL parser reads differently.
 */
function unusualUrlText(column: string): string {
  return `(${column} GLOB '*[^ -~]*' OR instr(${column}, '%') > 0 OR instr(${column}, char(92)) > 0)`;
}

/**
 * SQL narrowing `server_versions v` to what an entry may match: a superset of what
 * denylistMatches accepts, since matching compares canonical forms that a substring of the raw
 * server.json need not contain.
 */
function candidateClause(entry: DenylistKey, args: unknown[]): string {
  switch (entry.kind) {
    case "server":
      args.push(entry.value);
      return "lower(v.name) = ?";
    case "namespace":
      args.push(entry.value, entry.value.length + 1, `${entry.value}.`);
      return "v.name IN (SELECT name FROM servers WHERE lower(namespace) = ? OR substr(lower(namespace), 1, ?) = ?)";
    case "remote-host": {
      // The host as written, or a remote URL whose host may be written otherwise (Unicode,
      // escapes; any spelling of an IP address, which a substring cannot find).
      args.push(entry.value);
      const otherSpelling = isIpHost(entry.value) ? "1" : unusualUrlText("r.url");
      return `(instr(${SERVER_JSON_LOWER}, ?) > 0 OR EXISTS (SELECT 1 FROM server_remotes r
                WHERE r.name = v.name AND r.version = v.version AND ${otherSpelling}))`;
    }
    case "package": {
      const terms = packageSearchTerms(entry.value);
      if (terms === undefined) return urlPackageClause(entry.value, args);
      const required = terms.length > 0 ? terms : [entry.value];
      args.push(...required);
      return `(${required.map(() => `instr(${SERVER_JSON_LOWER}, ?) > 0`).join(" AND ")})`;
    }
  }
}

/**
 * Candidates of a URL-identified (MCPB) package entry: versions with a package of that type
 * whose identifier names the URL's host, or may spell it otherwise.
 */
function urlPackageClause(value: string, args: unknown[]): string {
  const split = splitPackageValue(value);
  const identifier = "json_extract(p.value, '$.identifier')";
  args.push(split?.type ?? "");
  let host = "";
  try {
    host = new URL(split?.identity ?? "").hostname;
  } catch {
    // Not a URL (a row from before 0004): every package of the type is a candidate.
  }
  let named = "1";
  if (host !== "" && !isIpHost(host)) {
    args.push(host);
    named = `(instr(lower(${identifier}), ?) > 0 OR ${unusualUrlText(identifier)})`;
  }
  return `EXISTS (SELECT 1 FROM json_each(v.server_json, '$.packages') p
            WHERE lower(trim(json_extract(p.value, '$.registryType'))) = ? AND ${named})`;
}

/**
 * Versions of one namespace that are not deleted and that an entry may match; the caller
 * narrows them with denylistMatches.
 */
export async function denylistCandidates(
  db: D1Database,
  entry: DenylistKey,
  namespace: string,
): Promise<VersionRecord[]> {
  const args: unknown[] = [namespace];
  const clause = candidateClause(entry, args);
  return versionsWhere(
    db,
    `v.name IN (SELECT name FROM servers WHERE namespace = ?) AND v.status <> 'deleted' AND ${clause}`,
    args,
  );
}

/** The namespaces holding versions an entry may match (each is swept by its own writer). */
export async function denylistNamespaces(db: D1Database, entry: DenylistKey): Promise<string[]> {
  const args: unknown[] = [];
  const clause = candidateClause(entry, args);
  const { results } = await db
    .prepare(
      `SELECT DISTINCT s.namespace AS namespace FROM server_versions v JOIN servers s ON s.name = v.name
        WHERE v.status <> 'deleted' AND ${clause} ORDER BY 1`,
    )
    .bind(...args)
    .all<{ namespace: string }>();
  return results.map((r) => r.namespace);
}
