// Every SQL statement of moderation: reports, review marks and the denylist (tables in
// d1-schema/0003_moderation.sql, documented in docs/storage.md).
import type { DenylistEntry, DenylistKey, DenylistKind } from "../domain/denylist.ts";
import {
  mcpbUrlParts,
  ociRepositorySpellings,
  packageSearchTerms,
  splitPackageValue,
} from "../domain/denylist-packages.ts";
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
  /** Public versions of the name that are not deleted; of the reported version when one is given. */
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
  // Reports are public: a private server (group_name set) is as absent as a missing one.
  const [visible, recent, weights, mark] = await db.batch([
    target.version === null
      ? db
          .prepare(
            "SELECT count(*) AS n FROM server_versions WHERE name = ? AND status <> 'deleted' AND group_name IS NULL",
          )
          .bind(target.name)
      : db
          .prepare(
            `SELECT count(*) AS n FROM server_versions
              WHERE name = ? AND version = ? AND status <> 'deleted' AND group_name IS NULL`,
          )
          .bind(target.name, target.version),
    reporterWindowStatement(db, reporter, windowStart),
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

/** How many reports the reporter filed after `windowStart` (`n`), and the oldest one's time. */
function reporterWindowStatement(db: D1Database, reporter: string, windowStart: number): D1PreparedStatement {
  return db
    .prepare("SELECT count(*) AS n, min(created_at) AS oldest FROM reports WHERE reporter = ? AND created_at > ?")
    .bind(reporter, windowStart);
}

/** The reporter's reports after `windowStart`, and the oldest one's time. */
export async function reporterWindow(
  db: D1Database,
  reporter: string,
  windowStart: number,
): Promise<{ count: number; oldest: number | null }> {
  const row = await reporterWindowStatement(db, reporter, windowStart).first<{ n: number; oldest: number | null }>();
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
 * Statement listing every stored public server name (deleted or not) a scoped maintainer's server
 * or namespace entry reaches by lower-case matching, whoever holds it; undefined for other kinds.
 * Private servers are left out: such an entry never reaches them (candidateWhere).
 */
function coveredNamesStatement(db: D1Database, key: ManagedKey): D1PreparedStatement | undefined {
  // A global entry (scope null) also reaches private servers; a scoped one only public ones.
  const visible = key.scope === null ? "" : " AND group_name IS NULL";
  if (key.kind === "server") {
    return db.prepare(`SELECT name FROM servers WHERE lower(name) = ?${visible}`).bind(key.value);
  }
  if (key.kind !== "namespace") return undefined;
  return db
    .prepare(
      `SELECT name FROM servers
        WHERE (lower(namespace) = ? OR substr(lower(namespace), 1, ?) = ?)${visible}`,
    )
    .bind(key.value, key.value.length + 1, `${key.value}.`);
}

/** An entry as a maintainer would manage it: its key, and whose it is (null: a global maintainer's). */
export type ManagedKey = DenylistKey & { scope: readonly string[] | null };

/**
 * For each entry, the names it reaches (see coveredNamesStatement: a scoped entry public names
 * only, a global one private names too), in one batch.
 */
export async function denylistCoveredNames(db: D1Database, keys: readonly ManagedKey[]): Promise<string[][]> {
  const statements = keys.map((key) => coveredNamesStatement(db, key));
  const present = statements.filter((s): s is D1PreparedStatement => s !== undefined);
  const results = present.length === 0 ? [] : await db.batch<{ name: string }>(present);
  let next = 0;
  return statements.map((s) => (s === undefined ? [] : (results[next++]?.results ?? []).map((r) => r.name)));
}

// ---- Denylist sweeps -----------------------------------------------------------------------
//
// A sweep narrows versions with SQL to candidates: a superset of what denylistMatches accepts,
// as tight as the canonical forms allow (docs/storage.md, "denylist"); denylistMatches judges
// them. Each piece below is exact, or errs only towards more candidates.

/** What a sweep's SQL reads of an entry: its key, and the scope of the maintainer who added it. */
type SweptEntry = DenylistKey & Pick<DenylistEntry, "scope">;

/** The names a sweep looks at: every name, one namespace's, or those changed after a change sequence number. */
export type SweepScope = "everything" | { namespace: string } | { changedAfter: number };

/** Numbered parameters (?1, ?2, …): SQL assembled in any order, a value bound once and used twice. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

function scopeCondition(column: string, scope: SweepScope, p: Params): string {
  if (scope === "everything") return "1";
  if ("namespace" in scope)
    return `${column} IN (SELECT name FROM servers WHERE namespace = ${p.add(scope.namespace)})`;
  return `${column} IN (SELECT name FROM catalog_changes WHERE seq > ${p.add(scope.changedAfter)})`;
}

/** What String.prototype.trim removes (white space and line terminators), for SQL's trim(X, Y). */
const JS_WHITE_SPACE =
  "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/**
 * SQL true for a text whose URL structure the parser may read otherwise than the plain
 * delimiters below: control characters (tabs and newlines are dropped anywhere, C0 controls
 * around it), backslashes (a "/" in http(s) URLs), NUL (where SQL's text functions stop).
 */
function unusualStructure(column: string, p: Params): string {
  return `(${column} GLOB ${p.add("*[\u0001-\u001f\u007f\\]*")} OR instr(CAST(${column} AS BLOB), x'00') > 0)`;
}

/** SQL true for a host that may be spelled otherwise than in plain ASCII: Unicode (IDNA), percent escapes. */
function unusualHost(column: string): string {
  return `(${column} GLOB '*[^!-~]*' OR instr(${column}, '%') > 0)`;
}

/**
 * Rows of `source` (columns name, version, and t: a URL in lower case, trimmed) twice, each with
 * h, a reading of its host: as the WHATWG URL parser reads it (after the scheme's ":" and any
 * slashes) and as urlHost reads it (after "://", or all of it); then up to the first "/", "?" or
 * "#", after the last "@", before a ":" unless bracketed. d is h without trailing dots. Exact
 * for text without unusualStructure (whose rows callers take whatever their host).
 */
function hostReadings(source: string): string {
  const s = `CASE WHEN k = 0 THEN ltrim(substr(t, instr(t, ':') + 1), '/')
                  WHEN instr(t, '://') > 0 THEN substr(t, instr(t, '://') + 3) ELSE t END`;
  const a = "substr(s, 1, instr(replace(replace(s, '?', '/'), '#', '/') || '/', '/') - 1)";
  const b = "substr(a, length(rtrim(a, replace(a, '@', ''))) + 1)";
  const h = "CASE WHEN substr(b, 1, 1) = '[' THEN b ELSE substr(b, 1, instr(b || ':', ':') - 1) END";
  // "LIMIT -1 OFFSET 0": no flattening, which would evaluate each step once per use above it.
  const step = "LIMIT -1 OFFSET 0";
  return `SELECT name, version, t, h, rtrim(h, '.') AS d FROM (
            SELECT name, version, t, ${h} AS h FROM (
              SELECT name, version, t, ${b} AS b FROM (
                SELECT name, version, t, ${a} AS a FROM (
                  SELECT name, version, t, ${s} AS s
                    FROM (${source}) CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) ${step}) ${step}) ${step}) ${step})`;
}

/**
 * SQL true for a host reading (hostReadings) that may be this IP address in some spelling: a
 * bracketed host for IPv6; for IPv4 a host whose last label starts with a digit (the parser's
 * numbers "134743044", "0x8.8.4.4", or a dotted name ending in the address, "x.8.8.4.4").
 */
function mayBeIp(ip: string): string {
  if (ip.startsWith("[")) return "substr(h, 1, 1) = '['";
  return "substr(d, length(rtrim(d, replace(d, '.', ''))) + 1) GLOB '[0-9]*'";
}

/** Versions (name, version) whose remotes may reach the host or a host below it (remoteHostKeys). */
function remoteHostCandidates(host: string, scope: SweepScope, p: Params): string {
  const t = "trim(lower(r.url))";
  // Cheap on the URL, before reading its host: it may hold the host, or spell it otherwise.
  // (An IP address's host reading starts its last label with a digit, or a "[" for IPv6.)
  const holds = !isIpHost(host)
    ? `instr(${t}, ${p.add(host)}) > 0`
    : host.startsWith("[")
      ? `instr(${t}, '[') > 0`
      : `(${t} GLOB '[0-9]*' OR ${t} GLOB '*[./@:][0-9]*')`;
  const source = `SELECT r.name AS name, r.version AS version, ${t} AS t FROM server_remotes r
                   WHERE ${scopeCondition("r.name", scope, p)}
                     AND (${holds} OR ${t} GLOB '*[^ -~]*' OR instr(${t}, '%') > 0 OR instr(${t}, char(92)) > 0
                          OR instr(CAST(r.url AS BLOB), x'00') > 0)`;
  const named = isIpHost(host)
    ? mayBeIp(host)
    : `(d = ${p.add(host)} OR substr(d, ${p.add(-(host.length + 1))}) = ${p.add(`.${host}`)})`;
  return `SELECT name, version FROM (${hostReadings(source)})
           WHERE ${unusualStructure("t", p)} OR ${unusualHost("h")} OR ${named}`;
}

/** Substrings a candidate query requires at most (each one parameter; any subset narrows correctly). */
const MAX_NARROWING_TERMS = 12;

/** GLOB pattern text matching `text` literally. */
function globLiteral(text: string): string {
  return text.replace(/[[*?]/g, (c) => `[${c}]`);
}

/** Versions (name, version) with a package of the entry's registry type whose identifier may have its identity. */
function packageCandidates(value: string, scope: SweepScope, p: Params): string {
  const split = splitPackageValue(value);
  // Every key denylistKeys makes is typed: an untyped row from before 0004 matches nothing.
  if (split === undefined) return "SELECT NULL, NULL WHERE 0";
  const { type, identity } = split;
  const json = "lower(replace(v2.server_json, char(8490), 'k'))";
  // Cheap on the text, before parsing it: its lower case holds the type and the identity's terms
  // (some of them: D1 binds at most 100 parameters).
  const terms = [type, ...(packageSearchTerms(value) ?? [])].slice(0, MAX_NARROWING_TERMS);
  const holds = terms.map((term) => `instr(${json}, ${p.add(term)}) > 0`);
  const ws = p.add(JS_WHITE_SPACE);
  // Elements that are not objects have no fields (json_extract would read a string element's
  // text as JSON): CASE, since SQL does not promise to evaluate AND's operands in order.
  const field = (name: string) => `CASE pkg.type WHEN 'object' THEN json_extract(pkg.value, '$.${name}') END`;
  const isText = (name: string) => `CASE pkg.type WHEN 'object' THEN json_type(pkg.value, '$.${name}') END = 'text'`;
  // The identifier as denylistKeys reads it: trimmed, in lower case (the Kelvin sign is a "k").
  const source = `SELECT v2.name AS name, v2.version AS version,
                         lower(trim(replace(${field("identifier")}, char(8490), 'k'), ${ws})) AS t
                    FROM server_versions v2, json_each(v2.server_json, '$.packages') pkg
                   WHERE v2.status <> 'deleted' AND ${scopeCondition("v2.name", scope, p)} AND ${holds.join(" AND ")}
                     AND ${isText("registryType")} AND ${isText("identifier")}
                     AND lower(trim(${field("registryType")}, ${ws})) = ${p.add(type)}`;
  const id = p.add(identity);
  switch (type) {
    case "npm":
    case "nuget":
      return `SELECT name, version FROM (${source}) WHERE t = ${id}`;
    case "cargo":
      return `SELECT name, version FROM (${source}) WHERE replace(t, '_', '-') = ${id}`;
    case "pypi": {
      // PEP 503, exactly: the same letters and digits, and where the identity has a "-" a run of
      // "-_." (the GLOB's "*" can only match separators once the letters are the same).
      const letters = p.add(identity.replaceAll("-", ""));
      const runs = p.add(globLiteral(identity).replaceAll("-", "-*"));
      return `SELECT name, version FROM (${source})
               WHERE replace(replace(replace(t, '-', ''), '_', ''), '.', '') = ${letters}
                 AND replace(replace(t, '_', '-'), '.', '-') GLOB ${runs}`;
    }
    case "oci": {
      // Without a digest: one of the repository's spellings, maybe with a tag.
      const name = "substr(t, 1, instr(t || '@', '@') - 1)";
      const spelled = ociRepositorySpellings(identity).map((spelling) => {
        const tagged = p.add(`${spelling}:`);
        return `${name} = ${p.add(spelling)} OR substr(${name}, 1, length(${tagged})) = ${tagged}`;
      });
      return `SELECT name, version FROM (${source}) WHERE ${spelled.join(" OR ")}`;
    }
    case "mcpb": {
      const parts = mcpbUrlParts(identity);
      if (parts === undefined) return `SELECT name, version FROM (${source}) WHERE t = ${id}`;
      // The identity's host (no parent domains) and the segments of its path; or any text with
      // percent escapes (decoded before parsing) or an unusual structure.
      const host = isIpHost(parts.host) ? mayBeIp(parts.host) : `d = ${p.add(parts.host)}`;
      const pieces = parts.pathPieces.slice(-MAX_NARROWING_TERMS);
      const path = pieces.map((piece) => ` AND instr(t, ${p.add(piece)}) > 0`).join("");
      return `SELECT name, version FROM (${hostReadings(source)})
               WHERE t = ${id} OR instr(t, '%') > 0 OR ${unusualStructure("t", p)}
                  OR ((${unusualHost("h")} OR ${host})${path})`;
    }
  }
}

/**
 * SQL narrowing `server_versions v` to the visible versions in `scope` that an entry may match.
 * A scoped maintainer's entry reaches public versions only; a global one's the whole organisation.
 */
function candidateWhere(entry: SweptEntry, scope: SweepScope, p: Params): string {
  const where = ["v.status <> 'deleted'", scopeCondition("v.name", scope, p)];
  if (entry.scope !== undefined && entry.scope !== null) where.push("v.group_name IS NULL");
  switch (entry.kind) {
    case "server":
      where.push(`lower(v.name) = ${p.add(entry.value)}`);
      break;
    case "namespace":
      where.push(
        `v.name IN (SELECT name FROM servers WHERE lower(namespace) = ${p.add(entry.value)}
                       OR substr(lower(namespace), 1, ${p.add(entry.value.length + 1)}) = ${p.add(`${entry.value}.`)})`,
      );
      break;
    case "remote-host":
      where.push(`(v.name, v.version) IN (${remoteHostCandidates(entry.value, scope, p)})`);
      break;
    case "package":
      where.push(`(v.name, v.version) IN (${packageCandidates(entry.value, scope, p)})`);
      break;
  }
  return where.join(" AND ");
}

/**
 * Versions of one namespace that are not deleted and that an entry may match; the caller
 * narrows them with denylistMatches.
 */
export async function denylistCandidates(
  db: D1Database,
  entry: SweptEntry,
  namespace: string,
): Promise<VersionRecord[]> {
  const p = new Params();
  const where = candidateWhere(entry, { namespace }, p);
  return versionsWhere(db, where, p.values);
}

/** A name holding versions an entry may match, with its namespace (and, where matching needs it, a server.json). */
export interface DenylistCandidate {
  namespace: string;
  name: string;
  /** The group the name belongs to (null: public). */
  group: string | null;
  /** For remote-host and package entries: one candidate version's server.json (a row per version). */
  serverJson: string | null;
}

/**
 * The names in `scope` holding visible versions an entry may match (each namespace is swept by
 * its own writer). Name and namespace entries match by name alone: one row per name; host and
 * package entries: one row per candidate version, with its server.json to judge.
 */
export async function denylistCandidateNames(
  db: D1Database,
  entry: SweptEntry,
  scope: SweepScope,
): Promise<DenylistCandidate[]> {
  const p = new Params();
  const where = candidateWhere(entry, scope, p);
  const byName = entry.kind === "server" || entry.kind === "namespace";
  const { results } = await db
    .prepare(
      `SELECT ${byName ? "DISTINCT" : ""} s.namespace AS namespace, v.name AS name, s.group_name AS group_name,
              ${byName ? "NULL" : "v.server_json"} AS server_json
         FROM server_versions v JOIN servers s ON s.name = v.name
        WHERE ${where} ORDER BY 1, 2`,
    )
    .bind(...p.values)
    .all<{ namespace: string; name: string; group_name: string | null; server_json: string | null }>();
  return results.map((r) => ({
    namespace: r.namespace,
    name: r.name,
    group: r.group_name,
    serverJson: r.server_json,
  }));
}

/** The head of the catalogue's change sequence (catalog_changes): every change up to it is committed. */
export async function catalogChangeHead(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT coalesce(max(seq), 0) AS head FROM catalog_changes").first<{ head: number }>();
  return row?.head ?? 0;
}

/** A stored entry with `sweptSeq`: its sweeps have left no match among names changed up to it. */
export interface SweptDenylistEntry extends StoredDenylistEntry {
  sweptSeq: number;
}

export async function listDenylistSweeps(db: D1Database): Promise<SweptDenylistEntry[]> {
  const { results } = await db
    .prepare(`SELECT ${DENYLIST_COLUMNS}, swept_seq FROM denylist ORDER BY kind, value`)
    .all<DenylistRow & { swept_seq: number }>();
  return results.map((r) => ({ ...toDenylistEntry(r), sweptSeq: r.swept_seq }));
}

export async function getDenylistSweep(db: D1Database, key: DenylistKey): Promise<SweptDenylistEntry | undefined> {
  const row = await db
    .prepare(`SELECT ${DENYLIST_COLUMNS}, swept_seq FROM denylist WHERE kind = ? AND value = ?`)
    .bind(key.kind, key.value)
    .first<DenylistRow & { swept_seq: number }>();
  return row ? { ...toDenylistEntry(row), sweptSeq: row.swept_seq } : undefined;
}

/**
 * Records a complete sweep of an entry: no visible version of a name changed up to `head` (read
 * before the sweep started) matches it. Only ever moves forward, and only for the same entry
 * (removed and added again since, it is another one, with its own sweeps).
 */
export async function markDenylistSwept(
  db: D1Database,
  entry: DenylistKey & { createdAt: number },
  head: number,
): Promise<void> {
  await db
    .prepare("UPDATE denylist SET swept_seq = ?1 WHERE kind = ?2 AND value = ?3 AND created_at = ?4 AND swept_seq < ?1")
    .bind(head, entry.kind, entry.value, entry.createdAt)
    .run();
}
