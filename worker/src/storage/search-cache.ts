// The search read path (docs/storage.md, "Search index"): the built index, loaded once per
// isolate from its KV shards; the overlay of names changed since the build (by the catalogue's
// change sequence, not by timestamps), re-read from D1 when the catalogue generation changes
// (within MEMORY_CACHE_TTL_MS of a write); and rendered answers per query, dropped with the
// generation. An index plus its overlay is exact whatever the index's age, so when KV cannot be
// read the isolate keeps the index it has, or, having none, serves an empty one with every name
// from the overlay (read from D1), and looks at the pointer again one interval later.
//
// The index and the overlay hold public servers only. A group's view searches the same index
// and overlay plus the group's own documents (read from D1 once per snapshot and group
// configuration), with a filter that hides every public name the group does not include (its
// include patterns compiled once per group configuration, their index mask once per build); its
// snapshot key, and so every answer cached under it, carries the view.
import { viewKey, type GroupConfig, type View } from "../domain/groups.ts";
import {
  buildIndex,
  IncludeSet,
  loadIndex,
  preparedOverlay,
  preparedOverlayBytes,
  searchDocument,
  searchDocumentBytes,
  type LoadedIndex,
  type Overlay,
  type SearchDocument,
} from "../search/index.ts";
import { groupSearchSources, searchChangesSince } from "./d1-catalog.ts";
import { LruCache } from "./lru.ts";
import { currentGeneration, freshGeneration, noteKvFailure, type CacheEnv, type TaggedBody } from "./read-cache.ts";
import { hasChangeSeq, readSearchPointer, readSearchShards, type SearchIndexPointer } from "./search-store.ts";

/** How often an isolate looks for a newer index build. */
const POINTER_TTL_MS = 10_000;

export interface SearchSnapshot {
  index: LoadedIndex;
  overlay: Overlay;
  /** Changes whenever the answers may change: the generation and the index build. */
  key: string;
}

let loaded: { pointer: SearchIndexPointer | null; index: LoadedIndex } | undefined;
let pointerCheckedAt = 0;
let overlay: { key: string; overlay: Overlay } | undefined;
/** Rendered answers with their entity tags (hashed once per answer, on first use). */
const answers = new LruCache<TaggedBody>(2048, 16 * 1024 * 1024);
/**
 * Group views' overlays, by group snapshot key; all of one public snapshot (`base`). Weighed
 * with their prepared form (which lives as long as the overlay object).
 */
const GROUP_OVERLAYS_WEIGHT = 16 * 1024 * 1024;
const groupOverlays = new LruCache<Overlay>(256, GROUP_OVERLAYS_WEIGHT);
/** The last group overlay too heavy for the LRU: kept alone, so it is not rebuilt per request. */
let heavyGroupOverlay: { key: string; overlay: Overlay } | undefined;
let groupOverlaysBase = "";
/**
 * Compiled include patterns by group configuration (`viewKey`). Each holds the mask of the
 * current index (which index documents it shows): it depends on the build and the patterns,
 * never on the catalogue generation, so a write does not recompute it.
 */
const includeSets = new LruCache<IncludeSet>(1024, 8 * 1024 * 1024);

/** No usable build: an empty index, with everything in the overlay. */
function emptyIndex(): { pointer: null; index: LoadedIndex } {
  return { pointer: null, index: loadIndex(buildIndex([])) };
}

async function refreshIndex(env: CacheEnv): Promise<void> {
  const now = Date.now();
  if (loaded && now - pointerCheckedAt < POINTER_TTL_MS) return;
  pointerCheckedAt = now;
  let stored: SearchIndexPointer | null;
  try {
    stored = await readSearchPointer(env.CACHE);
  } catch (err) {
    noteKvFailure("read of the search index pointer", err);
    loaded ??= emptyIndex();
    return;
  }
  // A pointer without a change sequence (written before it existed) is not used at all.
  const pointer = hasChangeSeq(stored) ? stored : null;
  if (loaded && pointer?.buildId === loaded.pointer?.buildId) return;
  let text: string | null = null;
  try {
    text = pointer ? await readSearchShards(env.CACHE, pointer) : null;
  } catch (err) {
    noteKvFailure("read of the search index shards", err);
    loaded ??= emptyIndex();
    return;
  }
  loaded = undefined;
  if (text !== null && pointer !== null) {
    try {
      loaded = { pointer, index: loadIndex(JSON.parse(text)) };
    } catch (err) {
      // An index of another format (written before a deploy) waits for the next cron build.
      console.error("search index not loadable; serving from the overlay until the next build", err);
    }
  }
  loaded ??= emptyIndex();
}

