// Rendered home/search pages kept in isolate memory, so a repeated page costs its API call (itself
// a memory hit) and a lookup, not a render. Keys carry the API answer's ETag: a catalogue change
// makes a new answer, a new tag and so a new key; old pages age out of the LRU.
import { LruCache } from "../storage/lru.ts";

const MAX_PAGES = 256;
/** About 16 MiB of UTF-16 strings at most (pages are ~20-40 KB). */
const MAX_BYTES = 16 * 1024 * 1024;

const pages = new LruCache<string>(MAX_PAGES, MAX_BYTES);

export function renderedPage(key: string): string | undefined {
  return pages.get(key);
}

export function rememberPage(key: string, document: string): void {
  // Strings are UTF-16 in memory; the key counts too (it holds the query).
  pages.set(key, document, 2 * (document.length + key.length));
}

/** Empties the cache (tests that compare a fresh render with a cached one). */
export function forgetRenderedPages(): void {
  pages.clear();
}
