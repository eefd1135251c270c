// The change feed (GET /x/changes): what one entry says, how a cursor reads, and how a page is
// rendered. Entries come from catalog_feed (d1-schema/0009_sync.sql), one per change of a
// version row in commit order.
//
// A cursor counts only what its reader may see: the public feed's is the position among public
// changes (1, 2, 3… without gaps), a group feed's the pair (public position, the group's own
// position) and the group's include list it was issued under. The global commit order (`seq`)
// stays internal: its gaps would count the changes of catalogues the reader may not see.
import { formatRfc3339 } from "./timestamps.ts";
import { responseMeta, type VersionRecord } from "./server-response.ts";

/** What happened to the version (the trigger derives it from the old and new row). */
export const FEED_ACTIONS = ["publish", "status", "delete", "edit", "update", "withdraw"] as const;
export type FeedAction = (typeof FEED_ACTIONS)[number];

/** Why, when a bulk path said so. */
export type FeedCause = "denylist-sweep" | "mirror" | "import";

/** One stored change. */
/** One stored change: the version's metadata as the change left it, and where the change stands. */
export interface FeedEntry extends Omit<VersionRecord, "serverJson" | "underReviewSince" | "group"> {
  /** The global commit order (internal: never shown). */
  seq: number;
  /** The change's position in its own catalogue's feed (the public one when `group` is null). */
  pos: number;
  /** The public feed's position at this change (a public change's own `pos`). */
  publicPos: number;
  /** µs: when the change committed (D1's clock). */
  at: number;
  action: FeedAction;
  cause: FeedCause | null;
  group: string | null;
  /** The version's server.json (compact JSON text), while its row is in the entry's catalogue. */
  serverJson: string | null;
}

/** Where a reader stands: the public feed's position and, in a group's feed, the group's own. */
export interface FeedPosition {
  public: number;
  group: number;
}

/** A cursor as read: a position, and the include list a group feed's cursor was issued under. */
export interface FeedCursor extends FeedPosition {
  includes?: string;
}

export const FEED_START: FeedPosition = Object.freeze({ public: 0, group: 0 });

/** Entries per page: default and largest. */
export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;

const COUNT = "(0|[1-9][0-9]{0,14})";
const PUBLIC_CURSOR = new RegExp(`^${COUNT}$`);
const GROUP_CURSOR = new RegExp(`^${COUNT}\\.${COUNT}(?:\\.([0-9a-f]{8}))?$`);

/**
 * A group's include list as its feed's cursors carry it: 8 hex digits of FNV-1a over the sorted
 * list. A cursor issued under other includes cannot resume: the names they add have a history
 * before it that the reader never got (README "Change feed").
 */
export function includeFingerprint(include: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify([...include].sort())) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * A cursor as a previous page gave it: "P" in the public feed, "P.G.F" in a group's (F: the
 * includes it was issued under; a cursor without it is not checked against them); "0" or none:
 * from the start, in both. Undefined when it is not one.
 */
export function parseFeedCursor(raw: string | null, grouped: boolean): FeedCursor | undefined {
  if (raw === null || raw === "" || raw === "0") return FEED_START;
  const match = (grouped ? GROUP_CURSOR : PUBLIC_CURSOR).exec(raw);
  if (!match) return undefined;
  if (!grouped) return { public: Number(match[1]), group: 0 };
  const position = { public: Number(match[1]), group: Number(match[2]) };
  return match[3] === undefined ? position : { ...position, includes: match[3] };
}

/** The cursor text of a position: "P", or in a group's feed "P.G", then ".F" when `includes` is given. */
export function formatFeedCursor(position: FeedPosition, grouped: boolean, includes?: string): string {
  if (!grouped) return String(position.public);
  const pair = `${position.public}.${position.group}`;
  return includes === undefined ? pair : `${pair}.${includes}`;
}

/**
 * The position after each entry of a page read from `start`, in order. A public entry moves the
 * public half to its own position; a group's entry moves the group half to its own and the
 * public half to the public position at its commit (the public changes before it that the view
 * does not include are behind it too).
 */
export function positionsAfter(start: FeedPosition, entries: readonly FeedEntry[]): FeedPosition[] {
  let current = start;
  return entries.map((entry) => {
    current =
      entry.group === null
        ? { public: Math.max(current.public, entry.pos), group: current.group }
        : { public: Math.max(current.public, entry.publicPos), group: Math.max(current.group, entry.pos) };
    return current;
  });
}

/**
 * Where the next page starts: after the last entry of a full page; else after everything the
 * view holds (`heads`, read with the page), so that the next read skips what the view does not
 * include instead of reading it again. Never behind `start` (a cursor ahead of the heads is
 * answered 410 before a page is rendered: cursorAhead).
 */
export function nextPosition(
  start: FeedPosition,
  positions: readonly FeedPosition[],
  full: boolean,
  heads: FeedPosition,
): FeedPosition {
  const last = positions.at(-1) ?? start;
  if (full) return last;
  return { public: Math.max(last.public, heads.public), group: Math.max(last.group, heads.group) };
}

/** How a 410 of the feed ends: what a reader must do (a mirror of ours does it on a 410). */
export const FEED_READ_AGAIN = "read its feed again from after=0";

/** The 410 of a group feed's cursor issued under other includes. */
export const INCLUDES_CHANGED = `The group's includes changed since this cursor: ${FEED_READ_AGAIN}`;

/** The 410 of a cursor ahead of its view's end. */
export const CURSOR_AHEAD = `This cursor is ahead of the feed's end (the registry was restored or reset since it was issued): ${FEED_READ_AGAIN}`;

/**
 * Whether a cursor is ahead of the heads its view has now: no page ever gave it (nextPosition
 * never passes the heads), so the feed was restored from a backup or reset since. Answering an
 * empty page would leave its reader waiting at a position the feed reaches only after changes
 * the reader would never get.
 */
export function cursorAhead(cursor: FeedPosition, heads: FeedPosition): boolean {
  return cursor.public > heads.public || cursor.group > heads.group;
}

/**
 * The JSON text of one entry: its cursor in the feed it is rendered for (omitted without one:
 * never the internal seq), the change, the resulting `_meta`, and the server.json.
 */
export function renderFeedEntry(entry: FeedEntry, cursor?: string): string {
  const head = JSON.stringify({
    ...(cursor === undefined ? {} : { cursor }),
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

/** One page as read: the entries, and each catalogue's head when it was read. */
export interface FeedPage {
  entries: FeedEntry[];
  heads: FeedPosition;
}

/**
 * A page's JSON text. `nextCursor` is always there (see nextPosition), so a poller keeps one
 * value; `more` says whether the page was full (ask again at once) or the view's end was reached
 * (poll later).
 */
export function renderFeedPage(
  page: FeedPage,
  start: FeedPosition,
  limit: number,
  grouped = false,
  includes?: string,
): string {
  const positions = positionsAfter(start, page.entries);
  const full = page.entries.length === limit;
  const next = nextPosition(start, positions, full, page.heads);
  const cursor = (position: FeedPosition) => formatFeedCursor(position, grouped, includes);
  const changes = page.entries.map((entry, i) => renderFeedEntry(entry, cursor(positions[i]!)));
  const metadata = JSON.stringify({
    count: page.entries.length,
    nextCursor: cursor(next),
    more: full,
  });
  return `{"changes":[${changes.join(",")}],"metadata":${metadata}}`;
}
