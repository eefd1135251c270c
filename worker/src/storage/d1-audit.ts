// The audit log (d1-schema/0003_moderation.sql): append-only, one row per write, decision or
// refused attempt, numbered without gaps per stream. Only the streams' Durable Objects insert;
// nothing updates or deletes (D1 triggers refuse both). Also the hourly counts of failed token
// exchanges (auth_failures), which bound what anonymous callers add to the trail.
import { chunked, MAX_PARAMS } from "./d1-limits.ts";

export type AuditOutcome = "ok" | "denied" | "failed";

/** One audit row as written. */
export interface AuditEntry {
  /** The stream: a namespace, "~auth" or "~moderation". */
  namespace: string;
  seq: number;
  at: number;
  actorMethod: string;
  actorSubject: string;
  action: string;
  name: string | null;
  version: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  requestId: string | null;
  detail: Record<string, unknown> | null;
}

/** One audit row as read back, with its global id. */
export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

const COLUMNS =
  "namespace, seq, at, actor_method, actor_subject, action, name, version, outcome, reason, request_id, detail";
const PER_ROW = 12;

/** Audit rows, several per statement, for the batch of the change they record. */
export function auditStatements(db: D1Database, entries: readonly AuditEntry[]): D1PreparedStatement[] {
  return chunked(entries, Math.floor(MAX_PARAMS / PER_ROW)).map((group) =>
    db
      .prepare(
        `INSERT INTO audit_log (${COLUMNS}) VALUES ${group.map(() => `(${Array(PER_ROW).fill("?").join(", ")})`).join(", ")}`,
      )
      .bind(
        ...group.flatMap((e) => [
          e.namespace,
          e.seq,
          e.at,
          e.actorMethod,
          e.actorSubject,
          e.action,
          e.name,
          e.version,
          e.outcome,
          e.reason,
          e.requestId,
          e.detail === null ? null : JSON.stringify(e.detail),
        ]),
      ),
  );
}

/** The highest sequence number used in a stream (0 when none). */
export async function lastAuditSeq(db: D1Database, stream: string): Promise<number> {
  const row = await db
    .prepare("SELECT coalesce(max(seq), 0) AS seq FROM audit_log WHERE namespace = ?")
    .bind(stream)
    .first<{ seq: number }>();
  return row?.seq ?? 0;
}

interface AuditRow {
  id: number;
  namespace: string;
  seq: number;
  at: number;
  actor_method: string;
  actor_subject: string;
  action: string;
  name: string | null;
  version: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  request_id: string | null;
  detail: string | null;
}

function toEntry(r: AuditRow): StoredAuditEntry {
  return {
    id: r.id,
    namespace: r.namespace,
    seq: r.seq,
    at: r.at,
    actorMethod: r.actor_method,
    actorSubject: r.actor_subject,
    action: r.action,
    name: r.name,
    version: r.version,
    outcome: r.outcome,
    reason: r.reason,
    requestId: r.request_id,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
  };
}

export interface AuditQuery {
  namespace?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  /** µs: entries at or after. */
  since?: number | undefined;
  /** Entries with a greater id. */
  afterId?: number | undefined;
  limit: number;
}

/** A page of the audit log in global order (GET /x/admin/audit). */
export async function listAudit(db: D1Database, query: AuditQuery): Promise<StoredAuditEntry[]> {
  const filters: [string, unknown][] = [
    ["namespace = ?", query.namespace],
    ["actor_subject = ?", query.actor],
    ["action = ?", query.action],
    ["at >= ?", query.since],
    ["id > ?", query.afterId],
  ];
  const given = filters.filter(([, value]) => value !== undefined);
  const where = given.length > 0 ? ` WHERE ${given.map(([sql]) => sql).join(" AND ")}` : "";
  const { results } = await db
    .prepare(`SELECT id, ${COLUMNS} FROM audit_log${where} ORDER BY id LIMIT ?`)
    .bind(...given.map(([, value]) => value), query.limit)
    .all<AuditRow>();
  return results.map(toEntry);
}

/** Every row of one stream in sequence order (tests, exports). */
export async function listStream(db: D1Database, stream: string): Promise<StoredAuditEntry[]> {
  const { results } = await db
    .prepare(`SELECT id, ${COLUMNS} FROM audit_log WHERE namespace = ? ORDER BY seq`)
    .bind(stream)
    .all<AuditRow>();
  return results.map(toEntry);
}

