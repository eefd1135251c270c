// The audit log (d1-schema/0003_moderation.sql): append-only, one row per write, decision or
// refused attempt, numbered without gaps per stream. Only the streams' Durable Objects insert;
// nothing updates or deletes (D1 triggers refuse both).
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

/** A page of moderation decisions in global order (GET /x/moderation-log). */
export async function listDecisions(db: D1Database, afterId: number, limit: number): Promise<StoredAuditEntry[]> {
  const { results } = await db
    .prepare(
      `SELECT id, ${COLUMNS} FROM audit_log
        WHERE action IN (${DECISION_ACTIONS.map(() => "?").join(", ")}) AND outcome = 'ok' AND id > ?
        ORDER BY id LIMIT ?`,
    )
    .bind(...DECISION_ACTIONS, afterId, limit)
    .all<AuditRow>();
  return results.map(toEntry);
}
