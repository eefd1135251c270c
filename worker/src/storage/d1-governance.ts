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

// ---- Group administration: reads and statements for the group writers (writes/governance-writes.ts)

/** Groups with these names, by name (a caller's groups). */
export async function groupsByName(db: D1Database, names: readonly string[]): Promise<GroupConfig[]> {
  if (names.length === 0) return [];
  const { results } = await db
    .prepare(`${GROUP_SELECT} WHERE g.name IN (SELECT value FROM json_each(?)) ORDER BY g.name`)
    .bind(JSON.stringify(names))
    .all<GroupRow>();
  return results.map(toGroup);
}

/** Every group with its claims, or undefined when there are more than `limit`. */
export async function everyGroup(db: D1Database, limit: number): Promise<GroupConfig[] | undefined> {
  const { results } = await db
    .prepare(`${GROUP_SELECT} ORDER BY g.name LIMIT ?`)
    .bind(limit + 1)
    .all<GroupRow>();
  return results.length > limit ? undefined : results.map(toGroup);
}

export async function groupCount(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT count(*) AS n FROM groups").first<{ n: number }>();
  return row?.n ?? 0;
}

/** Which of these namespaces are claimed, and by which group. */
export async function claimsOf(
  db: D1Database,
  namespaces: readonly string[],
): Promise<{ namespace: string; group: string }[]> {
  if (namespaces.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT namespace, group_name AS "group" FROM group_namespaces
        WHERE namespace IN (SELECT value FROM json_each(?)) ORDER BY namespace`,
    )
    .bind(JSON.stringify(namespaces))
    .all<{ namespace: string; group: string }>();
  return results;
}

/** Which of these (lower-case) namespaces hold public servers: they cannot be claimed. */
export async function namespacesWithPublicServers(db: D1Database, namespaces: readonly string[]): Promise<string[]> {
  if (namespaces.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT value AS namespace FROM json_each(?) WHERE EXISTS (
         SELECT 1 FROM servers WHERE lower(namespace) = value AND group_name IS NULL)`,
    )
    .bind(JSON.stringify(namespaces))
    .all<{ namespace: string }>();
  return results.map((r) => r.namespace);
}

/** SQL: the namespace `ns` (an SQL expression) holds servers or pending versions of group ?2. */
function holdsInNamespace(ns: string): string {
  return `(EXISTS (SELECT 1 FROM servers WHERE lower(namespace) = ${ns} AND group_name = ?2)
    OR EXISTS (SELECT 1 FROM pending_versions WHERE group_name = ?2
               AND lower(substr(name, 1, instr(name, '/') - 1)) = ${ns}))`;
}

