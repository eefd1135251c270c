// The read path's caches: per-isolate memory over KV over D1 (docs/storage.md, "Read path").
//
// - List pages are cached under the catalogue generation: a write replaces the generation
//   token, so every page rendered before it stops being addressed. Isolates re-read the token
//   from KV at most once per MEMORY_CACHE_TTL_MS.
// - Per-name documents (all versions of one server) back the versions and detail endpoints.
//   Writers overwrite the KV document in the same step as the D1 write; isolates re-read it at
//   most once per MEMORY_CACHE_TTL_MS, and the writing isolate updates its memory at once.
import type { ListQuery } from "../domain/list-query.ts";
import { listQueryKey } from "../domain/list-query.ts";
import {
  byPublishedDesc,
  renderServerList,
  renderServerResponse,
  type VersionRecord,
} from "../domain/server-response.ts";
import { getServerVersions, listVersions } from "./d1-catalog.ts";
import { GENERATION_KEY, LIST_PAGE_TTL_SECONDS, listPageKey, SERVER_DOC_TTL_SECONDS, serverKey } from "./kv-keys.ts";
import { LruCache } from "./lru.ts";

export interface CacheEnv {
  DB: D1Database;
  CACHE: KVNamespace;
  MEMORY_CACHE_TTL_MS?: string;
}

interface Waiter {
  waitUntil(promise: Promise<unknown>): void;
}

/** Everything the versions and detail endpoints answer for one name, pre-rendered. */
export interface ServerEntry {
  /** GET …/versions body (UTF-8) without deleted versions; null when none is visible (404). */
  versionsBody: Uint8Array | null;
  /** GET …/versions?include_deleted=true body; null when the name has no versions. */
  versionsBodyWithDeleted: Uint8Array | null;
  /** Detail bodies (UTF-8) by version. */
  details: Map<string, { body: Uint8Array; deleted: boolean }>;
  /** The version flagged isLatest, if any. */
  latestVersion: string | undefined;
  /** Bytes held, for the memory budget. */
  size: number;
}

/** The KV document of one name. */
interface ServerDocument {
  versions: VersionRecord[];
}

const DEFAULT_TTL_MS = 500;
/**
 * A per-name entry lives while the generation token stays the same (any write replaces it, and
 * a new token clears this isolate's memory), but no longer than this: the bound for a KV
 * document that was re-read before the writer's deletion reached this location.
 */
const SERVER_MEMORY_MAX_AGE_MS = 30_000;
const utf8 = new TextEncoder();
/** KV deletes a flush runs at once. */
const FLUSH_PARALLELISM = 64;
// Budgets in bytes; an isolate has 128 MB in all. Bodies are kept UTF-8 encoded, so answering
// from memory does not even encode.
const listPages = new LruCache<Uint8Array>(4096, 24 * 1024 * 1024);
const servers = new LruCache<{ entry: ServerEntry; loadedAt: number }>(16_384, 24 * 1024 * 1024);
let generation: { token: string; checkedAt: number; local?: { staleToken: string; until: number } } | undefined;
/** How long an isolate that routed a write waits for the clock's flush at most. */
const LOCAL_HOLD_MS = 5000;
/** Names written through this isolate whose KV documents may still be old: name → until. */
const writtenHere = new Map<string, number>();

function ttlMs(env: CacheEnv): number {
  const parsed = Number(env.MEMORY_CACHE_TTL_MS);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : DEFAULT_TTL_MS;
}

function buildServerEntry(versions: readonly VersionRecord[]): ServerEntry {
  const ordered = [...versions].sort(byPublishedDesc);
  const details = new Map<string, { body: Uint8Array; deleted: boolean }>();
  const all: string[] = [];
  const visible: string[] = [];
  let latestVersion: string | undefined;
  let size = 0;
  for (const record of ordered) {
    const text = renderServerResponse(record);
    const deleted = record.status === "deleted";
    const body = utf8.encode(text);
    size += body.byteLength;
    details.set(record.version, { body, deleted });
    all.push(text);
    if (!deleted) visible.push(text);
    if (record.isLatest) latestVersion = record.version;
  }
  const versionsBody = visible.length > 0 ? utf8.encode(renderServerList(visible)) : null;
  const versionsBodyWithDeleted = all.length > 0 ? utf8.encode(renderServerList(all)) : null;
  size += (versionsBody?.byteLength ?? 0) + (versionsBodyWithDeleted?.byteLength ?? 0);
  return { versionsBody, versionsBodyWithDeleted, details, latestVersion, size };
}

/** The generation token when it needs no KV read now (the fast path of cache hits). */
export function freshGeneration(env: CacheEnv): string | undefined {
  return generation && Date.now() - generation.checkedAt < ttlMs(env) ? generation.token : undefined;
}

