// The governance writes: groups, their claims and members (stream "~group:<name>"), service
// tokens (their group's stream) and personal tokens ("~tokens"). Like the other writes, each
// step is one D1 batch with its audit row, run by the stream's Durable Object one at a time, so a
// group's changes are serialized and numbered without gaps. Routes decide who may ask; the
// rules that depend on stored state (a claim, a member's current role, the caps) are decided
// here, against D1, inside the serialized step.
import { actorKey } from "../domain/actor.ts";
import {
  GROUP_NOT_FOUND,
  groupStream,
  MAX_GROUPS,
  MAX_MEMBERS,
  MAX_TOKENS_PER_GROUP,
  MAX_TOKENS_PER_OWNER,
  memberChangeRefusal,
  TOKEN_NOT_FOUND,
  TOKENS_STREAM,
} from "../domain/governance-rules.ts";
import type { Access, GroupConfig, Role } from "../domain/groups.ts";
import { formatRfc3339 } from "../domain/timestamps.ts";
import {
  abortUnlessGroupHoldsStatement,
  abortWhenGroupHoldsStatement,
  abortWhenGroupsExceedStatement,
  abortWhenNamespacesHoldStatement,
  activeTokenCount,
  claimsOf,
  claimStatement,
  deleteGroupStatements,
  getGroup,
  getMember,
  groupCount,
  groupHoldings,
  groupServerNames,
  insertGroupStatement,
  insertTokenStatement,
  isGovernanceConflict,
  memberCount,
  namespacesHoldingGroupServers,
  namespacesWithPublicServers,
  putMemberStatement,
  releaseStatement,
  removeMemberStatement,
  revokeTokenStatement,
  tokenById,
  updateGroupStatement,
  type StoredApiToken,
  type StoredMember,
} from "../storage/d1-governance.ts";
import {
  abortUnlessGroupSourcesStatement,
  deleteGroupSourcesStatement,
  groupSourceIds,
} from "../storage/d1-sources.ts";
import {
  abortUnlessGroupWebhooksStatement,
  deleteGroupWebhooksStatements,
  groupWebhookIds,
} from "../storage/d1-webhooks.ts";
import { auditEntry, commit, refuse, type AuditFacts, type WriteContext, type WriteOutcome } from "./write-context.ts";

/** A new group as the route validated it: its configuration without the writer's stamps. */
export type GroupSpec = Omit<GroupConfig, "createdAt" | "createdBy" | "updatedAt">;

/** The fields a PATCH changes (absent: unchanged; null title or policy: cleared). */
export type GroupPatch = Partial<Omit<GroupSpec, "name">>;

const RETRY_CONFLICT = "A concurrent change conflicted with this one: retry";

/**
 * Runs a step; when its batch lost a race to another writer (isGovernanceConflict: nothing was
 * written), runs it once more, so its checks see the new state and answer precisely.
 */
async function retryingConflicts<T>(
  ctx: WriteContext,
  facts: AuditFacts,
  step: () => Promise<WriteOutcome<T>>,
): Promise<WriteOutcome<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!isGovernanceConflict(err)) throw err;
      if (attempt > 0) return refuse(ctx, facts, 409, RETRY_CONFLICT);
    }
  }
}

/** Why namespaces cannot be claimed by `group` (claimed by another group, or holding public servers). */
async function namespaceClaimConflict(
  db: D1Database,
  group: string,
  namespaces: readonly string[],
): Promise<string | undefined> {
  const taken = (await claimsOf(db, namespaces)).find((c) => c.group !== group);
  if (taken) return `namespace ${taken.namespace} is already claimed by group ${taken.group}`;
  const [public_] = await namespacesWithPublicServers(db, namespaces);
  if (public_ !== undefined) return `namespace ${public_} already has public servers`;
  return undefined;
}

