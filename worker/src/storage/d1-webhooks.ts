// Webhook subscriptions and their deliveries log (webhooks, webhook_deliveries:
// d1-schema/0009_sync.sql; docs/storage.md "Sync"). A subscription moves by compare-and-set
// on (cursor, in_flight), so the dispatcher, the consumer and the dead-letter consumer may race
// without two of them ever handing out the same subscription's next change.
import type { FeedAction } from "../domain/change-feed.ts";
import type { Delivery, DeliveryState, Webhook } from "../domain/webhooks.ts";
import { abortUnlessGroupReferencesStatement, type GroupReference, groupReferenceIds } from "./d1-governance.ts";

interface WebhookRow {
  id: string;
  url: string;
  events_json: string;
  group_name: string | null;
  secret: string;
  created_at: number;
  created_by: string;
  cursor: number;
  in_flight: number | null;
  in_flight_since: number | null;
}

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events_json) as string[],
    group: row.group_name,
    secret: row.secret,
    createdAt: row.created_at,
    createdBy: row.created_by,
    cursor: row.cursor,
    inFlight: row.in_flight,
    inFlightSince: row.in_flight_since,
  };
}

export function insertWebhookStatement(db: D1Database, hook: Webhook): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO webhooks (id, url, events_json, group_name, secret, created_at, created_by, cursor, in_flight, in_flight_since)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
    )
    .bind(
      hook.id,
      hook.url,
      JSON.stringify(hook.events),
      hook.group,
      hook.secret,
      hook.createdAt,
      hook.createdBy,
      hook.cursor,
    );
}

/** A subscription and its deliveries log, gone (a message still in the queue finds nothing). */
export function deleteWebhookStatements(db: D1Database, id: string): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?").bind(id),
    db.prepare("DELETE FROM webhooks WHERE id = ?").bind(id),
  ];
}

const WEBHOOKS_OF_GROUP: GroupReference = { table: "webhooks", column: "group_name" };

/** The ids of a group's subscriptions, oldest first (at most MAX_WEBHOOKS exist). */
export function groupWebhookIds(db: D1Database, group: string): Promise<string[]> {
  return groupReferenceIds(db, WEBHOOKS_OF_GROUP, group);
}

/** Aborts its batch unless the group's subscriptions are exactly `ids`. */
export function abortUnlessGroupWebhooksStatement(
  db: D1Database,
  group: string,
  ids: readonly string[],
): D1PreparedStatement {
  return abortUnlessGroupReferencesStatement(db, WEBHOOKS_OF_GROUP, group, ids);
}

/**
 * A group's subscriptions and their deliveries logs, deleted with the group (in its batch): a
 * group created later under the name starts without them. A message still queued for one finds
 * nothing and is dropped unsent.
 */
export function deleteGroupWebhooksStatements(db: D1Database, group: string): D1PreparedStatement[] {
  return [
    db
      .prepare("DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE group_name = ?)")
      .bind(group),
    db.prepare("DELETE FROM webhooks WHERE group_name = ?").bind(group),
  ];
}

export async function countWebhooks(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT count(*) AS n FROM webhooks").first<{ n: number }>();
  return row?.n ?? 0;
}

export async function webhookById(db: D1Database, id: string): Promise<Webhook | null> {
  const row = await db.prepare("SELECT * FROM webhooks WHERE id = ?").bind(id).first<WebhookRow>();
  return row === null ? null : toWebhook(row);
}

/** Every subscription, oldest first (at most MAX_WEBHOOKS exist). */
export async function listWebhooks(db: D1Database): Promise<Webhook[]> {
  const { results } = await db.prepare("SELECT * FROM webhooks ORDER BY created_at, id").all<WebhookRow>();
  return results.map(toWebhook);
}

/** A subscription the dispatcher has work for, with the attempts made at its in-flight change. */
export interface DispatchCandidate {
  hook: Webhook;
  attempts: number;
}

/**
 * The subscriptions the dispatcher looks at: idle ones behind the feed's head (caught-up idle
 * ones cost nothing), and every one with a change in flight (to re-send an overdue message).
 */
