// What the home/search page was asked for, read from its URL: the no-JS form submits repeated
// checkbox values (registryType=npm&registryType=pypi), search.js and our links send comma lists;
// both read the same, and write one normalized query string, which is at once the page's own
// canonical URL, the /x/search query behind it and the key of its rendered copy. Values are not
// validated here: /x/search judges them, so the page and the API can never disagree.
import { MAX_QUERY_LENGTH } from "../search/normalize-query.ts";

import {
  SEARCH_HOSTING as HOSTING_OPTIONS,
  SEARCH_REGISTRY_TYPES as REGISTRY_TYPE_OPTIONS,
  SEARCH_STATUSES as STATUS_OPTIONS,
  SEARCH_TRANSPORTS as TRANSPORT_OPTIONS,
} from "../domain/search-filters.ts";

export { HOSTING_OPTIONS, REGISTRY_TYPE_OPTIONS, STATUS_OPTIONS, TRANSPORT_OPTIONS };

/** Results per page: small pages keep the HTML small (the API allows up to 100). */
export const PAGE_SIZE = 20;

/** The API reads this much of q at most; the page keeps no more (it echoes q back). */
const MAX_Q_CHARS = MAX_QUERY_LENGTH * 4;
/** More list items than any facet has options is not a choice a form can make. */
const MAX_LIST_ITEMS = 16;
/** Longer than any cursor /x/search writes (base64url of `o:` and 7 digits) or any namespace. */
const MAX_TOKEN_CHARS = 256;

export interface SearchPageQuery {
  q: string;
  registryType: string[];
  transport: string[];
  /** "" for any hosting. */
  hosting: string;
  /** Empty for the default (active and deprecated). */
  status: string[];
  namespace: string;
  cursor: string;
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/**
 * Every value of a list key, repeated or comma-separated, trimmed, lower-cased and deduplicated:
 * known options in their fixed order first (so equal choices write equal URLs), others after.
 */
function readList(params: URLSearchParams, key: string, options: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const value of params.getAll(key).slice(0, MAX_LIST_ITEMS)) {
    for (const item of cut(value, MAX_TOKEN_CHARS).split(",")) {
      const clean = item.trim().toLowerCase();
      if (clean !== "" && seen.size < MAX_LIST_ITEMS) seen.add(clean);
    }
  }
  const known = options.filter((option) => seen.has(option));
  const unknown = [...seen].filter((item) => !options.includes(item));
  return [...known, ...unknown];
}

export function readSearchPageQuery(params: URLSearchParams): SearchPageQuery {
  const hosting = readList(params, "hosting", [...HOSTING_OPTIONS, "any"]).filter((h) => h !== "any");
  const status = readList(params, "status", STATUS_OPTIONS);
  return {
    q: cut(params.get("q") ?? "", MAX_Q_CHARS),
    registryType: readList(params, "registryType", REGISTRY_TYPE_OPTIONS),
    transport: readList(params, "transport", TRANSPORT_OPTIONS),
    hosting: hosting.join(","),
    // Both statuses is the default: written as none, so both URLs share one page.
    status: status.length === STATUS_OPTIONS.length && status.every((s, i) => s === STATUS_OPTIONS[i]) ? [] : status,
    namespace: cut(params.get("namespace") ?? "", MAX_TOKEN_CHARS).trim(),
    cursor: cut(params.get("cursor") ?? "", MAX_TOKEN_CHARS).trim(),
  };
}

/** The normalized query string (no leading `?`); `cursor: ""` drops the cursor. */
export function searchQueryString(query: SearchPageQuery, overrides: { cursor?: string } = {}): string {
  const params = new URLSearchParams();
  if (query.q.trim() !== "") params.set("q", query.q);
  if (query.registryType.length > 0) params.set("registryType", query.registryType.join(","));
  if (query.transport.length > 0) params.set("transport", query.transport.join(","));
  if (query.hosting !== "") params.set("hosting", query.hosting);
  if (query.status.length > 0) params.set("status", query.status.join(","));
  if (query.namespace !== "") params.set("namespace", query.namespace);
  const cursor = overrides.cursor ?? query.cursor;
  if (cursor !== "") params.set("cursor", cursor);
  return params.toString();
}

/**
 * The offset a /x/search cursor stands for, or undefined for one it did not write. The cursor is
 * opaque to API clients; the page reads it only to offer "Previous page", and falls back to
 * "First page" when the format is not the one it knows (see http/routes/search.ts encodeCursor).
 */
export function cursorOffset(cursor: string): number | undefined {
  if (cursor === "") return 0;
  try {
    const match = /^o:(\d{1,7})$/.exec(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The cursor of `offset`, written as /x/search writes it ("" for the first page). */
export function cursorAt(offset: number): string {
  if (offset <= 0) return "";
  return btoa(`o:${offset}`).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** The path of a server's page: the name's slash stays a slash, each segment encoded. */
export function serverPagePath(base: string, name: string): string {
  return `${base}/server/${name.split("/").map(encodeURIComponent).join("/")}`;
}