function specDetail(spec: GroupSpec): Record<string, unknown> {
  return {
    visibility: spec.visibility,
    namespaces: spec.namespaces,
    include: spec.include,
    requireApproval: spec.requireApproval,
    ...(spec.title === null ? {} : { title: spec.title }),
    ...(spec.policy === null ? {} : { policy: spec.policy }),
  };
}

/** Creates a group with its claims. 409 when it exists, a claim conflicts, or at MAX_GROUPS. */
export function createGroup(ctx: WriteContext, spec: GroupSpec): Promise<WriteOutcome<GroupConfig>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "group-create", name: spec.name, detail: specDetail(spec) };
  return retryingConflicts(ctx, facts, async () => {
    if (await getGroup(db, spec.name)) return refuse(ctx, facts, 409, `Group ${spec.name} already exists`);
    if ((await groupCount(db)) >= MAX_GROUPS) {
      return refuse(ctx, facts, 409, `A registry holds at most ${MAX_GROUPS} groups`);
    }
    const conflict = await namespaceClaimConflict(db, spec.name, spec.namespaces);
    if (conflict !== undefined) return refuse(ctx, facts, 409, conflict);
    const group: GroupConfig = { ...spec, createdAt: ctx.now, createdBy: actorKey(ctx.actor), updatedAt: ctx.now };
    await commit(
      ctx,
      [
        insertGroupStatement(db, group),
        ...(spec.namespaces.length > 0 ? [claimStatement(db, spec.name, spec.namespaces)] : []),
        // Groups are created on their own streams: the cap is exact only in the batch.
        abortWhenGroupsExceedStatement(db, spec.name, MAX_GROUPS),
      ],
      [auditEntry(ctx, facts)],
    );
    return { ok: true, value: group };
  });
}

/**
 * Changes a group's configuration and bumps its updatedAt (its views' cache keys). New claims
 * follow the rules of creation; a released namespace must hold none of the group's servers or
 * pending versions (409).
 */
export function updateGroup(ctx: WriteContext, name: string, patch: GroupPatch): Promise<WriteOutcome<GroupConfig>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "group-update", name, detail: { ...patch } };
  return retryingConflicts(ctx, facts, async () => {
    const current = await getGroup(db, name);
    if (current === null) return refuse(ctx, facts, 404, GROUP_NOT_FOUND);
    const next: GroupConfig = { ...current, ...patch, updatedAt: ctx.now };
    const added = next.namespaces.filter((n) => !current.namespaces.includes(n));
    const removed = current.namespaces.filter((n) => !next.namespaces.includes(n));
    const detail: Record<string, unknown> = { ...patch };
    if (patch.namespaces !== undefined) detail.namespaces = { added, removed };
    const changeFacts = { ...facts, detail };
    const conflict = await namespaceClaimConflict(db, name, added);
    if (conflict !== undefined) return refuse(ctx, changeFacts, 409, conflict);
    const [holding] = await namespacesHoldingGroupServers(db, name, removed);
    if (holding !== undefined) {
      return refuse(ctx, changeFacts, 409, `namespace ${holding} still holds servers or pending versions of the group`);
    }
    const statements = [updateGroupStatement(db, next)];
    if (removed.length > 0) {
      // A publish into the namespace may commit between the check above and this batch.
      statements.push(abortWhenNamespacesHoldStatement(db, name, removed), releaseStatement(db, name, removed));
    }
    if (added.length > 0) statements.push(claimStatement(db, name, added));
    await commit(ctx, statements, [auditEntry(ctx, changeFacts)]);
    return { ok: true, value: { ...next, namespaces: [...next.namespaces].sort() } };
  });
}

export interface DeletedGroup {
  name: string;
  /** The first MAX_PURGED_SHOWN server names removed from the catalogue (purge only). */
  purged: string[];
  /** How many server names were removed (purge only). */
  purgedCount: number;
  /** Pending versions removed (purge only). */
  pending: number;
}

/** Purged names a purge's answer and audit row list (the count says how many there were). */
export const MAX_PURGED_SHOWN = 100;

