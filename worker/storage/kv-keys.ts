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
