// The read path's caches: per-isolate memory over KV over D1 (docs/storage.md, "Read path").
//
// - List pages are cached under the catalogue generation: a flush replaces the generation
//   token, so every page rendered before it stops being addressed. Isolates re-read the token
//   from KV at most once per MEMORY_CACHE_TTL_MS.
// - Per-name documents (all versions of one server) back the versions and detail endpoints.
//   Writers never touch KV: the catalog clock deletes a written name's document (and replaces
//   the token) when it flushes, within a second of the commit; isolates drop their copies when
//   they see the new token, and the isolate that routed the write reads the name from D1 at once.
// - Every rendered body is kept with its entity tag (TaggedBody: hashed on first use, then kept
//   beside the bytes), so a conditional read answered from memory costs no hashing.
// - KV is a cache: when it cannot be read, reads are answered from D1 (and an isolate trusts
//   what it rendered for MEMORY_CACHE_TTL_MS at most); when it cannot be written, the fills are
//   dropped and logged. Neither fails a request.
import { createHash } from "node:crypto";
import { viewKey, type View } from "../domain/groups.ts";
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

/**
 * A rendered answer (UTF-8) and its entity tag. The tag is hashed on first use (entityTagOf) and
 * kept beside the bytes, so every later answer from the same cached body costs no hashing.
 */
export interface TaggedBody {
  readonly body: Uint8Array;
  /** Set by entityTagOf. */
  etag?: string;
}

/** One version's detail body. */
export interface DetailBody extends TaggedBody {
  readonly deleted: boolean;
}

/**
 * The strong entity tag of an answer: the first 132 bits of the SHA-256 of its bytes, base64url,
 * quoted. It depends on the bytes alone, so it changes exactly when the body does, and every
 * isolate computes the same one.
 */
export function entityTagOf(answer: TaggedBody): string {
  answer.etag ??= `"${createHash("sha256").update(answer.body).digest("base64url").slice(0, 22)}"`;
  return answer.etag;
}

/** Everything the versions and detail endpoints answer for one name, pre-rendered. */
export interface ServerEntry {
  /** GET …/versions body (UTF-8) without deleted versions; null when none is visible (404). */
  versionsBody: TaggedBody | null;
  /** GET …/versions?include_deleted=true body; null when the name has no versions. */
  versionsBodyWithDeleted: TaggedBody | null;
  /** Detail bodies (UTF-8) by version. */
  details: Map<string, DetailBody>;
  /** The version flagged isLatest, if any. */
  latestVersion: string | undefined;
  /**
   * The group the name's rows belong to (null: public). The entry is the same in every view;
   * each route checks `visibleIn(view, name, group)` before answering from it.
   */
  group: string | null;
  /** Bytes held, for the memory budget. */
  size: number;
}

/** The KV document of one name. */
interface ServerDocument {
  versions: VersionRecord[];
}

const DEFAULT_TTL_MS = 500;
/**
 * A per-name entry lives while the generation token stays the same (the clock's flush after any
 * write replaces it, and a new token clears this isolate's memory), but no longer than this: the
 * bound for a KV document that was re-read before the clock's deletion reached this location.
 */
export const SERVER_MEMORY_MAX_AGE_MS = 30_000;
const utf8 = new TextEncoder();
/** KV deletes a flush runs at once. */
const FLUSH_PARALLELISM = 64;
// Budgets in bytes; an isolate has 128 MB in all. Bodies are kept UTF-8 encoded, so answering
// from memory does not even encode.
const listPages = new LruCache<TaggedBody>(4096, 24 * 1024 * 1024);
const servers = new LruCache<{ entry: ServerEntry; loadedAt: number }>(16_384, 24 * 1024 * 1024);

interface Generation {
  /** The token from KV, or a private one (`local-…`: nothing of it is in KV). */
  token: string;
  checkedAt: number;
  /** Set after routing a write (forgetWrite): the KV token it replaced, and until when to hold. */
  local?: { staleToken: string; until: number };
  /** Set when KV could not be read at the last check: until the next one, every read is from D1. */
  kvDown?: true;
}

