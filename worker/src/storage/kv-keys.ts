// Every KV key prefix of the CACHE namespace (documented in docs/storage.md).
//
// KV keys are at most 512 bytes. Parts that come from input (a query, a name from a URL) are used
// as written up to MAX_PLAIN_KEY_PART bytes and replaced by "#" and their SHA-256 beyond: every
// key stays short, the hashing costs nothing on ordinary requests, and no '#' starts a canonical
// query (a JSON array) or a server name, so hashed and plain parts never meet.
import { createHash } from "node:crypto";
import { utf8Length } from "../domain/utf8.ts";

/** Longest key part used as written (UTF-8 bytes); longer parts are hashed. */
export const MAX_PLAIN_KEY_PART = 200;

/** Whether `part` takes at most MAX_PLAIN_KEY_PART bytes in UTF-8 (counted without encoding). */
function fitsPlain(part: string): boolean {
  if (part.length > MAX_PLAIN_KEY_PART) return false;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short strings need no counting.
  return part.length * 3 <= MAX_PLAIN_KEY_PART || utf8Length(part) <= MAX_PLAIN_KEY_PART;
}

/** `part` itself when short, else "#" and its SHA-256 (hex): at most 200 bytes either way. */
export function boundedKeyPart(part: string): string {
  return fitsPlain(part) ? part : `#${createHash("sha256").update(part).digest("hex")}`;
}

/** Token naming the current catalogue generation; any write replaces it. */
export const GENERATION_KEY = "catalog:generation";

/** Rendered GET /servers body for one generation and canonical query (hashed when long). */
export function listPageKey(generation: string, queryKey: string): string {
  return `list:${generation}:${boundedKeyPart(queryKey)}`;
}

/** All versions of one server name (JSON, see ServerDocument); legal names are never hashed. */
export function serverKey(name: string): string {
  return `server:${boundedKeyPart(name)}`;
}

/** Per-name documents filled by reads expire, bounding a fill that raced a write. */
export const SERVER_DOC_TTL_SECONDS = 60;

/** List pages outlive their generation only briefly: a new generation never reads them. */
export const LIST_PAGE_TTL_SECONDS = 3600;

/** Catalogue fingerprint at the last cache-repair run (cron/repair-caches.ts). */
export const FINGERPRINT_KEY = "catalog:fingerprint";

/** Pointer to the current search index build: SearchIndexPointer JSON. */
export const SEARCH_POINTER_KEY = "search:index:current";

/** One shard of a built search index (the SerializedIndex JSON text, cut in pieces). */
export function searchShardKey(buildId: string, shard: number): string {
  return `search:index:${buildId}:${shard}`;
}

/** State of a search index build in progress: SearchBuildState JSON. */
export const SEARCH_BUILD_KEY = "search:build";

/** Search documents collected by one chunk of a build in progress. */
export function searchBuildPartKey(buildId: string, part: number): string {
  return `search:build:${buildId}:part:${part}`;
}

/** KV values are limited to 25 MiB; shards stay well below. */
export const SEARCH_SHARD_CHARS = 8 * 1024 * 1024;
/** Build parts and superseded shards are cleaned up by expiry. */
export const SEARCH_BUILD_TTL_SECONDS = 86_400;
