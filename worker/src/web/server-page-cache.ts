// Rendered server pages kept in isolate memory, as UTF-8 bytes: a repeated page costs its API
// call (itself a memory hit) and a lookup, not a render, and its body needs no encoding. Keys
// carry the API answer's ETag, so any change to the server (a version, a status, a review mark)
// makes a new key; old pages age out of the LRU. Sized for every page of a catalogue of a few
// thousand servers (about 10 KB each): a rotation over more names than the cache holds would
// miss on every request.
import { LruCache } from "../storage/lru.ts";

const MAX_PAGES = 2048;
const MAX_BYTES = 16 * 1024 * 1024;

const pages = new LruCache<Uint8Array>(MAX_PAGES, MAX_BYTES);
const encoder = new TextEncoder();

export function renderedServerPage(key: string): Uint8Array | undefined {
  return pages.get(key);
}

/** Keeps `document` under `key` and answers its bytes. */
export function rememberServerPage(key: string | undefined, document: string): Uint8Array {
  const bytes = encoder.encode(document);
  // The key is a UTF-16 string in memory; it holds the query.
  if (key !== undefined) pages.set(key, bytes, bytes.byteLength + 2 * key.length);
  return bytes;
}

/** Empties the cache (tests that compare a fresh render with a cached one). */
export function forgetRenderedServerPages(): void {
  pages.clear();
}
