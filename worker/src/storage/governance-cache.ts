// Per-isolate memory of governance state (docs/storage.md "Governance caches"): group
// configurations, member roles and API tokens, each trusted for GOVERNANCE_TTL_MS and then
// re-read from D1. Rights are evaluated on every request from this memory, so a revoked token,
// a removed member or a changed group stops working within that bound in every isolate, and at
// once in the isolate that made the change (forgetGovernance).
import type { GroupConfig, Role } from "../domain/groups.ts";
import { getGroup, memberRoles, tokenByHash, touchToken, type StoredApiToken } from "./d1-governance.ts";
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

function fresh<T>(entry: Timed<T> | undefined, now: number): entry is Timed<T> {
  return entry !== undefined && now - entry.readAt < GOVERNANCE_TTL_MS;
}

/** A group's configuration, or null when there is no such group. */
export async function readGroup(db: D1Database, name: string): Promise<GroupConfig | null> {
  const now = Date.now();
  const hit = groups.get(name);
  if (fresh(hit, now)) return hit.value;
  const value = await getGroup(db, name);
  groups.set(name, { value, readAt: now }, 512 + (value ? JSON.stringify(value).length : 0));
  return value;
}

/** The roles `identities` hold in a group (any order; the caller keeps the strongest). */
export async function readMemberRoles(db: D1Database, group: string, identities: readonly string[]): Promise<Role[]> {
  if (identities.length === 0) return [];
  const key = `${group}\u0000${identities.join("\u0000")}`;
  const now = Date.now();
  const hit = roles.get(key);
  if (fresh(hit, now)) return hit.value;
  const value = await memberRoles(db, group, identities);
  roles.set(key, { value, readAt: now }, key.length * 2 + 64);
  return value;
}

/** The stored token for a secret's hash, revoked and expired ones included, or null. */
export async function readApiToken(db: D1Database, hash: string): Promise<StoredApiToken | null> {
  const now = Date.now();
  const hit = tokens.get(hash);
  if (fresh(hit, now)) return hit.value;
  const value = await tokenByHash(db, hash);
  tokens.set(hash, { value, readAt: now }, 1024);
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
  groups.clear();
  roles.clear();
  tokens.clear();
}
