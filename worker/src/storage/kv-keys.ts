// Every KV key prefix of the CACHE namespace (documented in docs/storage.md).

/** Token naming the current catalogue generation; any write replaces it. */
export const GENERATION_KEY = "catalog:generation";

/** Rendered GET /servers body for one generation and canonical query. */
export function listPageKey(generation: string, queryKey: string): string {
  return `list:${generation}:${queryKey}`;
}

/** All versions of one server name (JSON, see ServerDocument). */
export function serverKey(name: string): string {
  return `server:${name}`;
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
