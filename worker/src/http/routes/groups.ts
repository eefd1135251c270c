// Group administration: /x/admin/groups, one group, and its members (docs/governance.md). Only
// this file decides who may ask; the rules live in domain/governance-rules.ts and the changes in
// writes/governance-writes.ts. A group the caller may not read answers 404 like one that does
// not exist, whatever the method.
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { authenticate, groupAccess, isOrgAdmin, type Principal } from "../../auth/principal.ts";
import {
  canonicalInclude,
  canonicalList,
  canonicalNamespace,
  canonicalPolicy,
  GROUP_NOT_FOUND,
  groupStream,
  MAX_INCLUDE,
  MAX_NAMESPACES,
  MAX_POLICY_ENTRIES,
  MAX_TITLE,
} from "../../domain/governance-rules.ts";
import {
  atLeast,
  canonicalMember,
  effectiveAccess,
  GROUP_NAME_PATTERN,
  ROLES,
  type Access,
  type AdmissionPolicy,
  type GroupConfig,
  type Role,
} from "../../domain/groups.ts";
import {
  bool,
  goStruct,
  listOfAtMost,
  maxLength,
  oneOf,
  pattern,
  text,
} from "../../domain/server-json/huma-schema-kit.ts";
import { formatRfc3339 } from "../../domain/timestamps.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import {
  groupsByName,
  listGroups,
  listMembers as listStoredMembers,
  rolesByGroup,
} from "../../storage/d1-governance.ts";
import type { StoredMember } from "../../storage/d1-governance.ts";
import { forgetGovernance } from "../../storage/governance-cache.ts";
import type { GroupPatch, GroupSpec } from "../../writes/governance-writes.ts";
import { readBoolParam } from "../list-params.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { json } from "../responses.ts";
import { pathParam } from "./path-params.ts";
import { callerOf, forbidAudited, runWrite } from "./write-support.ts";

const VISIBILITIES = ["private", "public"] as const;

export const PolicyBody = goStruct({
  registries: v.optional(listOfAtMost(text, MAX_POLICY_ENTRIES)),
  remoteHosts: v.optional(listOfAtMost(text, MAX_POLICY_ENTRIES)),
});

export const CreateBody = goStruct({
  name: v.pipe(text, pattern(GROUP_NAME_PATTERN.source)),
  title: v.optional(v.pipe(text, maxLength(MAX_TITLE))),
  visibility: oneOf(VISIBILITIES),
  namespaces: v.optional(listOfAtMost(text, MAX_NAMESPACES)),
  include: v.optional(listOfAtMost(text, MAX_INCLUDE)),
  requireApproval: v.optional(bool),
  policy: v.optional(PolicyBody),
});

// null clears title and policy (nullish fields keep null through goStruct).
export const PatchBody = goStruct({
  title: v.nullish(v.pipe(text, maxLength(MAX_TITLE))),
  visibility: v.optional(oneOf(VISIBILITIES)),
  namespaces: v.optional(listOfAtMost(text, MAX_NAMESPACES)),
  include: v.optional(listOfAtMost(text, MAX_INCLUDE)),
  requireApproval: v.optional(bool),
  policy: v.nullish(PolicyBody),
});

export const MemberBody = goStruct({ role: oneOf(ROLES) });

/** Fields only an organisation administrator may change; managers curate the rest. */
const ADMIN_FIELDS = ["visibility", "namespaces", "requireApproval", "policy"] as const;

const notFound = () => new ApiError(404, GROUP_NOT_FOUND);

/**
 * The group named by the path and what the caller holds in it, when the caller may see it at all
 * (a role, or an organisation administrator): else 404, as if it did not exist.
 */
export async function readableGroup(
  env: Env,
  principal: Principal,
  raw: string,
): Promise<{ group: GroupConfig; access: Access }> {
  const found = await groupAccess(env, raw, principal);
  if (found?.access === undefined || !atLeast(found.access, "viewer")) throw notFound();
  return { group: found.group, access: found.access };
}

/**
 * Runs a governance write and forgets what this isolate read about groups, members and tokens,
 * so the change holds here from the next request on (even when the answer was lost: it may have
 * landed). Other isolates re-read within GOVERNANCE_TTL_MS.
 */
export async function governanceWrite<T>(...args: Parameters<typeof runWrite<T>>): Promise<T> {
  try {
    return await runWrite(...args);
  } finally {
    forgetGovernance();
  }
}

