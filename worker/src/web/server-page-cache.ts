// Rendered server pages kept in isolate memory, as UTF-8 bytes, one per page key (origin, view,
// signed-in state, name, query) with the API ETag it was rendered from. A repeated view asks the
// API with If-None-Match: that ETag; a 304 (the API answers it after its own permission checks,
// so what the caller may not read still answers 404) serves the kept bytes, with no body read,
// no parse and no render. Sized for every page of a catalogue of a few thousand servers (about
// 10 KB each): a rotation over more names than the cache holds would miss on every request.
import { LruCache } from "../storage/lru.ts";

const MAX_PAGES = 4096;
const MAX_BYTES = 32 * 1024 * 1024;

/** A rendered page and what it was rendered from. */
export interface KeptPage {
  /** The ETag of the versions answer the page shows. */
  readonly etag: string;
  /** Whether the report form was shown (under a group: the server is also public). */
  readonly reportable: boolean;
  /** Under a group, the ETag of the anonymous answer that told the server is public. */
  readonly publicEtag: string | null;
  readonly bytes: Uint8Array;
}

const pages = new LruCache<KeptPage>(MAX_PAGES, MAX_BYTES);
const encoder = new TextEncoder();

export function keptServerPage(key: string): KeptPage | undefined {
  return pages.get(key);
}

/** Keeps `document` under `key` (when given) with what it was rendered from; answers its bytes. */
export function keepServerPage(
  key: string | undefined,
  document: string,
  from: { etag: string | null; reportable: boolean; publicEtag: string | null },
): Uint8Array {
  const bytes = encoder.encode(document);
  if (key !== undefined && from.etag !== null) {
    // Strings are UTF-16 in memory.
    const weight = bytes.byteLength + 2 * (key.length + from.etag.length) + 64;
    pages.set(key, { etag: from.etag, reportable: from.reportable, publicEtag: from.publicEtag, bytes }, weight);
  } else if (key !== undefined) {
    pages.delete(key);
  }
  return bytes;
}

/** Empties the cache (tests that compare a fresh render with a kept one). */
export function forgetRenderedServerPages(): void {
  pages.clear();
}