/** The catalogue generation token, re-read from KV at most once per MEMORY_CACHE_TTL_MS. */
export async function currentGeneration(env: CacheEnv): Promise<string> {
  const now = Date.now();
  if (generation && now - generation.checkedAt < ttlMs(env)) return generation.token;
  // Misses are not shared between concurrent requests: workerd forbids awaiting another
  // request's I/O, so each request that finds the memory stale reads for itself.
  const token = (await env.CACHE.get(GENERATION_KEY)) ?? "0";
  const local = generation?.local;
  if (local && token === local.staleToken && now < local.until) {
    // The writes routed here are not flushed yet: keep answering from D1.
    generation = { ...generation!, checkedAt: now };
    return generation.token;
  }
  if (generation?.token !== token) {
    // A flush happened (or another isolate wrote): everything rendered from older state goes.
    listPages.clear();
    servers.clear();
    writtenHere.clear();
  }
  generation = { token, checkedAt: now };
  return token;
}

/** The body of GET /servers for a parsed query. */
export async function readListPage(env: CacheEnv, waiter: Waiter, query: ListQuery): Promise<Uint8Array> {
  const gen = await currentGeneration(env);
  const key = listPageKey(gen, listQueryKey(query));
  const hit = listPages.get(key);
  if (hit !== undefined) return hit;
  let body = isLocal(gen) ? null : await env.CACHE.get(key);
  if (body === null) {
    const rows = await listVersions(env.DB, query);
    const last = rows.at(-1);
    const nextCursor = rows.length === query.limit && last ? `${last.name}:${last.version}` : undefined;
    body = renderServerList(rows.map(renderServerResponse), nextCursor);
    if (!isLocal(gen)) waiter.waitUntil(env.CACHE.put(key, body, { expirationTtl: LIST_PAGE_TTL_SECONDS }));
  }
  const bytes = utf8.encode(body);
  listPages.set(key, bytes, bytes.byteLength);
  return bytes;
}

/** Everything about one name for the versions and detail endpoints. */
export async function readServer(env: CacheEnv, waiter: Waiter, name: string): Promise<ServerEntry> {
  await currentGeneration(env);
  const cached = servers.get(name);
  if (cached && Date.now() - cached.loadedAt < SERVER_MEMORY_MAX_AGE_MS) return cached.entry;
  const unflushed = (writtenHere.get(name) ?? 0) > Date.now();
  const stored = unflushed ? null : await env.CACHE.get<ServerDocument>(serverKey(name), "json");
  let versions: VersionRecord[];
  if (stored) {
    versions = stored.versions;
  } else {
    versions = await getServerVersions(env.DB, name);
    // Unknown names are not written to KV, so random lookups cannot fill it. A fill can race
    // a write (read D1 before the commit, put after the writer's delete); the expiry bounds
    // how long such a stale document can live.
    if (versions.length > 0 && !unflushed) {
      const document = JSON.stringify({ versions } satisfies ServerDocument);
      waiter.waitUntil(env.CACHE.put(serverKey(name), document, { expirationTtl: SERVER_DOC_TTL_SECONDS }));
    }
  }
  const entry = buildServerEntry(versions);
  servers.set(name, { entry, loadedAt: Date.now() }, entry.size);
  return entry;
}

/**
 * Publishes committed writes to the caches: deletes the KV documents of the changed names and
 * replaces the generation token (in parallel), and forgets this isolate's copies. Called by the
 * catalog clock (at most once a second, which KV's per-key write limit requires), and by bulk
 * operations (import, cache repair) once per run.
 */
export async function flushChanges(env: CacheEnv, names: Iterable<string>): Promise<void> {
  const changed = [...names];
  // Bounded parallelism: a bulk import may flush tens of thousands of names at once.
  for (let i = 0; i < changed.length; i += FLUSH_PARALLELISM) {
    await Promise.all(changed.slice(i, i + FLUSH_PARALLELISM).map((name) => env.CACHE.delete(serverKey(name))));
  }
  await bumpGeneration(env);
  for (const name of changed) servers.delete(name);
}

/**
 * Read-your-writes in the isolate that routed a write, before the catalog clock has flushed it
 * to KV (up to a second later): this isolate switches to a private generation token, so it
 * renders lists and searches from D1 instead of the KV pages of the old generation, and reads
 * the written name from D1, not from its old KV document. Both end when KV shows a new token
 * (or after LOCAL_HOLD_MS, should the flush be lost; the cron repairs KV then).
 */
export function forgetWrite(name: string): void {
  const now = Date.now();
  const staleToken = generation?.local?.staleToken ?? generation?.token ?? "0";
  servers.delete(name);
  listPages.clear();
  writtenHere.set(name, now + LOCAL_HOLD_MS);
  generation = {
    token: `local-${crypto.randomUUID()}`,
    checkedAt: now,
    local: { staleToken, until: now + LOCAL_HOLD_MS },
  };
}

/** Whether the current generation is this isolate's private one (nothing of it is in KV). */
function isLocal(token: string): boolean {
  return token.startsWith("local-");
}

/** Replaces the generation token: every isolate drops its rendered pages within the TTL. */
export async function bumpGeneration(env: CacheEnv): Promise<string> {
  const token = crypto.randomUUID();
  await env.CACHE.put(GENERATION_KEY, token);
  listPages.clear();
  generation = { token, checkedAt: Date.now() };
  writtenHere.clear();
  return token;
}
