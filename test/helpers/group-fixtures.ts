// Test helpers for group views: groups, claims, members and private servers seeded straight
// through D1 (what the governance and publish routes would have written), then the caches told.
import { env } from "cloudflare:workers";
import { flushChanges } from "../../worker/src/storage/read-cache.ts";
import { forgetGovernance } from "../../worker/src/storage/governance-cache.ts";
import { loadFixtures, type FixtureVersion } from "./registry.ts";
import { tokenFor } from "./publishing.ts";

export interface GroupFixture {
  name: string;
  visibility: "private" | "public";
  namespaces?: string[];
  include?: string[];
}

/** Inserts a group and its claims (claims first need their namespaces free of public servers). */
export async function seedGroup(group: GroupFixture): Promise<void> {
  const now = Date.now() * 1000;
  await env.DB.prepare(
    `INSERT INTO groups (name, title, visibility, include_patterns, require_approval, policy, created_at, created_by, updated_at)
     VALUES (?, NULL, ?, ?, 0, NULL, ?, 'test', ?)`,
  )
    .bind(group.name, group.visibility, JSON.stringify(group.include ?? []), now, now)
    .run();
  for (const namespace of group.namespaces ?? []) {
    await env.DB.prepare("INSERT INTO group_namespaces (namespace, group_name) VALUES (?, ?)")
      .bind(namespace.toLowerCase(), group.name)
      .run();
  }
  forgetGovernance();
}

/**
 * Loads versions as private servers of `group`: imported as public rows, moved into the group,
 * then their namespaces claimed (the triggers allow no other order outside a writer), and the
 * caches flushed like a write would.
 */
export async function seedPrivate(group: string, versions: readonly FixtureVersion[]): Promise<void> {
  await loadFixtures(versions);
  const names = [...new Set(versions.map((v) => v.name))];
  for (const name of names) {
    await env.DB.prepare("UPDATE server_versions SET group_name = ? WHERE name = ?").bind(group, name).run();
    await env.DB.prepare("UPDATE servers SET group_name = ? WHERE name = ?").bind(group, name).run();
  }
  for (const namespace of new Set(names.map((name) => name.slice(0, name.indexOf("/")).toLowerCase()))) {
    await env.DB.prepare("INSERT OR IGNORE INTO group_namespaces (namespace, group_name) VALUES (?, ?)")
      .bind(namespace, group)
      .run();
  }
  forgetGovernance();
  await flushChanges(env, names);
}

/** Replaces a group's include patterns and bumps its configuration version (new cache keys). */
export async function setIncludes(group: string, include: readonly string[]): Promise<void> {
  await env.DB.prepare("UPDATE groups SET include_patterns = ?, updated_at = updated_at + 1 WHERE name = ?")
    .bind(JSON.stringify(include), group)
    .run();
  forgetGovernance();
}

/** Makes `member` hold `role` in `group`. */
export async function addMember(group: string, member: string, role: "viewer" | "publisher" | "manager") {
  await env.DB.prepare(
    "INSERT INTO group_members (group_name, member, role, added_at, added_by) VALUES (?, ?, ?, ?, 'test')",
  )
    .bind(group, member, role, Date.now() * 1000)
    .run();
  forgetGovernance();
}

/** A registry token for github:<login> (no registry permissions). */
export const githubUser = (login: string) => tokenFor([], "github-at", login);

/** Authorization header for a bearer token. */
export const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
