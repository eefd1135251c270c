// Per-isolate memory of governance state (docs/storage.md "Governance caches"): every group's
// configuration, member roles and API tokens, each trusted for GOVERNANCE_TTL_MS
// and then re-read from D1. Rights are evaluated on every request from this memory, so a revoked
// token, a removed member or a changed group stops working within that bound in every isolate,
// and at once in the isolate that made the change (forgetGovernance).
import { MAX_GROUPS } from "../domain/governance-rules.ts";
import type { GroupConfig, Role } from "../domain/groups.ts";
import { everyGroup, getGroup, memberRoles, tokenByHash, touchToken, type StoredApiToken } from "./d1-governance.ts";
import { LruCache } from "./lru.ts";

/** How long an isolate trusts what it read about groups, members and tokens. */
export const GOVERNANCE_TTL_MS = 500;
/** A token's last-used time is written at most this often per isolate. */
const TOUCH_INTERVAL_MS = 60_000;

interface Timed<T> {
  value: T;
  readAt: number;
}

const groups = new LruCache<Timed<GroupConfig | null>>(1024, 4 * 1024 * 1024);
const roles = new LruCache<Timed<Role[]>>(8192, 2 * 1024 * 1024);
const tokens = new LruCache<Timed<StoredApiToken | null>>(4096, 4 * 1024 * 1024);
const touched = new Map<string, number>();
/**
 * Every group's configuration (at most MAX_GROUPS; undefined when D1 holds more), read in one
 * query: a name under /groups/{group}/ is then a memory lookup whether the group exists or not,
 * so neither the number of reads nor their timing tells a private group from an unknown name.
 */
let all: Timed<ReadonlyMap<string, GroupConfig> | undefined> | undefined;
/** Bumped by forgetGovernance, so a read that was under way then is not remembered. */
let generation = 0;

function fresh<T>(entry: Timed<T> | undefined, now: number): entry is Timed<T> {
  return entry !== undefined && now - entry.readAt < GOVERNANCE_TTL_MS;
}

/** Every group by name, or undefined when there are too many to keep. */
async function readEveryGroup(db: D1Database, now: number): Promise<ReadonlyMap<string, GroupConfig> | undefined> {
  if (fresh(all, now)) return all.value;
  const started = generation;
  const list = await everyGroup(db, MAX_GROUPS);
  const value = list === undefined ? undefined : new Map(list.map((group) => [group.name, group]));
  if (started === generation) all = { value, readAt: now };
  return value;
}

/** A group's configuration, or null when there is no such group. */
export async function readGroup(db: D1Database, name: string): Promise<GroupConfig | null> {
  const now = Date.now();
  const known = await readEveryGroup(db, now);
  if (known !== undefined) return known.get(name) ?? null;
  // More groups than MAX_GROUPS (only by hand): one read per name.
  const hit = groups.get(name);
  if (fresh(hit, now)) return hit.value;
  const started = generation;
  const value = await getGroup(db, name);
  if (started === generation) {
    groups.set(name, { value, readAt: now }, 512 + (value ? JSON.stringify(value).length : 0));
  }
  return value;
}

/** The roles `identities` hold in a group (any order; the caller keeps the strongest). */
export async function readMemberRoles(db: D1Database, group: string, identities: readonly string[]): Promise<Role[]> {
  if (identities.length === 0) return [];
  const key = `${group}\u0000${identities.join("\u0000")}`;
  const now = Date.now();
  const hit = roles.get(key);
  if (fresh(hit, now)) return hit.value;
  const started = generation;
  const value = await memberRoles(db, group, identities);
  if (started === generation) roles.set(key, { value, readAt: now }, key.length * 2 + 64);
  return value;
}

/**
 * The stored token a presented secret names, revoked and expired ones included, or null. Kept by
 * the secret itself (as verified registry tokens are), so a cached check does not even hash it;
 * `hash` (the stored form) is computed only to read D1.
 */
export async function readApiToken(
  db: D1Database,
  token: string,
  hash: (token: string) => string,
): Promise<StoredApiToken | null> {
  const now = Date.now();
  const hit = tokens.get(token);
  if (fresh(hit, now)) return hit.value;
  const started = generation;
  const value = await tokenByHash(db, hash(token));
  if (started === generation) tokens.set(token, { value, readAt: now }, 1024);
  return value;
}

/**
 * Records that a valid token was used, at most once a minute per token and isolate: one request
 * a minute waits for that D1 write (a failure is logged, never answered), every other one for
 * nothing.
 */
export async function noteTokenUse(db: D1Database, id: string): Promise<void> {
  const now = Date.now();
  if (now - (touched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
  touched.set(id, now);
  if (touched.size > 4096) touched.delete(touched.keys().next().value!);
  try {
    await touchToken(db, id, now * 1000);
  } catch (err) {
    console.error("recording a token's use failed", err);
  }
}

/** Forgets everything read about governance: called in the isolate that routed a change. */
export function forgetGovernance(): void {
  generation += 1;
  all = undefined;
  groups.clear();
  roles.clear();
  tokens.clear();
}
