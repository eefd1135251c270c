// Conditional reads (RFC 9110 §8.8.3, §13.1.2, §15.4.5; README "Conditional reads and caching"):
// the one place that decides a read answer's validator and caching headers. Every read route
// (lists, versions, detail, /x/search, /x/changes; at the root and under /groups/{group}/) hands
// its body here only after it has decided the caller may see it, so a 304 never tells anyone
// more than the 200 would: what the caller may not read has already answered 404.
//
// - ETag: strong, the body's hash (storage/read-cache.ts `entityTagOf`), computed once per cached
//   body and kept beside its bytes: a cache hit costs no hashing.
// - If-None-Match: "*" or a list of tags, compared weakly (W/"x" matches "x"); a match answers
//   304 with no body and the same ETag, Cache-Control and Vary.
// - Cache-Control: the staleness bound the read path guarantees for that kind of answer (below);
//   `public` for the root's catalogue, `private` with `Vary: Authorization` for a group's view,
//   whose answer depends on who asks. `Vary: Origin` on every answer: CORS headers are only sent
//   to requests with an Origin, so a stored answer must not be reused across that difference.
import { FLUSH_INTERVAL_MS } from "../durable/catalog-clock.ts";
import type { View } from "../domain/groups.ts";
import { SERVER_DOC_TTL_SECONDS } from "../storage/kv-keys.ts";
import { entityTagOf, memoryTtlMs, SERVER_MEMORY_MAX_AGE_MS, type TaggedBody } from "../storage/read-cache.ts";

/**
 * What an answer is made from, which sets how stale it can be:
 * - `catalogue`: list pages, rendered from D1 under the catalogue generation;
 * - `server`: answers built from per-name documents (versions, detail, latest) and /x/search,
 *   whose items are those documents' detail bodies;
 * - `feed`: /x/changes, read from D1 on every request.
 */
export type Freshness = "catalogue" | "server" | "feed";

/**
 * Cloudflare KV: a value written in one location is seen in the others once their cached copies
 * expire, up to 60 s later. It delays the generation token and the deletion of a per-name
 * document alike, so it is part of every bound below.
 */
export const KV_PROPAGATION_MS = 60_000;

/**
 * After a write commits, how long an answer of this kind can still show the state before it, in
 * ms (given KV accepts the catalog clock's flush; while it refuses, the clock retries and the
 * caches stay older until it succeeds, docs/storage.md "Faults"):
 * - catalogue: the clock flushes within FLUSH_INTERVAL_MS; every isolate re-reads the token
 *   within MEMORY_CACHE_TTL_MS of seeing it, which takes KV_PROPAGATION_MS in other locations;
 *   a new token addresses pages rendered from D1 after the commit.
 * - server: after the flush, a stale per-name document can still be read from KV until the
 *   deletion has propagated, or until a fill that raced the write expires
 *   (SERVER_DOC_TTL_SECONDS); an isolate that read it keeps it SERVER_MEMORY_MAX_AGE_MS at most.
 * - feed: none; it is read from D1 on every request.
 */
export function stalenessBoundMs(freshness: Freshness, env: Pick<Env, "MEMORY_CACHE_TTL_MS">): number {
  const catalogue = FLUSH_INTERVAL_MS + KV_PROPAGATION_MS + memoryTtlMs(env);
  switch (freshness) {
    case "catalogue":
      return catalogue;
    case "server": {
      const staleDocument = Math.max(KV_PROPAGATION_MS, SERVER_DOC_TTL_SECONDS * 1000);
      // An entry from before the write goes with the token (as a list page does); one re-read
      // from a stale document stays SERVER_MEMORY_MAX_AGE_MS at most.
      return Math.max(catalogue, FLUSH_INTERVAL_MS + staleDocument + SERVER_MEMORY_MAX_AGE_MS);
    }
    case "feed":
      return 0;
  }
}

interface HeaderPolicy {
  cacheControl: string;
  vary: string;
}

/** The policies of one MEMORY_CACHE_TTL_MS value, by scope and freshness. */
let policies: { ttl: string | undefined; byKey: Map<string, HeaderPolicy> } | undefined;

/** Cache-Control and Vary for an answer of `freshness` in `view` (memoized: the hot path only looks up). */
export function headerPolicy(freshness: Freshness, view: View, env: Pick<Env, "MEMORY_CACHE_TTL_MS">): HeaderPolicy {
  if (policies?.ttl !== env.MEMORY_CACHE_TTL_MS) policies = { ttl: env.MEMORY_CACHE_TTL_MS, byKey: new Map() };
  const byKey = policies!.byKey;
  const key = `${view.kind}:${freshness}`;
  let policy = byKey.get(key);
  if (policy === undefined) {
    // A group's answer depends on the caller (a private group answers 404 to outsiders): never
    // from a shared cache, and a browser keeps one per credential.
    const scope = view.kind === "public" ? "public" : "private";
    const seconds = Math.ceil(stalenessBoundMs(freshness, env) / 1000);
    policy = {
      cacheControl: seconds === 0 ? `${scope}, no-cache` : `${scope}, max-age=${seconds}, must-revalidate`,
      vary: view.kind === "public" ? "Origin" : "Authorization, Origin",
    };
    byKey.set(key, policy);
  }
  return policy;
}

const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * Whether an If-None-Match field value matches `etag` (a strong tag, quoted) by weak comparison
 * (RFC 9110 §13.1.2): "*" matches any current answer; otherwise any listed entity-tag, with or
 * without W/, whose opaque tag equals ours. A malformed list matches nothing from where it
 * breaks (the field is then ignored, and the full answer sent).
 */
export function ifNoneMatchMatches(field: string, etag: string): boolean {
  const n = field.length;
  let i = 0;
  while (i < n) {
    const c = field.charCodeAt(i);
    if (c === SPACE || c === TAB || c === COMMA) {
      i++;
      continue;
    }
    if (c === 0x2a /* * */) return field.trim() === "*";
    if (c === 0x57 /* W */ && field.charCodeAt(i + 1) === 0x2f /* / */) i += 2;
    if (field.charCodeAt(i) !== QUOTE) return false;
    const end = field.indexOf('"', i + 1);
    if (end < 0) return false;
    if (end + 1 - i === etag.length && field.startsWith(etag, i)) return true;
    i = end + 1;
  }
  return false;
}

/**
 * The answer to a read the route has decided to give: 200 with the body, or 304 without one when
 * the request's If-None-Match matches. Both carry the ETag, Cache-Control and Vary.
 */
export function readAnswer(
  request: Request,
  env: Pick<Env, "MEMORY_CACHE_TTL_MS">,
  view: View,
  freshness: Freshness,
  answer: TaggedBody,
): Response {
  const etag = entityTagOf(answer);
  const { cacheControl, vary } = headerPolicy(freshness, view, env);
  const condition = request.headers.get("if-none-match");
  if (condition !== null && ifNoneMatchMatches(condition, etag)) {
    return new Response(null, { status: 304, headers: { etag, "cache-control": cacheControl, vary } });
  }
  return new Response(answer.body, {
    status: 200,
    headers: { "content-type": "application/json", etag, "cache-control": cacheControl, vary },
  });
}