async function refreshOverlay(env: CacheEnv, key: string): Promise<Overlay> {
  if (overlay?.key === key) return overlay.overlay;
  // Without a usable build, every name comes from the overlay.
  const changes = await searchChangesSince(env.DB, loaded?.pointer?.changeSeq ?? -1);
  const upserts: SearchDocument[] = [];
  const removed = new Set<string>();
  for (const { name, source } of changes) {
    if (source) upserts.push(searchDocument(JSON.parse(source.serverJson) as Record<string, unknown>, source.status));
    else removed.add(name);
  }
  overlay = { key, overlay: { upserts, removed } };
  return overlay.overlay;
}

/** A group's snapshot key: the public one and the view (its name and configuration version). */
function groupKey(key: string, view: View): string {
  return `${key}|${viewKey(view)}`;
}

/** A group configuration's compiled include patterns, with their mask of `index` computed. */
function includeSetOf(group: GroupConfig, key: string, index: LoadedIndex): IncludeSet {
  let include = includeSets.get(key);
  if (include === undefined) {
    include = new IncludeSet(group.include);
    include.maskOf(index);
    includeSets.set(key, include, include.bytes);
  }
  return include;
}

function cachedGroupOverlay(key: string): Overlay | undefined {
  return groupOverlays.get(key) ?? (heavyGroupOverlay?.key === key ? heavyGroupOverlay.overlay : undefined);
}

/**
 * A group's overlay over the public snapshot `base` (key `baseKey`): the public overlay, the
 * group's own documents, and a filter that shows only those and the public names it includes.
 * Prepared here, so the cache weighs what it really holds.
 */
async function groupOverlay(
  env: CacheEnv,
  index: LoadedIndex,
  base: Overlay,
  baseKey: string,
  view: Extract<View, { kind: "group" }>,
  key: string,
): Promise<Overlay> {
  if (groupOverlaysBase !== baseKey) {
    groupOverlays.clear();
    heavyGroupOverlay = undefined;
    groupOverlaysBase = baseKey;
  }
  const hit = cachedGroupOverlay(key);
  if (hit !== undefined) return hit;
  const include = includeSetOf(view.group, viewKey(view), index);
  const own = new Set<string>();
  const docs: SearchDocument[] = [];
  let weight = 0;
  for (const source of await groupSearchSources(env.DB, view.group.name)) {
    const doc = searchDocument(JSON.parse(source.serverJson) as Record<string, unknown>, source.status);
    own.add(source.name);
    docs.push(doc);
    weight += searchDocumentBytes(doc);
  }
  const result: Overlay = {
    upserts: docs.length === 0 ? base.upserts : [...base.upserts, ...docs],
    removed: base.removed,
    view: { include, own },
  };
  weight += preparedOverlayBytes(preparedOverlay(index, result));
  if (weight > GROUP_OVERLAYS_WEIGHT) heavyGroupOverlay = { key, overlay: result };
  else groupOverlays.set(key, result, weight);
  return result;
}

/**
 * The index and overlay to answer a search with in `view`. Refreshes are not shared between
 * concurrent requests (workerd forbids awaiting another request's I/O); a rare duplicate refresh
 * is cheap.
 */
export async function searchSnapshot(env: CacheEnv, view: View): Promise<SearchSnapshot> {
  const generation = await currentGeneration(env);
  await refreshIndex(env);
  const key = `${generation}:${loaded?.pointer?.buildId ?? "none"}`;
  const current = await refreshOverlay(env, key);
  const index = loaded!.index;
  if (view.kind === "public") return { index, overlay: current, key };
  const viewSnapshotKey = groupKey(key, view);
  return { index, overlay: await groupOverlay(env, index, current, key, view, viewSnapshotKey), key: viewSnapshotKey };
}

/**
 * The snapshot key of `view` when nothing needs refreshing, without any I/O: lets a repeated
 * query be answered from the answer cache before its parameters are even parsed.
 */
export function freshSnapshotKey(env: CacheEnv, view: View): string | undefined {
  const generation = freshGeneration(env);
  if (generation === undefined || !loaded || Date.now() - pointerCheckedAt >= POINTER_TTL_MS) return undefined;
  const key = `${generation}:${loaded.pointer?.buildId ?? "none"}`;
  if (overlay?.key !== key) return undefined;
  if (view.kind === "public") return key;
  const viewSnapshotKey = groupKey(key, view);
  return groupOverlaysBase === key && cachedGroupOverlay(viewSnapshotKey) !== undefined ? viewSnapshotKey : undefined;
}

export function cachedAnswer(key: string): TaggedBody | undefined {
  return answers.get(key);
}

export function rememberAnswer(key: string, answer: TaggedBody): void {
  answers.set(key, answer, answer.body.byteLength);
}
