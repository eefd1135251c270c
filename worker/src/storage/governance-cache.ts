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

/**
 * The stored token for a secret's hash, or null; its use is recorded in D1 at most once a
 * minute, after the answer (`waitUntil`).
 */
export async function readApiToken(
  db: D1Database,
  hash: string,
  waiter?: { waitUntil(promise: Promise<unknown>): void },
): Promise<StoredApiToken | null> {
  const now = Date.now();
  const hit = tokens.get(hash);
  let value: StoredApiToken | null;
  if (fresh(hit, now)) value = hit.value;
  else {
    value = await tokenByHash(db, hash);
    tokens.set(hash, { value, readAt: now }, 1024);
  }
  if (value !== null && waiter !== undefined && now - (touched.get(value.id) ?? 0) >= TOUCH_INTERVAL_MS) {
    touched.set(value.id, now);
    if (touched.size > 4096) touched.delete(touched.keys().next().value!);
    waiter.waitUntil(
      touchToken(db, value.id, now * 1000).catch((err) => console.error("recording a token's use failed", err)),
    );
  }
  return value;
}

/** Forgets everything read about governance: called in the isolate that routed a change. */
export function forgetGovernance(): void {
  groups.clear();
  roles.clear();
  tokens.clear();
}