let generation: Generation | undefined;
/** How long an isolate that routed a write waits for the clock's flush at most. */
const LOCAL_HOLD_MS = 5000;
/** Names written through this isolate whose KV documents may still be old: name → until. */
const writtenHere = new Map<string, number>();
/** KV failures are logged at most this often per isolate: an outage fails every request. */
const KV_WARNING_INTERVAL_MS = 10_000;
let lastKvWarning = Number.NEGATIVE_INFINITY;

/** Logs that KV failed and the read path went on without it (at most once per interval). */
export function noteKvFailure(what: string, err: unknown): void {
  const now = Date.now();
  if (now - lastKvWarning < KV_WARNING_INTERVAL_MS) return;
  lastKvWarning = now;
  console.error(`KV ${what} failed; answering from D1`, err instanceof Error ? err.message : err);
}

/** A KV read: its value, null for a miss, or undefined when KV failed (logged). */
async function readKv<T>(what: string, read: () => Promise<T | null>): Promise<T | null | undefined> {
  try {
    return await read();
  } catch (err) {
    noteKvFailure(what, err);
    return undefined;
  }
}

/** A KV fill the answer does not wait for: a failure is logged, never left as a rejection. */
function fillLater(waiter: Waiter, what: string, write: () => Promise<unknown>): void {
  waiter.waitUntil(
    (async () => {
      try {
        await write();
      } catch (err) {
        noteKvFailure(what, err);
      }
    })(),
  );
}

/** How long an isolate trusts its memory before asking KV for the generation token again. */
export function memoryTtlMs(env: Pick<CacheEnv, "MEMORY_CACHE_TTL_MS">): number {
  const parsed = Number(env.MEMORY_CACHE_TTL_MS);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : DEFAULT_TTL_MS;
}

function buildServerEntry(versions: readonly VersionRecord[]): ServerEntry {
  const ordered = [...versions].sort(byPublishedDesc);
  const details = new Map<string, DetailBody>();
  const all: string[] = [];
  const visible: string[] = [];
  let latestVersion: string | undefined;
  // Every version of a name belongs to its namespace's claim; a KV document from before groups
  // has no group (everything was public then).
  const group = versions[0]?.group ?? null;
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
  const versionsBody = visible.length > 0 ? { body: utf8.encode(renderServerList(visible)) } : null;
  const versionsBodyWithDeleted = all.length > 0 ? { body: utf8.encode(renderServerList(all)) } : null;
  size += (versionsBody?.body.byteLength ?? 0) + (versionsBodyWithDeleted?.body.byteLength ?? 0);
  return { versionsBody, versionsBodyWithDeleted, details, latestVersion, group, size };
}

/** The generation token when it needs no KV read now (the fast path of cache hits). */
export function freshGeneration(env: CacheEnv): string | undefined {
  return generation && Date.now() - generation.checkedAt < memoryTtlMs(env) ? generation.token : undefined;
}

/**
 * The catalogue generation token, re-read from KV at most once per MEMORY_CACHE_TTL_MS. When KV
 * cannot be read, nothing can tell this isolate about changes: it drops what it rendered and
 * answers from D1 under a new private token, until the next check (one TTL later) asks KV again.
 */