/**
 * Deletes a group: its members and claims, its webhook subscriptions (with their deliveries
 * logs) and the sources mirroring into it, and revokes its service tokens, so that a group
 * created later under the name inherits none of them. While it holds servers or pending
 * versions only with `purge`, which deletes them in the same batch.
 */
export async function deleteGroup(
  ctx: WriteContext,
  name: string,
  purge: boolean,
): Promise<WriteOutcome<DeletedGroup>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "group-delete", name, detail: { purge } };
  return retryingConflicts(ctx, facts, async () => {
    if ((await getGroup(db, name)) === null) return refuse(ctx, facts, 404, GROUP_NOT_FOUND);
    const holdings = await groupHoldings(db, name);
    if (!purge && (holdings.servers > 0 || holdings.pending > 0)) {
      return refuse(
        ctx,
        facts,
        409,
        `Group ${name} still holds ${holdings.servers} servers and ${holdings.pending} pending versions: ` +
          "delete it with ?purge=true to delete them too",
      );
    }
    const purged = purge ? await groupServerNames(db, name) : [];
    const webhooks = await groupWebhookIds(db, name);
    const sources = await groupSourceIds(db, name);
    // The batch deletes by group: it commits only while the group holds exactly what was read
    // (a publish landing meanwhile aborts it, and the step is read again), so the names flushed
    // and reported are exactly the names deleted.
    const guard = purge
      ? abortUnlessGroupHoldsStatement(db, name, purged.length, holdings.pending)
      : abortWhenGroupHoldsStatement(db, name);
    // The detail and the answer stay bounded however many servers went: the count, the first
    // names. Subscriptions and sources are few (MAX_WEBHOOKS, MAX_SOURCES): all of their ids.
    const shown = purged.slice(0, MAX_PURGED_SHOWN);
    const detail = { purge, servers: purged.length, pending: holdings.pending, names: shown, webhooks, sources };
    await commit(
      ctx,
      [
        guard,
        // One created meanwhile (on the "~sync" stream) aborts the batch and the step is read
        // again, so the detail lists exactly the subscriptions and sources that go.
        abortUnlessGroupWebhooksStatement(db, name, webhooks),
        abortUnlessGroupSourcesStatement(db, name, sources),
        ...deleteGroupWebhooksStatements(db, name),
        deleteGroupSourcesStatement(db, name),
        ...deleteGroupStatements(db, name, ctx.now),
      ],
      [auditEntry(ctx, { ...facts, detail })],
      purged,
    );
    return {
      ok: true,
      value: { name, purged: shown, purgedCount: purged.length, pending: purge ? holdings.pending : 0 },
    };
  });
}

export interface MemberChange {
  member: StoredMember;
  /** The member was added (not only given another role). */
  created: boolean;
}

/**
 * Gives a member a role. Who may is decided against the member's current role: managers
 * manage viewers and publishers, administrators anyone (403 otherwise). 409 at MAX_MEMBERS.
 * Setting the role a member already holds changes (and records) nothing.
 */
export async function putMember(
  ctx: WriteContext,
  group: string,
  member: string,
  role: Role,
  actor: Access | undefined,
): Promise<WriteOutcome<MemberChange>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "member-put", name: group, version: member, detail: { role } };
  if ((await getGroup(db, group)) === null) return refuse(ctx, facts, 404, GROUP_NOT_FOUND);
  const current = await getMember(db, group, member);
  const changeFacts = { ...facts, detail: { role, previous: current?.role ?? null } };
  const why = memberChangeRefusal(actor, current?.role, role);
  if (why !== undefined) return refuse(ctx, changeFacts, 403, why);
  if (current?.role === role) return { ok: true, value: { member: current, created: false } };
  if (current === null && (await memberCount(db, group)) >= MAX_MEMBERS) {
    return refuse(ctx, changeFacts, 409, `A group holds at most ${MAX_MEMBERS} members`);
  }
  const stored: StoredMember = { member, role, addedAt: ctx.now, addedBy: actorKey(ctx.actor) };
  await commit(ctx, [putMemberStatement(db, group, stored)], [auditEntry(ctx, changeFacts)]);
  return { ok: true, value: { member: stored, created: current === null } };
}

