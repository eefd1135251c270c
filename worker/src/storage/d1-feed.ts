// The change feed's queries (catalog_feed, d1-schema/0009_sync.sql; docs/storage.md "Sync").
import type { FeedAction, FeedCause, FeedEntry } from "../domain/change-feed.ts";
import type { View } from "../domain/groups.ts";
import type { ServerStatus } from "../domain/server-response.ts";
import { viewCondition } from "./d1-catalog.ts";

interface FeedRow {
  seq: number;
  at: number;
  name: string;
  version: string;
  action: FeedAction;
  cause: FeedCause | null;
  group_name: string | null;
  status: ServerStatus;
  status_message: string | null;
  status_changed_at: number;
  published_at: number;
  updated_at: number;
  is_latest: number;
  mirror_source: string | null;
  mirror_updated_at: number | null;
  server_json: string | null;
}

function toEntry(row: FeedRow): FeedEntry {
  return {
    seq: row.seq,
    at: row.at,
    name: row.name,
    version: row.version,
    action: row.action,
    cause: row.cause,
    group: row.group_name,
    status: row.status,
    statusMessage: row.status_message,
    statusChangedAt: row.status_changed_at,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    isLatest: row.is_latest === 1,
    ...(row.mirror_source === null
      ? {}
      : { mirror: { source: row.mirror_source, updatedAt: row.mirror_updated_at ?? 0 } }),
    serverJson: row.server_json,
  };
}

/**
 * Up to `limit` changes after seq `after` that `view` shows, in seq order. The server.json is
 * joined from the version row only while that row is still in the entry's catalogue (a row that
 * moved to another group since shows nothing of itself here).
 */
export async function readFeed(db: D1Database, after: number, limit: number, view: View): Promise<FeedEntry[]> {
  const args: unknown[] = [after];
  const visible = viewCondition(view, args);
  args.push(limit);
  const { results } = await db
    .prepare(
      `${visible.with}SELECT v.*, s.server_json FROM catalog_feed v
         LEFT JOIN server_versions s ON s.name = v.name AND s.version = v.version AND s.group_name IS v.group_name
        WHERE v.seq > ? AND ${visible.where} ORDER BY v.seq LIMIT ?`,
    )
    .bind(...args)
    .all<FeedRow>();
  return results.map(toEntry);
}

/** The newest seq (0 when the feed is empty). */
export async function feedHead(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT coalesce(max(seq), 0) AS head FROM catalog_feed").first<{ head: number }>();
  return row?.head ?? 0;
}

/** Statements that mark the changes of one D1 batch with a cause: put first and last in it. */
export function feedCauseStatements(db: D1Database, cause: FeedCause): [D1PreparedStatement, D1PreparedStatement] {
  return [db.prepare("INSERT INTO feed_cause (cause) VALUES (?)").bind(cause), db.prepare("DELETE FROM feed_cause")];
}