/** Which of these namespaces still hold servers or pending versions of the group. */
export async function namespacesHoldingGroupServers(
  db: D1Database,
  group: string,
  namespaces: readonly string[],
): Promise<string[]> {
  if (namespaces.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT value AS namespace FROM json_each(?1) WHERE ${holdsInNamespace("value")}`)
    .bind(JSON.stringify(namespaces), group)
    .all<{ namespace: string }>();
  return results.map((r) => r.namespace);
}

/** How many servers (deleted versions included) and pending versions a group holds. */
export async function groupHoldings(db: D1Database, group: string): Promise<{ servers: number; pending: number }> {
  const row = await db
    .prepare(
      `SELECT (SELECT count(*) FROM servers WHERE group_name = ?1) AS servers,
              (SELECT count(*) FROM pending_versions WHERE group_name = ?1) AS pending`,
    )
    .bind(group)
    .first<{ servers: number; pending: number }>();
  return { servers: row?.servers ?? 0, pending: row?.pending ?? 0 };
}

/** The names of a group's servers (what a purge removes from the catalogue). */
export async function groupServerNames(db: D1Database, group: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT name FROM servers WHERE group_name = ?1
        UNION SELECT name FROM server_versions WHERE group_name = ?1 ORDER BY name`,
    )
    .bind(group)
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

/**
 * A statement that aborts its batch when `condition` (SQL over ?1 = the group's name and `binds`
 * from ?2 on) holds, through the trigger of batch_assertions (d1-schema/0008_groups.sql). The
 * backstop for conditions the group's writer checked first but that writers of other streams
 * (publishes, other groups' claims) can change before the batch commits. The group row must
 * exist when it runs.
 */
export function abortWhenStatement(
  db: D1Database,
  group: string,
  condition: string,
  ...binds: unknown[]
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO batch_assertions (failure) SELECT ?1 FROM groups WHERE name = ?1 AND (${condition})`)
    .bind(group, ...binds);
}

/** Tables whose rows name a group and go with it (sync configuration written on "~sync"). */
export type GroupReference = { table: "sources"; column: "into_group" } | { table: "webhooks"; column: "group_name" };

/** The ids of the rows of `ref` naming a group, oldest first (both tables are bounded). */
export async function groupReferenceIds(db: D1Database, ref: GroupReference, group: string): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT id FROM ${ref.table} WHERE ${ref.column} = ? ORDER BY created_at, id`)
    .bind(group)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/**
 * Aborts its batch (batch_assertions) unless the rows of `ref` naming the group are exactly
 * `ids`: one created since they were read (on the "~sync" stream) would be deleted with the group
 * without being listed in its audit row.
 */
export function abortUnlessGroupReferencesStatement(
  db: D1Database,
  ref: GroupReference,
  group: string,
  ids: readonly string[],
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO batch_assertions (failure)
       SELECT 'group ${ref.table} changed'
        WHERE (SELECT count(*) FROM ${ref.table} WHERE ${ref.column} = ?1) <> json_array_length(?2)
           OR EXISTS (SELECT 1 FROM ${ref.table} WHERE ${ref.column} = ?1 AND id NOT IN (SELECT value FROM json_each(?2)))`,
    )
    .bind(group, JSON.stringify(ids));
}

/**
 * Aborts its batch unless the group exists when the batch commits: the backstop of writes on
 * other streams that refer to a group (a webhook subscription of it, a source mirroring into it),
 * whose check of the group a deletion on the group's own stream can overtake.
 */
export function abortUnlessGroupStatement(db: D1Database, group: string): D1PreparedStatement {
  return db
    .prepare("INSERT INTO batch_assertions (failure) SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM groups WHERE name = ?1)")
    .bind(group);
}

/** Aborts the batch when any of these namespaces (JSON array) holds servers or pending versions of the group. */
export function abortWhenNamespacesHoldStatement(
  db: D1Database,
  group: string,
  namespaces: readonly string[],
): D1PreparedStatement {
  return abortWhenStatement(
    db,
    group,
    `EXISTS (SELECT 1 FROM json_each(?3) WHERE ${holdsInNamespace("value")})`,
    group,
    JSON.stringify(namespaces),
  );
}

/**
 * Aborts the batch when the registry holds more than `max` groups (group creations run on their
 * own groups' streams, so only the batch sees the exact count).
 */
export function abortWhenGroupsExceedStatement(db: D1Database, group: string, max: number): D1PreparedStatement {
  return abortWhenStatement(db, group, "(SELECT count(*) FROM groups) > ?2", max);
}

/**
 * Aborts the batch unless the group still holds `names` server names and `pending` pending
 * versions, as its writer read them: a purge then deletes, audits and flushes exactly the names
 * it read. Only a publish (or an approval) of another stream changes them meanwhile, and names
 * are never removed but by a purge, so an equal count is the same set of names.
 */
export function abortUnlessGroupHoldsStatement(
  db: D1Database,
  group: string,
  names: number,
  pending: number,
): D1PreparedStatement {
  return abortWhenStatement(
    db,
    group,
    `(SELECT count(*) FROM (SELECT name FROM servers WHERE group_name = ?1
                             UNION SELECT name FROM server_versions WHERE group_name = ?1)) <> ?2
     OR (SELECT count(*) FROM pending_versions WHERE group_name = ?1) <> ?3`,
    names,
    pending,
  );
}

/** Aborts the batch when the group holds servers or pending versions (a publish may have landed). */
export function abortWhenGroupHoldsStatement(db: D1Database, group: string): D1PreparedStatement {
  return abortWhenStatement(
    db,
    group,
    "EXISTS (SELECT 1 FROM servers WHERE group_name = ?1) OR EXISTS (SELECT 1 FROM pending_versions WHERE group_name = ?1)",
  );
}

/**
 * Whether a batch failed on a governance race: a claim taken or a namespace published to by
 * another writer in the meantime (primary keys, the triggers of 0008_groups.sql, the aborts of
 * abortWhenStatement). The writer checks again and answers with the precise refusal.
 */
export function isGovernanceConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return /namespace already has public servers|namespace claim changed|UNIQUE constraint failed: (group_namespaces|groups|group_members|api_tokens)\.|batch assertion failed/.test(
    err.message,
  );
}

function groupColumns(group: GroupConfig): unknown[] {
  return [
    group.title,
    group.visibility,
    JSON.stringify(group.include),
    group.requireApproval ? 1 : 0,
    group.policy === null ? null : JSON.stringify(group.policy),
    group.updatedAt,
  ];
}

export function insertGroupStatement(db: D1Database, group: GroupConfig): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO groups (name, created_at, created_by, title, visibility, include_patterns, require_approval,
         policy, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(group.name, group.createdAt, group.createdBy, ...groupColumns(group));
}

export function updateGroupStatement(db: D1Database, group: GroupConfig): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE groups SET title = ?, visibility = ?, include_patterns = ?, require_approval = ?, policy = ?,
         updated_at = ? WHERE name = ?`,
    )
    .bind(...groupColumns(group), group.name);
}