/** Removes a member: 404 when absent, 403 under the rules of putMember. */
export async function removeMember(
  ctx: WriteContext,
  group: string,
  member: string,
  actor: Access | undefined,
): Promise<WriteOutcome<StoredMember>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "member-remove", name: group, version: member };
  if ((await getGroup(db, group)) === null) return refuse(ctx, facts, 404, GROUP_NOT_FOUND);
  const current = await getMember(db, group, member);
  const why = memberChangeRefusal(actor, current?.role, undefined);
  if (why !== undefined) return refuse(ctx, facts, 403, why);
  if (current === null) return refuse(ctx, facts, 404, `${member} is not a member of group ${group}`);
  const removedFacts = { ...facts, detail: { previous: current.role } };
  await commit(ctx, [removeMemberStatement(db, group, member)], [auditEntry(ctx, removedFacts)]);
  return { ok: true, value: current };
}

/** The stream a token's changes are serialized and audited in. */
export function tokenStream(token: Pick<StoredApiToken, "kind" | "group">): string {
  return token.kind === "service" && token.group !== null ? groupStream(token.group) : TOKENS_STREAM;
}

/** A token to store, as the route decided it (the writer sets createdAt). */
export type NewToken = Omit<StoredApiToken, "createdAt" | "lastUsedAt" | "revokedAt">;

function tokenDetail(token: Pick<StoredApiToken, "kind" | "name" | "group" | "access" | "expiresAt">) {
  return {
    kind: token.kind,
    name: token.name,
    ...(token.group === null ? {} : { group: token.group }),
    access: token.access,
    expiresAt: formatRfc3339(token.expiresAt),
  };
}

/**
 * Stores a token under the hash of its secret (the secret never reaches the writer). 404 when a
 * service token's group is gone; 409 at the cap of active tokens of its person or group.
 */
export async function createToken(
  ctx: WriteContext,
  token: NewToken,
  hash: string,
): Promise<WriteOutcome<StoredApiToken>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "token-create", name: token.id, detail: tokenDetail(token) };
  if (token.kind === "service" && (token.group === null || (await getGroup(db, token.group)) === null)) {
    return refuse(ctx, facts, 404, GROUP_NOT_FOUND);
  }
  const holder = token.kind === "service" ? { group: token.group! } : { owner: token.owner };
  const cap = token.kind === "service" ? MAX_TOKENS_PER_GROUP : MAX_TOKENS_PER_OWNER;
  if ((await activeTokenCount(db, holder, ctx.now)) >= cap) {
    const whose = token.kind === "service" ? "a group holds" : "a person holds";
    return refuse(ctx, facts, 409, `At most ${cap} active ${token.kind} tokens: ${whose} that many; revoke one first`);
  }
  const stored: StoredApiToken = { ...token, createdAt: ctx.now, lastUsedAt: null, revokedAt: null };
  await commit(ctx, [insertTokenStatement(db, stored, hash)], [auditEntry(ctx, facts)]);
  return { ok: true, value: stored };
}

/** Revokes a token (at once in D1); revoking a revoked token changes nothing and answers it as it is. */
export async function revokeToken(ctx: WriteContext, id: string): Promise<WriteOutcome<StoredApiToken>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "token-revoke", name: id };
  const token = await tokenById(db, id);
  if (token === null || tokenStream(token) !== ctx.stream) return refuse(ctx, facts, 404, TOKEN_NOT_FOUND);
  if (token.revokedAt !== null) return { ok: true, value: token };
  const detail = { kind: token.kind, name: token.name, ...(token.group === null ? {} : { group: token.group }) };
  await commit(ctx, [revokeTokenStatement(db, id, ctx.now)], [auditEntry(ctx, { ...facts, detail })]);
  return { ok: true, value: { ...token, revokedAt: ctx.now } };
}
