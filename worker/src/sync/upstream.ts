// Reading an upstream registry, one page at a time: the official list (GET /v0.1/servers with
// updated_since and cursor paging, spec §3.4 and §11.1) or, when the upstream is a deployment of
// ours, its change feed (GET /x/changes, domain/change-feed.ts), whose cursor is exact. Source
// URLs are set by administrators (or given to `npm run import` by an operator), so requests go
// through fetchConfigured: bounded in time and size, redirects not followed, and loopback or
// private hosts allowed (a local mirror of a local upstream works). Nothing a publisher sends
// reaches this module. An answer never makes a step bigger than it asked for: a page with more
// entries than its limit, or a cursor longer than MAX_UPSTREAM_CURSOR_LENGTH, is an upstream
// error.
import { isPlainObject } from "../domain/server-json/huma-schema-kit.ts";
import { OFFICIAL_META_KEY } from "../domain/server-response.ts";
import { formatRfc3339, parseRfc3339 } from "../domain/timestamps.ts";
import { fetchConfigured, OutboundError } from "../net/outbound.ts";
import type { ImportEntry, OfficialMetaInput } from "../writes/import-entries.ts";

/** Entries asked for per page (the official list's largest page); a page with more is refused. */
const UPSTREAM_PAGE_LIMIT = 100;
/** Bounds of one page request. */
const PAGE_TIMEOUT_MS = 20_000;
const PAGE_MAX_BYTES = 16 * 1024 * 1024;
/** Longest upstream cursor accepted: it is stored as the source's position and sent back. */
export const MAX_UPSTREAM_CURSOR_LENGTH = 1024;

/** An upstream that failed or answered something that is not its API: the step stops, and says why. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
}

interface ListPage {
  entries: ImportEntry[];
  /** The cursor of the next page; null on a short page (the pass is complete). */
  nextCursor: string | null;
  /** The highest updatedAt (µs) among the page's entries; null when none has one. */
  high: number | null;
}

interface FeedPage {
  entries: ImportEntry[];
  /** Where to resume (the upstream's nextCursor). */
  nextCursor: string;
  /** Whether the page was full: more changes wait. */
  more: boolean;
}

async function getJson(url: URL): Promise<{ status: number; body: unknown }> {
  let response: Awaited<ReturnType<typeof fetchConfigured>>;
  try {
    response = await fetchConfigured(url, {
      headers: { accept: "application/json" },
      timeoutMs: PAGE_TIMEOUT_MS,
      maxBytes: PAGE_MAX_BYTES,
    });
  } catch (err) {
    throw new UpstreamError(`GET ${url.href} failed: ${err instanceof OutboundError ? err.message : String(err)}`);
  }
  if (response.status !== 200) return { status: response.status, body: undefined };
  try {
    return { status: 200, body: JSON.parse(response.body) as unknown };
  } catch {
    throw new UpstreamError(`GET ${url.href} answered 200 with a body that is not JSON`);
  }
}

/**
 * The entries of a page, refused when there are more than asked for: an upstream's answer must
 * not make a step's work (validation, one D1 batch) larger than the limit it sent.
 */
function boundedItems(items: unknown[], url: URL): unknown[] {
  if (items.length > UPSTREAM_PAGE_LIMIT) {
    // Without the query: the cursor in it could crowd the reason out of the bounded lastError.
    const page = `${url.origin}${url.pathname}`;
    throw new UpstreamError(`GET ${page} answered ${items.length} entries for limit=${UPSTREAM_PAGE_LIMIT}`);
  }
  return items;
}

/** An upstream cursor as a position is stored: refused when longer than MAX_UPSTREAM_CURSOR_LENGTH. */
function boundedCursor(cursor: string, url: URL): string {
  if (cursor.length > MAX_UPSTREAM_CURSOR_LENGTH) {
    throw new UpstreamError(
      `GET ${url.origin}${url.pathname} answered a cursor of ${cursor.length} characters (at most ${MAX_UPSTREAM_CURSOR_LENGTH})`,
    );
  }
  return cursor;
}