export async function currentGeneration(env: CacheEnv): Promise<string> {
  const now = Date.now();
  if (generation && now - generation.checkedAt < memoryTtlMs(env)) return generation.token;
  // Misses are not shared between concurrent requests: workerd forbids awaiting another
  // request's I/O, so each request that finds the memory stale reads for itself.
  const stored = await readKv("read of the generation token", () => env.CACHE.get(GENERATION_KEY));
  const local = generation?.local;
  if (stored === undefined) {
    listPages.clear();
    servers.clear();
    generation = { token: privateToken(), checkedAt: now, kvDown: true, ...(local ? { local } : {}) };
    return generation.token;
  }
  const token = stored ?? "0";
  if (local && token === local.staleToken && now < local.until) {
    // The writes routed here are not flushed yet: keep answering from D1.
    generation = { token: generation!.token, checkedAt: now, local };
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

/**
 * The body of GET /servers for a parsed query in a view. A group's pages are keyed by the view
 * too (its name and configuration version), so they never answer another view; the public
 * view's keys are the ones it always had.
 */
export async function readListPage(env: CacheEnv, waiter: Waiter, query: ListQuery, view: View): Promise<TaggedBody> {
  const gen = await currentGeneration(env);
  const key = listPageKey(gen, view.kind === "public" ? listQueryKey(query) : viewKey(view) + listQueryKey(query));
  const hit = listPages.get(key);
  if (hit !== undefined) return hit;
  // A private generation has no pages in KV, and gets none.
  let body = isPrivate(gen) ? undefined : await readKv("read of a list page", () => env.CACHE.get(key));
  if (body === null || body === undefined) {
    const rows = await listVersions(env.DB, query, view);
    const last = rows.at(-1);
    const nextCursor = rows.length === query.limit && last ? `${last.name}:${last.version}` : undefined;
    const rendered = renderServerList(rows.map(renderServerResponse), nextCursor);
    // Filled only after a miss: not after a failed read (KV is down), nor for a private generation.
    if (body === null) {
      fillLater(waiter, "write of a list page", () =>
        env.CACHE.put(key, rendered, { expirationTtl: LIST_PAGE_TTL_SECONDS }),
      );
    }
    body = rendered;
  }
  const page: TaggedBody = { body: utf8.encode(body) };
  listPages.set(key, page, page.body.byteLength);
  return page;
}

/** Everything about one name for the versions and detail endpoints. */
export async function readServer(env: CacheEnv, waiter: Waiter, name: string): Promise<ServerEntry> {
  await currentGeneration(env);
  const cached = servers.get(name);
  if (cached && Date.now() - cached.loadedAt < SERVER_MEMORY_MAX_AGE_MS) return cached.entry;
  // A name written here may have an old KV document until the clock's flush; while KV cannot be
  // read, it is not asked until the next generation check.
  const unflushed = (writtenHere.get(name) ?? 0) > Date.now();
  const stored =
    unflushed || generation?.kvDown
      ? undefined
      : await readKv("read of a server document", () => env.CACHE.get<ServerDocument>(serverKey(name), "json"));
  let versions: VersionRecord[];
  if (stored) {
    versions = stored.versions;
  } else {
    versions = await getServerVersions(env.DB, name);
    // Filled only after a miss. Unknown names are not written to KV, so random lookups cannot
    // fill it. A fill can race a write (read D1 before the commit, put after the clock's
    // delete); the expiry bounds how long such a stale document can live.
    if (versions.length > 0 && stored === null) {
      const document = JSON.stringify({ versions } satisfies ServerDocument);
      fillLater(waiter, "write of a server document", () =>
        env.CACHE.put(serverKey(name), document, { expirationTtl: SERVER_DOC_TTL_SECONDS }),
      );
    }
  }
  const entry = buildServerEntry(versions);
  servers.set(name, { entry, loadedAt: Date.now() }, entry.size);
  return entry;
}

/**
 * Publishes committed writes to the caches: deletes the KV documents of the changed names (64 at
 * a time), then replaces the generation token, and forgets this isolate's copies. Called by the
 * catalog clock (at most once a second, which KV's per-key write limit requires), and by bulk
 * operations (import, cache repair) once per run. Throws when KV does: the caller decides (the
 * clock retries; an import logs it and leaves it to the cache-repair cron). Running it again is
 * harmless.
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
  generation = { token: privateToken(), checkedAt: now, local: { staleToken, until: now + LOCAL_HOLD_MS } };
}

/** A generation token of this isolate alone: nothing rendered under it is in KV or goes there. */
function privateToken(): string {
  return `local-${crypto.randomUUID()}`;
}

/** Whether a generation token is a private one (see privateToken). */
function isPrivate(token: string): boolean {
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
