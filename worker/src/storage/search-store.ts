// The search index's place in KV (docs/storage.md, "Search index"): a pointer to the current
// build, the build's shards, and the state of a build in progress.
import {
  SEARCH_BUILD_KEY,
  SEARCH_BUILD_TTL_SECONDS,
  SEARCH_POINTER_KEY,
  SEARCH_SHARD_CHARS,
  searchBuildPartKey,
  searchShardKey,
} from "./kv-keys.ts";

export interface SearchIndexPointer {
  buildId: string;
  shards: number;
  /**
   * The head of the catalogue's change sequence (catalog_changes.seq) when the build started:
   * the index holds every change up to here; later ones come from the overlay. Pointers written
   * before the change sequence existed have none (they carried a µs `watermark`): see
   * `hasChangeSeq`.
   */
  changeSeq: number;
  builtAt: string;
  documents: number;
  /** The fingerprint of the catalogue the build started from. */
  fingerprint: string;
  /** The build this one replaced; its shards are deleted by the next build. */
  previous?: { buildId: string; shards: number };
}

export interface SearchBuildState {
  buildId: string;
  /** Last name collected so far ("" before the first chunk). */
  afterName: string;
  parts: number;
  /** The head of the change sequence when the build started (see SearchIndexPointer). */
  changeSeq: number;
  fingerprint: string;
  startedAt: string;
}

export async function readSearchPointer(kv: KVNamespace): Promise<SearchIndexPointer | null> {
  return kv.get<SearchIndexPointer>(SEARCH_POINTER_KEY, "json");
}

/**
 * Whether a stored pointer (or build state) says up to which change its index is complete. One
 * written before the change sequence existed says it in µs (`watermark`), which must never be
 * compared with a sequence number: its index is not used (everything comes from the overlay)
 * and the next build replaces it (its fingerprint has another form too).
 */
export function hasChangeSeq<T extends { changeSeq: number }>(stored: T | null): stored is T {
  return stored !== null && Number.isSafeInteger(stored.changeSeq) && stored.changeSeq >= 0;
}

/** The serialized index text of a build, or null when a shard is missing. */
export async function readSearchShards(kv: KVNamespace, pointer: SearchIndexPointer): Promise<string | null> {
  const shards = await Promise.all(
    Array.from({ length: pointer.shards }, (_, i) => kv.get(searchShardKey(pointer.buildId, i))),
  );
  return shards.some((s) => s === null) ? null : shards.join("");
}

/** Writes the shards of a finished build, then points readers at it. */
export async function publishSearchIndex(
  kv: KVNamespace,
  text: string,
  pointer: Omit<SearchIndexPointer, "shards" | "previous">,
): Promise<SearchIndexPointer> {
  const count = Math.max(1, Math.ceil(text.length / SEARCH_SHARD_CHARS));
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      kv.put(searchShardKey(pointer.buildId, i), text.slice(i * SEARCH_SHARD_CHARS, (i + 1) * SEARCH_SHARD_CHARS)),
    ),
  );
  const old = await readSearchPointer(kv);
  // The build before the previous one can no longer be in use: readers switch within seconds.
  if (old?.previous) {
    await Promise.all(
      Array.from({ length: old.previous.shards }, (_, i) => kv.delete(searchShardKey(old.previous!.buildId, i))),
    );
  }
  const next: SearchIndexPointer = {
    ...pointer,
    shards: count,
    ...(old ? { previous: { buildId: old.buildId, shards: old.shards } } : {}),
  };
  await kv.put(SEARCH_POINTER_KEY, JSON.stringify(next));
  return next;
}

export async function readBuildState(kv: KVNamespace): Promise<SearchBuildState | null> {
  return kv.get<SearchBuildState>(SEARCH_BUILD_KEY, "json");
}

export async function writeBuildState(kv: KVNamespace, state: SearchBuildState | null): Promise<void> {
  if (state === null) await kv.delete(SEARCH_BUILD_KEY);
  else await kv.put(SEARCH_BUILD_KEY, JSON.stringify(state));
}

export async function writeBuildPart(
  kv: KVNamespace,
  buildId: string,
  part: number,
  documents: unknown[],
): Promise<void> {
  await kv.put(searchBuildPartKey(buildId, part), JSON.stringify(documents), {
    expirationTtl: SEARCH_BUILD_TTL_SECONDS,
  });
}

export async function readBuildParts<T>(kv: KVNamespace, buildId: string, parts: number): Promise<T[] | null> {
  const texts = await Promise.all(
    Array.from({ length: parts }, (_, i) => kv.get<T[]>(searchBuildPartKey(buildId, i), "json")),
  );
  if (texts.some((t) => t === null)) return null;
  return texts.flatMap((t) => t ?? []);
}