/** The audit actions that are moderation decisions: the public moderation log shows these. */
export const DECISION_ACTIONS = ["resolve", "denylist-add", "denylist-remove"] as const;

/**
 * A page of moderation decisions in global order (GET /x/moderation-log), without the private
 * ones: those whose writer recorded `"private": true` in the detail because their server or
 * namespace was claimed by a group when they were written (writes/moderation-writes.ts). The
 * flag, not today's claims, decides, so a public decision stays when its namespace is claimed
 * later (its disappearance would tell) and a private one stays hidden after a release or purge.
 * Rows without the flag (all rows from before it) are public.
 */
export async function listDecisions(db: D1Database, afterId: number, limit: number): Promise<StoredAuditEntry[]> {
  const { results } = await db
    .prepare(
      `SELECT id, ${COLUMNS} FROM audit_log
        WHERE action IN (${DECISION_ACTIONS.map(() => "?").join(", ")}) AND outcome = 'ok' AND id > ?
          AND coalesce(json_extract(detail, '$.private'), 0) = 0
        ORDER BY id LIMIT ?`,
    )
    .bind(...DECISION_ACTIONS, afterId, limit)
    .all<AuditRow>();
  return results.map(toEntry);
}

// ---- Failed token exchanges, per hour (d1-schema/0006_abuse_limits.sql) ---------------------

/** The length of one auth_failures row's hour, in µs. */
export const FAILURE_HOUR_MICROS = 3600 * 1_000_000;
const MAX_FAILURE_REASON = 500;

/** One failed exchange, as the "~auth" writer counts it. */
export interface AuthFailure {
  /** µs at the start of its hour. */
  hour: number;
  method: string;
  status: number;
  at: number;
  reason: string | null;
  /** The identity the request claimed (a domain, or "unknown"). */
  claimed: string;
  /** Whether it also got an audit_log row of its own. */
  audited: boolean;
}

/** Counts a failed exchange in its (hour, method, status) row. */
export function countAuthFailureStatement(db: D1Database, failure: AuthFailure): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO auth_failures (hour, method, status, count, audited, last_at, last_reason, last_claimed)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?)
       ON CONFLICT (hour, method, status) DO UPDATE SET
         count = count + 1, audited = audited + excluded.audited, last_at = excluded.last_at,
         last_reason = excluded.last_reason, last_claimed = excluded.last_claimed`,
    )
    .bind(
      failure.hour,
      failure.method,
      failure.status,
      failure.audited ? 1 : 0,
      failure.at,
      failure.reason === null ? null : failure.reason.slice(0, MAX_FAILURE_REASON),
      failure.claimed.slice(0, 255),
    );
}

/** Failed exchanges of an hour that got an audit row of their own. */
export async function auditedAuthFailures(db: D1Database, hour: number): Promise<number> {
  const row = await db
    .prepare("SELECT coalesce(sum(audited), 0) AS n FROM auth_failures WHERE hour = ?")
    .bind(hour)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export interface StoredAuthFailures {
  hour: number;
  method: string;
  status: number;
  count: number;
  audited: number;
  lastAt: number;
  lastReason: string | null;
  lastClaimed: string | null;
}

interface AuthFailureRow {
  hour: number;
  method: string;
  status: number;
  count: number;
  audited: number;
  last_at: number;
  last_reason: string | null;
  last_claimed: string | null;
}

/** The failure counts of the hours starting at or after `since`, newest hour first. */
export async function listAuthFailures(db: D1Database, since: number, limit: number): Promise<StoredAuthFailures[]> {
  const { results } = await db
    .prepare("SELECT * FROM auth_failures WHERE hour >= ? ORDER BY hour DESC, method, status LIMIT ?")
    .bind(since, limit)
    .all<AuthFailureRow>();
  return results.map((r) => ({
    hour: r.hour,
    method: r.method,
    status: r.status,
    count: r.count,
    audited: r.audited,
    lastAt: r.last_at,
    lastReason: r.last_reason,
    lastClaimed: r.last_claimed,
  }));
}
