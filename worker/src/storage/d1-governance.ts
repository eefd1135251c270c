// Every SQL statement about groups, members, API tokens and pending publishes
// (d1-schema/0008_groups.sql, documented in docs/storage.md). Nothing else talks to D1 about them.
import type { AdmissionPolicy, GroupConfig, Role, Visibility } from "../domain/groups.ts";

interface GroupRow {
  name: string;
  title: string | null;
  visibility: Visibility;
  include_patterns: string;
  require_approval: number;
  policy: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  namespaces: string | null;
}

const GROUP_SELECT = `SELECT g.name, g.title, g.visibility, g.include_patterns, g.require_approval, g.policy,
  g.created_at, g.created_by, g.updated_at,
  (SELECT json_group_array(namespace) FROM (SELECT namespace FROM group_namespaces n
     WHERE n.group_name = g.name ORDER BY namespace)) AS namespaces
  FROM groups g`;

function toGroup(row: GroupRow): GroupConfig {
  return {
    name: row.name,
    title: row.title,
    visibility: row.visibility,
    namespaces: JSON.parse(row.namespaces ?? "[]") as string[],
    include: JSON.parse(row.include_patterns) as string[],
    requireApproval: row.require_approval === 1,
    policy: row.policy === null ? null : (JSON.parse(row.policy) as AdmissionPolicy),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

/** One group with its claimed namespaces, or null. */
export async function getGroup(db: D1Database, name: string): Promise<GroupConfig | null> {
  const row = await db.prepare(`${GROUP_SELECT} WHERE g.name = ?`).bind(name).first<GroupRow>();
  return row === null ? null : toGroup(row);
}

/** Every group, by name. */
export async function listGroups(db: D1Database): Promise<GroupConfig[]> {
  const { results } = await db.prepare(`${GROUP_SELECT} ORDER BY g.name`).all<GroupRow>();
  return results.map(toGroup);
}

/** The roles any of `identities` holds in a group (the caller keeps the strongest). */
export async function memberRoles(db: D1Database, group: string, identities: readonly string[]): Promise<Role[]> {
  if (identities.length === 0) return [];
  const { results } = await db
    .prepare("SELECT role FROM group_members WHERE group_name = ? AND member IN (SELECT value FROM json_each(?))")
    .bind(group, JSON.stringify(identities))
    .all<{ role: Role }>();
  return results.map((r) => r.role);
}

/** An API token as stored (never the secret). */
export interface StoredApiToken {
  id: string;
  kind: "personal" | "service";
  name: string;
  owner: string;
  identities: string[];
  group: string | null;
  access: { group: string; role: Role }[];
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenRow {
  id: string;
  kind: "personal" | "service";
  name: string;
  owner: string;
  identities: string;
  group_name: string | null;
  access: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const TOKEN_COLUMNS =
  "id, kind, name, owner, identities, group_name, access, created_at, expires_at, last_used_at, revoked_at";

export function toStoredToken(row: TokenRow): StoredApiToken {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    owner: row.owner,
    identities: JSON.parse(row.identities) as string[],
    group: row.group_name,
    access: JSON.parse(row.access) as { group: string; role: Role }[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The token whose secret hashes to `hash`, revoked or expired ones included (callers check). */
export async function tokenByHash(db: D1Database, hash: string): Promise<StoredApiToken | null> {
  const row = await db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE hash = ?`).bind(hash).first<TokenRow>();
  return row === null ? null : toStoredToken(row);
}

/** Records a use (at most once a minute per token and isolate: see governance-cache.ts). */
export async function touchToken(db: D1Database, id: string, at: number): Promise<void> {
  await db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(at, id).run();
}