function renderGroup(group: GroupConfig, access: Access) {
  return {
    name: group.name,
    title: group.title,
    visibility: group.visibility,
    namespaces: group.namespaces,
    include: group.include,
    requireApproval: group.requireApproval,
    policy: group.policy,
    createdAt: formatRfc3339(group.createdAt),
    updatedAt: formatRfc3339(group.updatedAt),
    // Who created it is for those who run it.
    ...(atLeast(access, "manager") ? { createdBy: group.createdBy } : {}),
    access,
  };
}

function renderMember(member: StoredMember) {
  return {
    member: member.member,
    role: member.role,
    addedAt: formatRfc3339(member.addedAt),
    addedBy: member.addedBy,
  };
}

/** Canonical forms of a list field, or its 422 entries (`body.<field>[i]`). */
function canonicalField(
  field: string,
  raw: readonly string[],
  canonical: (entry: string) => { value: string } | { error: string },
  errors: ProblemDetail[],
): string[] {
  const result = canonicalList(raw, canonical);
  if ("values" in result) return result.values;
  for (const { index, error } of result.errors) {
    errors.push({ message: error, location: `body.${field}[${index}]`, value: raw[index] });
  }
  return [];
}

function policyField(
  raw: { registries?: string[] | undefined; remoteHosts?: string[] | undefined },
  errors: ProblemDetail[],
): AdmissionPolicy {
  const result = canonicalPolicy(raw);
  if ("value" in result) return result.value;
  for (const { field, index, error } of result.errors) {
    errors.push({ message: error, location: `body.policy.${field}[${index}]`, value: raw[field]?.[index] });
  }
  return {};
}

function titleOf(raw: string | null): string | null {
  const title = raw?.trim() ?? "";
  return title === "" ? null : title;
}

/** POST /x/admin/groups: an organisation administrator creates a group with its claims. */
export async function createGroup(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, CreateBody);
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  if (!isOrgAdmin(principal)) {
    throw new ApiError(403, 'Creating a group requires an organisation administrator (edit permission on "*")');
  }
  const errors: ProblemDetail[] = [];
  const spec: GroupSpec = {
    name: body.name,
    title: titleOf(body.title ?? null),
    visibility: body.visibility,
    namespaces: canonicalField("namespaces", body.namespaces ?? [], canonicalNamespace, errors).sort(),
    include: canonicalField("include", body.include ?? [], canonicalInclude, errors),
    requireApproval: body.requireApproval ?? false,
    policy: body.policy === undefined ? null : policyField(body.policy, errors),
  };
  if (errors.length > 0) throw ApiError.validation(errors);
  const caller = callerOf(request, principal);
  const group = await governanceWrite(env, groupStream(spec.name), (writer) => writer.createGroup(caller, spec));
  return json(renderGroup(group, "admin"), 201);
}

/**
 * The groups the caller holds a role in, with that role (effectiveAccess): every group for an
 * organisation administrator; the groups its identities are members of, and a service token's
 * own group.
 */
async function callerGroups(env: Env, principal: Principal): Promise<{ group: GroupConfig; access: Access }[]> {
  if (isOrgAdmin(principal)) return (await listGroups(env.DB)).map((group) => ({ group, access: "admin" as const }));
  const { token } = principal;
  const candidates = await rolesByGroup(env.DB, principal.identities);
  if (token?.kind === "service" && token.group !== null && !candidates.has(token.group)) {
    candidates.set(token.group, []);
  }
  const held = new Map<string, Access>();
  for (const [name, roles] of candidates) {
    const access = effectiveAccess(name, { admin: false, token }, roles);
    if (access !== undefined) held.set(name, access);
  }
  const groups = await groupsByName(env.DB, [...held.keys()]);
  return groups.map((group) => ({ group, access: held.get(group.name)! }));
}

/** GET /x/admin/groups: the groups the caller may see (all of them for an administrator). */
export async function listGroupsRoute(request: IRequest, env: Env) {
  const principal = await authenticate(request, env);
  const groups = await callerGroups(env, principal);
  return json({
    groups: groups.map(({ group, access }) => renderGroup(group, access)),
    metadata: { count: groups.length },
  });
}

/** GET /x/admin/groups/{group}: for its members and administrators. */
export async function getGroupRoute(request: IRequest, env: Env) {
  const principal = await authenticate(request, env);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  return json(renderGroup(group, access));
}

/**
 * PATCH /x/admin/groups/{group}: managers curate (title, include); visibility, claims, approval
 * and policy are an administrator's. Every change gives the group a new updatedAt.
 */