/** Claims namespaces for a group (the trigger refuses namespaces with public servers). */
export function claimStatement(db: D1Database, group: string, namespaces: readonly string[]): D1PreparedStatement {
  return db
    .prepare("INSERT INTO group_namespaces (namespace, group_name) SELECT value, ? FROM json_each(?)")
    .bind(group, JSON.stringify(namespaces));
}

export function releaseStatement(db: D1Database, group: string, namespaces: readonly string[]): D1PreparedStatement {
  return db
    .prepare("DELETE FROM group_namespaces WHERE group_name = ? AND namespace IN (SELECT value FROM json_each(?))")
    .bind(group, JSON.stringify(namespaces));
}

/**
 * Everything of a group, in dependency order: its servers' remote URLs, review marks, reports,
 * versions and summaries, its pending versions, members and claims; its service tokens revoked
 * at `now`; then the group itself. Deletes by group, so a server published between the
 * writer's read and this batch goes too.
 */
export function deleteGroupStatements(db: D1Database, group: string, now: number): D1PreparedStatement[] {
  const names =
    "SELECT name FROM server_versions WHERE group_name = ?1 UNION SELECT name FROM servers WHERE group_name = ?1";
  return [
    db.prepare(`DELETE FROM server_remotes WHERE name IN (${names})`).bind(group),
    db.prepare(`DELETE FROM review_marks WHERE name IN (${names})`).bind(group),
    db.prepare(`DELETE FROM reports WHERE name IN (${names})`).bind(group),
    db.prepare("DELETE FROM server_versions WHERE group_name = ?").bind(group),
    db.prepare("DELETE FROM servers WHERE group_name = ?").bind(group),
    db.prepare("DELETE FROM pending_versions WHERE group_name = ?").bind(group),
    db.prepare("DELETE FROM group_members WHERE group_name = ?").bind(group),
    db.prepare("DELETE FROM group_namespaces WHERE group_name = ?").bind(group),
    db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE group_name = ? AND revoked_at IS NULL").bind(now, group),
    db.prepare("DELETE FROM groups WHERE name = ?").bind(group),
  ];
}

// ---- Members

/** A member's role in a group, and who set it when. */
export interface StoredMember {
  member: string;
  role: Role;
  addedAt: number;
  addedBy: string;
}

interface MemberRow {
  member: string;
  role: Role;
  added_at: number;
  added_by: string;
}

const toMember = (row: MemberRow): StoredMember => ({
  member: row.member,
  role: row.role,
  addedAt: row.added_at,
  addedBy: row.added_by,
});

export async function getMember(db: D1Database, group: string, member: string): Promise<StoredMember | null> {
  const row = await db
    .prepare("SELECT member, role, added_at, added_by FROM group_members WHERE group_name = ? AND member = ?")
    .bind(group, member)
    .first<MemberRow>();
  return row === null ? null : toMember(row);
}

/** Every member of a group, by member (at most MAX_MEMBERS). */
export async function listMembers(db: D1Database, group: string): Promise<StoredMember[]> {
  const { results } = await db
    .prepare("SELECT member, role, added_at, added_by FROM group_members WHERE group_name = ? ORDER BY member")
    .bind(group)
    .all<MemberRow>();
  return results.map(toMember);
}