export async function webhooksToDispatch(db: D1Database): Promise<DispatchCandidate[]> {
  const { results } = await db
    .prepare(
      `SELECT w.*, coalesce(d.attempts, 0) AS attempts FROM webhooks w
         LEFT JOIN webhook_deliveries d ON d.webhook_id = w.id AND d.seq = w.in_flight
        WHERE w.in_flight IS NOT NULL OR w.cursor < (SELECT coalesce(max(seq), 0) FROM catalog_feed)
        ORDER BY w.created_at, w.id`,
    )
    .all<WebhookRow & { attempts: number }>();
  return results.map((row) => ({ hook: toWebhook(row), attempts: row.attempts }));
}

/** What becomes of the change in flight when a subscription moves on. */
export type Settlement =
  | { state: "delivered"; status: number }
  | { state: "dead" }
  /** No longer in the subscription's view (its group's includes changed): dropped from the log. */
  | { state: "skipped" };

/** Where a subscription moves from (compare-and-set) and to. */
export interface WebhookMove {
  id: string;
  /** The in-flight seq it must still have (null: idle). */
  fromInFlight: number | null;
  /** The cursor it must still have (idle moves only: another dispatcher may have moved it since). */
  fromCursor?: number;
  /** The change in flight settled by this move (the one `fromInFlight` names). */
  settle?: Settlement;
  cursor: number;
  /** The change claimed by this move, or null. */
  inFlight: number | null;
  /** µs */
  now: number;
}

const holds = "EXISTS (SELECT 1 FROM webhooks WHERE id = ? AND in_flight = ?)";

/**
 * Moves a subscription in one batch: settles the change in flight (its log row), sets cursor
 * and in_flight if they are still what the caller read, and logs the newly claimed change as
 * pending. Returns whether the move took place (false: someone else moved it first, and
 * nothing was written).
 */
export async function moveWebhook(db: D1Database, move: WebhookMove): Promise<boolean> {
  const statements: D1PreparedStatement[] = [];
  const { id, settle, now } = move;
  if (settle !== undefined && move.fromInFlight !== null) {
    statements.push(settleStatement(db, id, move.fromInFlight, settle, now));
  }
  const cursorCheck = move.fromCursor === undefined ? "" : " AND cursor = ?";
  statements.push(
    db
      .prepare(
        `UPDATE webhooks SET cursor = ?, in_flight = ?, in_flight_since = ? WHERE id = ? AND in_flight IS ?${cursorCheck}`,
      )
      .bind(
        move.cursor,
        move.inFlight,
        move.inFlight === null ? null : now,
        id,
        move.fromInFlight,
        ...(move.fromCursor === undefined ? [] : [move.fromCursor]),
      ),
  );
  const updateIndex = statements.length - 1;
  if (move.inFlight !== null) {
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO webhook_deliveries (webhook_id, seq, state, attempts, first_at, last_at)
           SELECT ?, ?, 'pending', 0, ?, ? WHERE ${holds}`,
        )
        .bind(id, move.inFlight, now, now, id, move.inFlight),
    );
  }
  const results = await db.batch(statements);
  return (results[updateIndex]?.meta.changes ?? 0) > 0;
}

/** The log row of the change in flight, settled; only while the subscription still holds it. */
function settleStatement(
  db: D1Database,
  id: string,
  seq: number,
  settle: Settlement,
  now: number,
): D1PreparedStatement {
  if (settle.state === "skipped") {
    return db
      .prepare(`DELETE FROM webhook_deliveries WHERE webhook_id = ? AND seq = ? AND state = 'pending' AND ${holds}`)
      .bind(id, seq, id, seq);
  }
  if (settle.state === "dead") {
    return db
      .prepare(
        `UPDATE webhook_deliveries SET state = 'dead', last_at = ?
          WHERE webhook_id = ? AND seq = ? AND state = 'pending' AND ${holds}`,
      )
      .bind(now, id, seq, id, seq);
  }
  return db
    .prepare(
      `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, last_at = ?
        WHERE webhook_id = ? AND seq = ? AND state = 'pending' AND ${holds}`,
    )
    .bind(settle.status, now, id, seq, id, seq);
}

/**
 * Records a failed attempt at the change in flight (only while the subscription still holds
 * it) and notes the time, so the dispatcher does not take its message for lost. Returns the
 * attempts made so far, or undefined when the subscription moved on meanwhile.
 */
export async function recordFailedAttempt(
  db: D1Database,
  id: string,
  seq: number,
  failure: { status: number | null; error: string },
  now: number,
): Promise<number | undefined> {
  const [logged] = await db.batch([
    db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, last_at = ?
          WHERE webhook_id = ? AND seq = ? AND state = 'pending' AND ${holds} RETURNING attempts`,
      )
      .bind(failure.status, failure.error, now, id, seq, id, seq),
    db.prepare("UPDATE webhooks SET in_flight_since = ? WHERE id = ? AND in_flight = ?").bind(now, id, seq),
  ]);
  return (logged?.results[0] as { attempts: number } | undefined)?.attempts;
}