/** `_meta[official]` of a list item or feed entry, when it is an object. */
function officialOf(item: Record<string, unknown>): OfficialMetaInput | undefined {
  const meta = item._meta;
  if (!isPlainObject(meta)) return undefined;
  const official = meta[OFFICIAL_META_KEY];
  return isPlainObject(official) ? (official as OfficialMetaInput) : undefined;
}

function toEntry(item: Record<string, unknown>, label: string): ImportEntry {
  const official = officialOf(item);
  return official === undefined
    ? { server: item.server, source: label }
    : { server: item.server, official, source: label };
}

function listUrl(base: string, since: number, cursor: string | null): URL {
  const url = new URL(`${base}/v0.1/servers`);
  url.searchParams.set("limit", String(UPSTREAM_PAGE_LIMIT));
  // Always with updated_since, even on the first pass: it forces deleted versions in (§3.4), so
  // the mirror holds them too.
  url.searchParams.set("updated_since", formatRfc3339(since));
  if (cursor !== null) url.searchParams.set("cursor", cursor);
  return url;
}

/** One page of the official list: versions updated after `since`, from `cursor` on. */
export async function fetchListPage(base: string, since: number, cursor: string | null): Promise<ListPage> {
  const url = listUrl(base, since, cursor);
  const { status, body } = await getJson(url);
  if (status !== 200) throw new UpstreamError(`GET ${url.href} answered ${status}`);
  if (!isPlainObject(body) || !Array.isArray(body.servers)) {
    throw new UpstreamError(`GET ${url.href} did not answer a server list`);
  }
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const next = metadata.nextCursor;
  if (next !== undefined && next !== null && (typeof next !== "string" || next === "")) {
    throw new UpstreamError(`GET ${url.href} answered an invalid nextCursor`);
  }
  let high: number | null = null;
  const entries = boundedItems(body.servers, url).map((item, i) => {
    const record = isPlainObject(item) ? item : {};
    const updatedAt = officialOf(record)?.updatedAt;
    const micros = typeof updatedAt === "string" ? parseRfc3339(updatedAt) : undefined;
    if (micros !== undefined && (high === null || micros > high)) high = micros;
    return toEntry(record, `${url.host} ${cursor ?? "start"} #${i + 1}`);
  });
  // nextCursor only on a full page (§3.4); a cursor on a short page is followed all the same.
  return { entries, nextCursor: typeof next === "string" ? boundedCursor(next, url) : null, high };
}

/**
 * One page of an upstream's change feed after `after`; "restart" when the upstream answers 410
 * (its group's includes changed, or it was restored or reset since the cursor: its readers read
 * the feed again from after=0, domain/change-feed.ts); or "absent" when the upstream has none
 * (it answers 404/405/501 or another 4xx but 408 and 429, or its 200 is not a feed page). Each
 * entry is a version's state after one change; a page's last entry of a version is its newest
 * state. Withdrawals (a version leaving the upstream's view) and entries without a server.json
 * are not mirrored: the official API would not show them either.
 */
export async function fetchFeedPage(base: string, after: string): Promise<FeedPage | "restart" | "absent"> {
  const url = new URL(`${base}/x/changes`);
  url.searchParams.set("after", after);
  url.searchParams.set("limit", String(UPSTREAM_PAGE_LIMIT));
  const { status, body } = await getJson(url);
  if (status === 410) return "restart";
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return "absent";
  if (status !== 200) throw new UpstreamError(`GET ${url.href} answered ${status}`);
  if (!isPlainObject(body) || !Array.isArray(body.changes) || !isPlainObject(body.metadata)) return "absent";
  const { nextCursor, more } = body.metadata;
  if (typeof nextCursor !== "string" || nextCursor === "" || typeof more !== "boolean") return "absent";
  const latest = new Map<string, ImportEntry>();
  boundedItems(body.changes, url).forEach((change, i) => {
    if (!isPlainObject(change) || change.action === "withdraw" || !isPlainObject(change.server)) return;
    const { name, version } = change;
    const key = `${String(name)}@${String(version)}`;
    latest.delete(key); // re-inserted: the map keeps the order of each version's last change
    latest.set(key, toEntry(change, `${url.host} after ${after} #${i + 1}`));
  });
  return { entries: [...latest.values()], nextCursor: boundedCursor(nextCursor, url), more };
}