export async function memberCount(db: D1Database, group: string): Promise<number> {
  const row = await db
    .prepare("SELECT count(*) AS n FROM group_members WHERE group_name = ?")
    .bind(group)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Sets a member's role (added_at/added_by: when and by whom the current role was set). */
export function putMemberStatement(db: D1Database, group: string, member: StoredMember): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO group_members (group_name, member, role, added_at, added_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (group_name, member) DO UPDATE SET role = excluded.role, added_at = excluded.added_at,
         added_by = excluded.added_by`,
    )
    .bind(group, member.member, member.role, member.addedAt, member.addedBy);
}

export function removeMemberStatement(db: D1Database, group: string, member: string): D1PreparedStatement {
  return db.prepare("DELETE FROM group_members WHERE group_name = ? AND member = ?").bind(group, member);
}

/** The groups where any of `identities` holds a role, with every role held there. */
export async function rolesByGroup(db: D1Database, identities: readonly string[]): Promise<Map<string, Role[]>> {
  const byGroup = new Map<string, Role[]>();
  if (identities.length === 0) return byGroup;
  const { results } = await db
    .prepare(
      `SELECT group_name, role FROM group_members WHERE member IN (SELECT value FROM json_each(?))
        ORDER BY group_name`,
    )
    .bind(JSON.stringify(identities))
    .all<{ group_name: string; role: Role }>();
  for (const { group_name, role } of results) byGroup.set(group_name, [...(byGroup.get(group_name) ?? []), role]);
  return byGroup;
}

// ---- API tokens

export async function tokenById(db: D1Database, id: string): Promise<StoredApiToken | null> {
  const row = await db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`).bind(id).first<TokenRow>();
  return row === null ? null : toStoredToken(row);
}

/** Whose tokens: a person's personal tokens, a group's service tokens, or one personal token. */
export type TokenHolder = { owner: string } | { group: string } | { id: string };

function holderCondition(holder: TokenHolder): { sql: string; bind: string } {
  if ("owner" in holder) return { sql: "owner = ? AND kind = 'personal'", bind: holder.owner };
  if ("group" in holder) return { sql: "group_name = ?", bind: holder.group };
  return { sql: "id = ? AND kind = 'personal'", bind: holder.id };
}

/** Tokens of a holder that are neither revoked nor expired at `now` (the caps count these). */
export async function activeTokenCount(db: D1Database, holder: TokenHolder, now: number): Promise<number> {
  const { sql, bind } = holderCondition(holder);
  const row = await db
    .prepare(`SELECT count(*) AS n FROM api_tokens WHERE ${sql} AND revoked_at IS NULL AND expires_at > ?`)
    .bind(bind, now)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * A holder's tokens, newest first, `limit` of them after the (createdAt, id) position `after`
 * (keyset paging; the owner and group indexes serve it).
 */
export async function listTokensPage(
  db: D1Database,
  holder: TokenHolder,
  after: { createdAt: number; id: string } | undefined,
  limit: number,
): Promise<StoredApiToken[]> {
  const { sql, bind } = holderCondition(holder);
  const page = after === undefined ? "" : "AND (created_at < ? OR (created_at = ? AND id < ?))";
  const binds: unknown[] =
    after === undefined ? [bind, limit] : [bind, after.createdAt, after.createdAt, after.id, limit];
  const { results } = await db
    .prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE ${sql} ${page} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...binds)
    .all<TokenRow>();
  return results.map(toStoredToken);
}

/** Stores a new token under the hash of its secret (the secret itself is never stored). */
export function insertTokenStatement(db: D1Database, token: StoredApiToken, hash: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO api_tokens (id, hash, kind, name, owner, identities, group_name, access, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      token.id,
      hash,
      token.kind,
      token.name,
      token.owner,
      JSON.stringify(token.identities),
      token.group,
      JSON.stringify(token.access),
      token.createdAt,
      token.expiresAt,
    );
}

export function revokeTokenStatement(db: D1Database, id: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(now, id);
}

// The namespace writers' side (writes/server-writes.ts, writes/approval-writes.ts): claims as a
// write checks them, and publishes awaiting approval (pending_versions).

/** The group claiming a namespace (its claimKey), read in a writer's batch; see toClaim. */
export function namespaceClaimStatement(db: D1Database, key: string): D1PreparedStatement {
  return db.prepare("SELECT group_name FROM group_namespaces WHERE namespace = ?").bind(key);
}

