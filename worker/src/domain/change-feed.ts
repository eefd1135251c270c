// The change feed (GET /x/changes): what one entry says, how a cursor reads, and how a page is
// rendered. Entries come from catalog_feed (d1-schema/0009_sync.sql), one per change of a
// version row in commit order.
import { formatRfc3339 } from "./timestamps.ts";
import { responseMeta, type ServerStatus } from "./server-response.ts";

/** What happened to the version (the trigger derives it from the old and new row). */
export const FEED_ACTIONS = ["publish", "status", "delete", "edit", "update", "withdraw"] as const;
export type FeedAction = (typeof FEED_ACTIONS)[number];

/** Why, when a bulk path said so. */
export type FeedCause = "denylist-sweep" | "mirror" | "import";

/** One stored change. */
export interface FeedEntry {
  seq: number;
  /** µs: when the change committed (D1's clock). */
  at: number;
  name: string;
  version: string;
  action: FeedAction;
  cause: FeedCause | null;
  group: string | null;
  status: ServerStatus;
  statusMessage: string | null;
  statusChangedAt: number;
  publishedAt: number;
  updatedAt: number;
  isLatest: boolean;
  mirror?: { source: string; updatedAt: number };
  /** The version's server.json (compact JSON text), while its row is in the entry's catalogue. */
  serverJson: string | null;
}

/** Entries per page: default and largest. */
export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;

/** A cursor is the decimal seq of the last entry seen ("0": from the start). */
export function parseFeedCursor(raw: string | null): number | undefined {
  if (raw === null || raw === "") return 0;
  return /^(0|[1-9][0-9]{0,14})$/.test(raw) ? Number(raw) : undefined;
}

/** The JSON text of one entry: the change, the resulting `_meta`, and the server.json. */
export function renderFeedEntry(entry: FeedEntry): string {
  const head = JSON.stringify({
    cursor: String(entry.seq),
    time: formatRfc3339(entry.at),
    name: entry.name,
    version: entry.version,
    action: entry.action,
    ...(entry.cause === null ? {} : { cause: entry.cause }),
  });
  const meta = JSON.stringify(responseMeta(entry));
  const server = entry.serverJson === null || entry.action === "withdraw" ? "" : `,"server":${entry.serverJson}`;
  return `${head.slice(0, -1)}${server},"_meta":${meta}}`;
}

/**
 * A page: the entries and where to resume. `nextCursor` is always there (the last entry's
 * cursor, or the one asked for when nothing is newer), so a poller keeps one value; `more` says
 * whether the page was full (ask again at once) or the feed's end was reached (poll later).
 */
export function renderFeedPage(entries: readonly FeedEntry[], after: number, limit: number): string {
  const next = entries.at(-1)?.seq ?? after;
  const metadata = JSON.stringify({ count: entries.length, nextCursor: String(next), more: entries.length === limit });
  return `{"changes":[${entries.map(renderFeedEntry).join(",")}],"metadata":${metadata}}`;
}
