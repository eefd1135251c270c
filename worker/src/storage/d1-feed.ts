// The change feed's queries (catalog_feed, d1-schema/0009_sync.sql; docs/storage.md "Sync").
import type { FeedAction, FeedCause, FeedEntry, FeedPage, FeedPosition } from "../domain/change-feed.ts";
import type { View } from "../domain/groups.ts";
import { type VersionMetaRow, versionMetaOf, viewCondition } from "./d1-catalog.ts";

interface FeedRow extends VersionMetaRow {
  seq: number;
  pos: number;
  public_pos: number;
  at: number;
  action: FeedAction;
  cause: FeedCause | null;
  group_name: string | null;
  server_json: string | null;
}

function toEntry(row: FeedRow): FeedEntry {
  return {
    ...versionMetaOf(row),
    seq: row.seq,
    pos: row.pos,
    publicPos: row.public_pos,
    at: row.at,
    action: row.action,
    cause: row.cause,
    group: row.group_name,
    serverJson: row.server_json,
  };
}

/** A feed row with the server.json of its version, while that row is still in the entry's catalogue. */
const FEED_SELECT = `SELECT v.*, s.server_json FROM catalog_feed v
  LEFT JOIN server_versions s ON s.name = v.name AND s.version = v.version AND s.group_name IS v.group_name`;

/** The statement of one page of the feed `view` shows after `start` (see readFeedPage). */
function pageStatement(db: D1Database, start: FeedPosition, limit: number, view: View): D1PreparedStatement {
  if (view.kind === "public") {
    return db
      .prepare(`${FEED_SELECT} WHERE v.group_name IS NULL AND v.pos > ? ORDER BY v.pos LIMIT ?`)
      .bind(start.public, limit);
  }
  const group = view.group.name;
  if (view.group.include.length === 0) {
    return db
      .prepare(`${FEED_SELECT} WHERE v.group_name = ? AND v.pos > ? ORDER BY v.pos LIMIT ?`)
      .bind(group, start.group, limit);
  }
  // viewCondition puts the include list first (its WITH) and the group's name after these.
  const args: unknown[] = [group, start.group, limit, start.public, group, start.group + limit];
  const included = viewCondition(view, args);
  args.push(limit, limit);
  // The public rows are read up to the group's limit-th change at most (positions are dense):
  // nothing after it can be on the page, so a page of the group's own changes does not scan the
  // public ones that the view does not include up to the head.
  return db
    .prepare(
      `${included.with}SELECT * FROM (${FEED_SELECT} WHERE v.group_name = ? AND v.pos > ? ORDER BY v.pos LIMIT ?)
       UNION ALL
       SELECT * FROM (${FEED_SELECT} WHERE v.group_name IS NULL AND v.pos > ?
                        AND v.pos <= coalesce((SELECT public_pos FROM catalog_feed WHERE group_name = ? AND pos = ?),
                                              ${Number.MAX_SAFE_INTEGER})
                        AND ${included.where}
                       ORDER BY v.pos LIMIT ?)
       ORDER BY seq LIMIT ?`,
    )
    .bind(...args);
}

/**
 * One page of the feed `view` shows, after `start`, in commit order, with the heads of the
 * public catalogue and of the view's group (0 for the public view) read in the same transaction:
 * a page that is not full ends there. The public feed walks the public rows from its position; a
 * group's feed merges the first `limit` of its own rows with the first `limit` of the public rows
 * it includes, each from its own half of the cursor.
 */
export async function readFeedPage(db: D1Database, start: FeedPosition, limit: number, view: View): Promise<FeedPage> {
  const [page, heads] = await db.batch<FeedRow | FeedPosition>([
    pageStatement(db, start, limit, view),
    db
      .prepare(
        `SELECT (SELECT coalesce(max(pos), 0) FROM catalog_feed WHERE group_name IS NULL) AS public,
                coalesce((SELECT max(pos) FROM catalog_feed WHERE group_name = ?), 0) AS "group"`,
      )
      .bind(view.kind === "public" ? null : view.group.name),
  ]);
  return { entries: (page!.results as FeedRow[]).map(toEntry), heads: heads!.results[0] as FeedPosition };
}

/**
 * Internal readers (not the HTTP feed, whose cursors are positions): up to `limit` changes after
 * seq `after` that `view` shows, in seq order.
 */
export async function readFeed(db: D1Database, after: number, limit: number, view: View): Promise<FeedEntry[]> {
  const args: unknown[] = [after];
  const visible = viewCondition(view, args);
  args.push(limit);
  const { results } = await db
    .prepare(`${visible.with}${FEED_SELECT} WHERE v.seq > ? AND ${visible.where} ORDER BY v.seq LIMIT ?`)
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