/** The result of namespaceClaimStatement: the claiming group, or null when the namespace is unclaimed. */
export function toClaim(result: D1Result | undefined): string | null {
  return (result?.results[0] as { group_name: string } | undefined)?.group_name ?? null;
}

/** The group claiming a namespace (its claimKey), or null: one read on its own. */
export async function readClaim(db: D1Database, key: string): Promise<string | null> {
  return toClaim(await namespaceClaimStatement(db, key).all());
}

/** A publish awaiting a manager's decision. */
export interface PendingVersion {
  name: string;
  version: string;
  group: string;
  /** The submitted server.json, compact. */
  serverJson: string;
  /** µs */
  submittedAt: number;
  /** The submitter's actor key (domain/actor.ts). */
  submittedBy: string;
  requestId: string | null;
}

interface PendingRow {
  name: string;
  version: string;
  group_name: string;
  server_json: string;
  submitted_at: number;
  submitted_by: string;
  request_id: string | null;
}

const PENDING_COLUMNS = "name, version, group_name, server_json, submitted_at, submitted_by, request_id";

function toPending(row: PendingRow): PendingVersion {
  return {
    name: row.name,
    version: row.version,
    group: row.group_name,
    serverJson: row.server_json,
    submittedAt: row.submitted_at,
    submittedBy: row.submitted_by,
    requestId: row.request_id,
  };
}

/** What a submission for approval must know about the queue it joins. */
export interface PendingState {
  /** `name@version` already awaits approval. */
  pending: boolean;
  /** Versions awaiting approval in the group, and of the name. */
  inGroup: number;
  ofName: number;
}

/** The PendingState of `name@version` submitted to `group`, read in a writer's batch (one row). */
export function pendingStateStatement(
  db: D1Database,
  group: string,
  name: string,
  version: string,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM pending_versions WHERE name = ?2 AND version = ?3) AS pending,
              (SELECT count(*) FROM pending_versions WHERE group_name = ?1) AS in_group,
              (SELECT count(*) FROM pending_versions WHERE name = ?2) AS of_name`,
    )
    .bind(group, name, version);
}

export function toPendingState(result: D1Result | undefined): PendingState {
  const row = result?.results[0] as { pending: number; in_group: number; of_name: number } | undefined;
  return { pending: row?.pending === 1, inGroup: row?.in_group ?? 0, ofName: row?.of_name ?? 0 };
}

export function insertPendingStatement(db: D1Database, pending: PendingVersion): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO pending_versions (${PENDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(
      pending.name,
      pending.version,
      pending.group,
      pending.serverJson,
      pending.submittedAt,
      pending.submittedBy,
      pending.requestId,
    );
}

export function deletePendingStatement(db: D1Database, name: string, version: string): D1PreparedStatement {
  return db.prepare("DELETE FROM pending_versions WHERE name = ? AND version = ?").bind(name, version);
}

/** One pending version, or null. */
export async function getPending(db: D1Database, name: string, version: string): Promise<PendingVersion | null> {
  const row = await db
    .prepare(`SELECT ${PENDING_COLUMNS} FROM pending_versions WHERE name = ? AND version = ?`)
    .bind(name, version)
    .first<PendingRow>();
  return row === null ? null : toPending(row);
}

/** Where a page of pending versions ends: the last row's (submittedAt, name, version). */
export interface PendingPosition {
  submittedAt: number;
  name: string;
  version: string;
}

/** A group's pending versions, oldest first, after `after`, at most `limit`. */
export async function listPendingVersions(
  db: D1Database,
  group: string,
  after: PendingPosition | undefined,
  limit: number,
): Promise<PendingVersion[]> {
  const { results } = await (after === undefined
    ? db
        .prepare(
          `SELECT ${PENDING_COLUMNS} FROM pending_versions WHERE group_name = ?
            ORDER BY submitted_at, name, version LIMIT ?`,
        )
        .bind(group, limit)
    : db
        .prepare(
          `SELECT ${PENDING_COLUMNS} FROM pending_versions
            WHERE group_name = ? AND (submitted_at, name, version) > (?, ?, ?)
            ORDER BY submitted_at, name, version LIMIT ?`,
        )
        .bind(group, after.submittedAt, after.name, after.version, limit)
  ).all<PendingRow>();
  return results.map(toPending);
}
