// Test helpers for the change feed (GET /x/changes, at the root or under /groups/{group}/): one
// page, every page, and the detail a feed entry's `_meta` is compared with.
import { apiJson } from "./registry.ts";

export const OFFICIAL = "io.modelcontextprotocol.registry/official";

export interface FeedPageAnswer {
  changes: any[];
  metadata: { count: number; nextCursor: string; more: boolean };
}

/** One page of the feed at `base` ("" or "/groups/{group}"); throws unless it answers 200. */
export async function feedPage(base: string, after: string, limit: number, init?: RequestInit) {
  const params = new URLSearchParams({ after, limit: String(limit) });
  const { status, body } = await apiJson<FeedPageAnswer>(`${base}/x/changes?${params}`, init);
  if (status !== 200) throw new Error(`${base}/x/changes?${params} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** Every entry after `after`, page by page, until a page says there is no more. */
export async function drainFeed(
  base: string,
  { after = "0", limit = 100, init }: { after?: string; limit?: number; init?: RequestInit } = {},
): Promise<{ changes: any[]; next: string; pages: number }> {
  const changes: any[] = [];
  let cursor = after;
  for (let pages = 1; pages <= 100_000; pages++) {
    const page = await feedPage(base, cursor, limit, init);
    changes.push(...page.changes);
    cursor = page.metadata.nextCursor;
    if (!page.metadata.more) return { changes, next: cursor, pages };
  }
  throw new Error("the feed does not end");
}

/** The feed's cursor now (where a reader that has seen everything stands). */
export const feedCursor = async (base = "", init?: RequestInit) => (await drainFeed(base, { init })).next;

/** What the detail endpoint answers for a version (deleted ones included), at `base`. */
export async function detailOf(name: string, version: string, base = "", init?: RequestInit) {
  const path = `${base}/v0.1/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
  const { status, body } = await apiJson(`${path}?include_deleted=true`, init);
  if (status !== 200) throw new Error(`${path} answered ${status}: ${JSON.stringify(body)}`);
  return body as { server: any; _meta: Record<string, any> };
}

/** name@version of an entry or a detail. */
export const keyOf = (entry: { name: string; version: string }) => `${entry.name}@${entry.version}`;