/**
 * Notes that the change in flight was handed to the queue again, if nothing touched it since
 * `since` was read (two dispatchers never both re-send). Returns whether it did.
 */
export async function touchInFlight(
  db: D1Database,
  id: string,
  seq: number,
  since: number | null,
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare("UPDATE webhooks SET in_flight_since = ? WHERE id = ? AND in_flight = ? AND in_flight_since IS ?")
    .bind(now, id, seq, since)
    .run();
  return result.meta.changes > 0;
}

/** Lets go of a change in flight without settling it (its message could not be sent). */
export async function releaseInFlight(db: D1Database, id: string, seq: number): Promise<void> {
  await db
    .prepare("UPDATE webhooks SET in_flight = NULL, in_flight_since = NULL WHERE id = ? AND in_flight = ?")
    .bind(id, seq)
    .run();
}

/** A group's own feed position just before the change at `seq` (0: none yet). */
export async function groupPositionBefore(db: D1Database, group: string, seq: number): Promise<number> {
  const row = await db
    .prepare("SELECT pos FROM catalog_feed WHERE group_name = ? AND seq < ? ORDER BY seq DESC LIMIT 1")
    .bind(group, seq)
    .first<{ pos: number }>();
  return row?.pos ?? 0;
}

interface DeliveryRow {
  seq: number;
  name: string;
  version: string;
  action: FeedAction;
  group_name: string | null;
  pos: number;
  public_pos: number;
  group_before: number | null;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  first_at: number;
  last_at: number;
}

/**
 * A page of a subscription's deliveries, newest first, below seq `before` when given; each with
 * what its feed cursor is made of (for a group subscription, the group's position before it).
 */
export async function listDeliveries(
  db: D1Database,
  hook: Pick<Webhook, "id" | "group">,
  before: number | undefined,
  limit: number,
): Promise<Delivery[]> {
  const { results } = await db
    .prepare(
      `SELECT d.seq, f.name, f.version, f.action, f.group_name, f.pos, f.public_pos,
              (SELECT g.pos FROM catalog_feed g WHERE g.group_name = ? AND g.seq < d.seq
                ORDER BY g.seq DESC LIMIT 1) AS group_before,
              d.state, d.attempts, d.last_status, d.last_error, d.first_at, d.last_at
         FROM webhook_deliveries d JOIN catalog_feed f ON f.seq = d.seq
        WHERE d.webhook_id = ? AND d.seq < ? ORDER BY d.seq DESC LIMIT ?`,
    )
    .bind(hook.group, hook.id, before ?? Number.MAX_SAFE_INTEGER, limit)
    .all<DeliveryRow>();
  return results.map((row) => ({
    seq: row.seq,
    change: {
      name: row.name,
      version: row.version,
      action: row.action,
      group: row.group_name,
      pos: row.pos,
      publicPos: row.public_pos,
    },
    groupBefore: row.group_before ?? 0,
    state: row.state,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    firstAt: row.first_at,
    lastAt: row.last_at,
  }));
}

/** Keeps the newest `keep` settled deliveries of a subscription (pending ones always stay). */
export async function pruneDeliveries(db: D1Database, id: string, keep: number): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM webhook_deliveries
        WHERE webhook_id = ? AND state <> 'pending'
          AND seq < (SELECT seq FROM webhook_deliveries WHERE webhook_id = ? AND state <> 'pending'
                      ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    )
    .bind(id, id, keep - 1)
    .run();
  return result.meta.changes;
}
