// Every SQL statement of moderation: reports, review marks and the denylist (tables in
// d1-schema/0003_moderation.sql, documented in docs/storage.md).
import type { DenylistEntry, DenylistKey, DenylistKind } from "../domain/denylist.ts";
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

export function insertReportStatement(db: D1Database, report: NewReport): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO reports (id, name, version, reason, details, reporter, weight, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
    );
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
  createdAt: number;
  createdBy: string;
}

interface DenylistRow {
  kind: DenylistKind;
  value: string;
  reason: string;
  created_at: number;
  created_by: string;
}

function toDenylistEntry(r: DenylistRow): StoredDenylistEntry {
  return { kind: r.kind, value: r.value, reason: r.reason, createdAt: r.created_at, createdBy: r.created_by };
}

/** The entries among `keys`, for reading in a publish's batch (several statements when long). */
export function denylistHitsStatements(db: D1Database, keys: readonly DenylistKey[]): D1PreparedStatement[] {
  const distinct = [...new Map(keys.map((k) => [`${k.kind}\n${k.value}`, k])).values()];
  return chunked(distinct, Math.floor(MAX_PARAMS / 2)).map((group) =>
    db
      .prepare(
        `SELECT kind, value, reason, created_at, created_by FROM denylist
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
    .prepare("INSERT OR IGNORE INTO denylist (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)")
    .bind(entry.kind, entry.value, entry.reason, entry.createdAt, entry.createdBy);
}

export function deleteDenylistStatement(db: D1Database, key: DenylistKey): D1PreparedStatement {
  return db.prepare("DELETE FROM denylist WHERE kind = ? AND value = ?").bind(key.kind, key.value);
}

export async function getDenylistEntry(db: D1Database, key: DenylistKey): Promise<StoredDenylistEntry | undefined> {
  const row = await db
    .prepare("SELECT * FROM denylist WHERE kind = ? AND value = ?")
    .bind(key.kind, key.value)
    .first<DenylistRow>();
  return row ? toDenylistEntry(row) : undefined;
}

export async function listDenylist(db: D1Database): Promise<StoredDenylistEntry[]> {
  const { results } = await db.prepare("SELECT * FROM denylist ORDER BY kind, value").all<DenylistRow>();
  return results.map(toDenylistEntry);
}

/** SQL narrowing `server_versions v` to what an entry may match (a superset for hosts and packages). */
function candidateClause(entry: DenylistKey, args: unknown[]): string {
  switch (entry.kind) {
    case "server":
      args.push(entry.value);
      return "lower(v.name) = ?";
    case "namespace":
      args.push(entry.value, entry.value.length + 1, `${entry.value}.`);
      return "v.name IN (SELECT name FROM servers WHERE lower(namespace) = ? OR substr(lower(namespace), 1, ?) = ?)";
    default:
      // Remote hosts appear in remote URLs, package keys in identifiers: both inside server_json.
      args.push(entry.value);
      return "instr(lower(v.server_json), ?) > 0";
  }
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