export async function updateGroup(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, PatchBody);
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  const adminFields = ADMIN_FIELDS.filter((field) => body[field] !== undefined);
  if (access !== "admin" && adminFields.length > 0) {
    await forbidAudited(
      request,
      env,
      principal,
      groupStream(group.name),
      { action: "group-update", name: group.name },
      `Changing ${adminFields.join(", ")} requires an organisation administrator`,
    );
  }
  if (!atLeast(access, "manager")) {
    await forbidAudited(
      request,
      env,
      principal,
      groupStream(group.name),
      { action: "group-update", name: group.name },
      "Changing a group requires the manager role",
    );
  }
  const errors: ProblemDetail[] = [];
  const patch: GroupPatch = {};
  if (body.title !== undefined) patch.title = titleOf(body.title);
  if (body.visibility !== undefined) patch.visibility = body.visibility;
  if (body.namespaces !== undefined) {
    patch.namespaces = canonicalField("namespaces", body.namespaces, canonicalNamespace, errors).sort();
  }
  if (body.include !== undefined) patch.include = canonicalField("include", body.include, canonicalInclude, errors);
  if (body.requireApproval !== undefined) patch.requireApproval = body.requireApproval;
  if (body.policy !== undefined) patch.policy = body.policy === null ? null : policyField(body.policy, errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  const caller = callerOf(request, principal);
  const updated = await governanceWrite(env, groupStream(group.name), (writer) =>
    writer.updateGroup(caller, group.name, patch),
  );
  return json(renderGroup(updated, access));
}

/**
 * DELETE /x/admin/groups/{group}[?purge=true]: an administrator's. Without purge only a group
 * that holds no servers and no pending versions; with it, those are deleted in the same batch.
 */
export async function deleteGroup(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  await limitAddress(request, env, "admin");
  const errors: ProblemDetail[] = [];
  const purge = readBoolParam(url.searchParams, "purge", errors) ?? false;
  if (errors.length > 0) throw ApiError.validation(errors);
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  if (access !== "admin") {
    await forbidAudited(
      request,
      env,
      principal,
      groupStream(group.name),
      { action: "group-delete", name: group.name },
      "Deleting a group requires an organisation administrator",
    );
  }
  const caller = callerOf(request, principal);
  const deleted = await governanceWrite(
    env,
    groupStream(group.name),
    (writer) => writer.deleteGroup(caller, group.name, purge),
    { adopt: (value) => value.purged },
  );
  return json({
    name: deleted.name,
    deleted: true,
    purged: deleted.purged,
    purgedCount: deleted.purgedCount,
    pendingDeleted: deleted.pending,
  });
}

/** GET /x/admin/groups/{group}/members: for the group's managers and administrators. */
export async function listMembers(request: IRequest, env: Env) {
  const principal = await authenticate(request, env);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  if (!atLeast(access, "manager")) throw new ApiError(403, "Listing members requires the manager role in the group");
  const members = await listStoredMembers(env.DB, group.name);
  return json({ members: members.map(renderMember), metadata: { count: members.length } });
}

/** The member named by the path, in its canonical form, or a 422. */
function memberOf(request: IRequest): string {
  const raw = pathParam(request, "member");
  const member = canonicalMember(raw);
  if (member === undefined) {
    throw ApiError.validation([
      {
        message:
          "expected a member: github:<login>, oidc:<subject>, idp:<group>, an e-mail address, or a github-oidc:, dns: or http: subject",
        location: "path.member",
        value: raw,
      },
    ]);
  }
  return member;
}

/**
 * PUT /x/admin/groups/{group}/members/{member} {"role"}: 201 for a new member, 200 otherwise.
 * Managers give viewer and publisher to anyone who is not a manager; administrators anything.
 */
export async function putMember(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, MemberBody);
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  const member = memberOf(request);
  const caller = callerOf(request, principal);
  const role: Role = body.role;
  const change = await governanceWrite(env, groupStream(group.name), (writer) =>
    writer.putMember(caller, group.name, member, role, access),
  );
  return json(renderMember(change.member), change.created ? 201 : 200);
}

/** DELETE /x/admin/groups/{group}/members/{member}: 404 when not a member. */
export async function removeMember(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  const member = memberOf(request);
  const caller = callerOf(request, principal);
  const removed = await governanceWrite(env, groupStream(group.name), (writer) =>
    writer.removeMember(caller, group.name, member, access),
  );
  return json({ ...renderMember(removed), removed: true });
}
