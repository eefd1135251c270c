// Personal (PAT) and service (VAT) tokens: POST, GET and DELETE /x/tokens (docs/governance.md).
// The secret is made here, answered once and never stored nor handed to a writer: only its
// SHA-256 is. Nobody mints a token above their own rights (domain/governance-rules.ts).
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { newApiToken } from "../../auth/api-token.ts";
import { authenticate, groupAccess, isOrgAdmin, type Principal } from "../../auth/principal.ts";
import { actorKey } from "../../domain/actor.ts";
import {
  delegableIdentities,
  GROUP_NOT_FOUND,
  groupStream,
  MAX_TOKEN_ACCESS,
  MAX_TOKEN_NAME,
  personalGrantRefusal,
  serviceGrantRefusal,
  TOKEN_NOT_FOUND,
  tokenExpiry,
  TOKENS_STREAM,
} from "../../domain/governance-rules.ts";
import { atLeast, effectiveAccess, mayRead, ROLES } from "../../domain/groups.ts";
import { goStruct, listOfAtMost, maxLength, minLength, oneOf, text } from "../../domain/server-json/huma-schema-kit.ts";
import { formatRfc3339, nowMicros, parseRfc3339 } from "../../domain/timestamps.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { listTokensPage, tokenById, type StoredApiToken, type TokenHolder } from "../../storage/d1-governance.ts";
import { readMemberRoles } from "../../storage/governance-cache.ts";
import { tokenStream, type NewToken } from "../../writes/governance-writes.ts";
import { readLimitParam } from "../list-params.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { json } from "../responses.ts";
import { governanceWrite, readableGroup } from "./groups.ts";
import { pathParam } from "./path-params.ts";
import { callerOf, forbidAudited } from "./write-support.ts";

export const AccessEntry = goStruct({ group: text, role: oneOf(ROLES) });

export const TokenBody = goStruct({
  name: v.pipe(text, minLength(1), maxLength(MAX_TOKEN_NAME)),
  kind: oneOf(["personal", "service"]),
  group: v.optional(text),
  access: listOfAtMost(AccessEntry, MAX_TOKEN_ACCESS, 1),
  expiresAt: v.optional(text),
});

type TokenRequest = v.InferOutput<typeof TokenBody>;

const TOKEN_ID = /^tok_[0-9a-f]{16}$/;
/** A refused creation is audited in the stream the token would have been made on. */
const TOKEN_CREATE = { action: "token-create" };
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/**
 * The personal tokens a caller manages (lists and revokes): a sign-in all of its person's; a
 * personal token only itself, so a leaked one neither reveals nor revokes its siblings.
 */
function personalScope(principal: Principal): { owner: string } | { id: string } {
  const { token } = principal;
  return token?.kind === "personal" ? { id: token.id } : { owner: ownerOf(principal) };
}

/** Whose personal tokens the caller's are: its person, also when it presents one of them. */
function ownerOf(principal: Principal): string {
  if (principal.token?.kind === "personal") return principal.auth_method_sub;
  // One person, one list: a sign-in through /auth/oidc and the provider's own access token name
  // the same subject of the same issuer.
  const method = principal.auth_method === "oidc-access" ? "oidc" : principal.auth_method;
  return actorKey({ method, subject: principal.auth_method_sub });
}

function renderToken(token: StoredApiToken) {
  return {
    id: token.id,
    name: token.name,
    kind: token.kind,
    group: token.group,
    access: token.access,
    createdAt: formatRfc3339(token.createdAt),
    expiresAt: formatRfc3339(token.expiresAt),
    lastUsedAt: token.lastUsedAt === null ? null : formatRfc3339(token.lastUsedAt),
    revokedAt: token.revokedAt === null ? null : formatRfc3339(token.revokedAt),
  };
}

/** The request's shape rules beyond the body model (422), and the expiry it asks for. */
function checkShape(body: TokenRequest): number {
  const errors: ProblemDetail[] = [];
  let requested: number | undefined;
  if (body.expiresAt !== undefined) {
    requested = parseRfc3339(body.expiresAt);
    if (requested === undefined) {
      errors.push({
        message: "expected string to be RFC 3339 date-time",
        location: "body.expiresAt",
        value: body.expiresAt,
      });
    }
  }
  const expiry = tokenExpiry(nowMicros(), requested);
  if ("error" in expiry && requested !== undefined) {
    errors.push({ message: expiry.error, location: "body.expiresAt", value: body.expiresAt });
  }
  if (body.kind === "personal" && body.group !== undefined) {
    errors.push({ message: "group applies to service tokens only", location: "body.group", value: body.group });
  }
  if (body.kind === "service" && body.group === undefined) {
    errors.push({ message: "a service token needs the group it is bound to", location: "body" });
  }
  const seen = new Set<string>();
  body.access.forEach((entry, i) => {
    if (seen.has(entry.group)) {
      errors.push({ message: "one entry per group", location: `body.access[${i}].group`, value: entry.group });
    }
    seen.add(entry.group);
    if (body.kind === "service" && body.group !== undefined && entry.group !== body.group) {
      errors.push({
        message: "a service token grants access in its own group only",
        location: `body.access[${i}].group`,
        value: entry.group,
      });
    }
  });
  if (errors.length > 0 || "error" in expiry) throw ApiError.validation(errors);
  return expiry.value;
}

/**
 * A personal token's grant: each entry at most what its person holds in the group through
 * membership now, not counting identity-provider groups (delegableIdentities); a PAT never
 * carries administrator rights. 404 for a group the person may not
 * read, 403 above their role.
 */
async function personalGrant(request: Request, env: Env, principal: Principal, body: TokenRequest): Promise<void> {
  for (const { group: name, role } of body.access) {
    const found = await groupAccess(env, name, principal);
    if (found === undefined || !mayRead(found.group, found.access)) {
      throw new ApiError(404, GROUP_NOT_FOUND, [{ message: `group ${name}` }]);
    }
    // What the person holds as a member, through the identities the token will keep.
    const roles = await readMemberRoles(env.DB, name, delegableIdentities(principal.identities));
    const why = personalGrantRefusal(effectiveAccess(name, { admin: false }, roles), role);
    if (why !== undefined)
      await forbidAudited(request, env, principal, TOKENS_STREAM, TOKEN_CREATE, `${why} (${name})`);
  }
}

/**
 * A service token's grant: its creator manages the group (a personal token only while its
 * effective access there is manager or more; never a service token), each entry at most what
 * the creator holds and at most publisher unless the creator is an administrator.
 */
async function serviceGrant(request: Request, env: Env, principal: Principal, body: TokenRequest): Promise<string> {
  const { group, access } = await readableGroup(env, principal, body.group!);
  const stream = groupStream(group.name);
  if (!atLeast(access, "manager")) {
    await forbidAudited(
      request,
      env,
      principal,
      stream,
      TOKEN_CREATE,
      "Creating service tokens requires the manager role in the group",
    );
  }
  for (const { role } of body.access) {
    const why = serviceGrantRefusal(access, role);
    if (why !== undefined) await forbidAudited(request, env, principal, stream, TOKEN_CREATE, why);
  }
  return group.name;
}

/**
 * POST /x/tokens: 201 with the secret, shown this once. Personal tokens are made by a signed-in
 * person (a registry token or the organisation's access token, never another API token);
 * service tokens by a manager of their group.
 */
export async function createToken(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, TokenBody);
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  const expiresAt = checkShape(body);
  let stream: string;
  let group: string | null = null;
  if (body.kind === "personal") {
    if (principal.token !== undefined) {
      await forbidAudited(
        request,
        env,
        principal,
        TOKENS_STREAM,
        TOKEN_CREATE,
        "Personal tokens are created with a sign-in (a registry token or the organisation's access token), not with an API token",
      );
    }
    await personalGrant(request, env, principal, body);
    stream = TOKENS_STREAM;
  } else {
    if (principal.token?.kind === "service") {
      await forbidAudited(
        request,
        env,
        principal,
        groupStream(principal.token.group ?? ""),
        TOKEN_CREATE,
        "A service token cannot create tokens",
      );
    }
    group = await serviceGrant(request, env, principal, body);
    stream = groupStream(group);
  }
  const { id, token, hash } = newApiToken(body.kind);
  const record: NewToken = {
    id,
    kind: body.kind,
    name: body.name,
    owner: ownerOf(principal),
    identities: body.kind === "personal" ? delegableIdentities(principal.identities) : [],
    group,
    access: body.access.map(({ group: g, role }) => ({ group: g, role })),
    expiresAt,
  };
  const caller = callerOf(request, principal);
  const stored = await governanceWrite(env, stream, (writer) => writer.createToken(caller, stream, record, hash));
  return json({ ...renderToken(stored), token }, 201);
}

/** A page position "<createdAt>:<id>", or a 422. */
function cursorOf(raw: string | null): { createdAt: number; id: string } | undefined {
  if (raw === null || raw === "") return undefined;
  const match = /^(\d{1,17}):(tok_[0-9a-f]{16})$/.exec(raw);
  if (match === null) throw ApiError.validation([{ message: "invalid cursor", location: "query.cursor", value: raw }]);
  return { createdAt: Number(match[1]), id: match[2]! };
}

/**
 * GET /x/tokens: the caller's personal tokens (a personal token: itself); `?group=g`: the
 * group's service tokens, for its managers. Newest first, without secrets, `limit` (≤ 1000) a page with `metadata.nextCursor`.
 */
export async function listTokens(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const params = url.searchParams;
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(params, errors, { defaultLimit: DEFAULT_PAGE, maxLimit: MAX_PAGE });
  if (errors.length > 0) throw ApiError.validation(errors);
  const after = cursorOf(params.get("cursor"));
  const principal = await authenticate(request, env);
  let holder: TokenHolder;
  const groupParam = params.get("group");
  if (groupParam !== null) {
    const { group, access } = await readableGroup(env, principal, groupParam);
    if (!atLeast(access, "manager"))
      throw new ApiError(403, "Listing service tokens requires the manager role in the group");
    holder = { group: group.name };
  } else {
    holder = personalScope(principal);
  }
  const page = await listTokensPage(env.DB, holder, after, limit + 1);
  const tokens = page.slice(0, limit);
  const last = tokens.at(-1);
  const more = page.length > limit && last !== undefined;
  return json({
    tokens: tokens.map(renderToken),
    metadata: { count: tokens.length, ...(more ? { nextCursor: `${last.createdAt}:${last.id}` } : {}) },
  });
}

/**
 * Whether the caller may revoke a token: a personal token its person (through a personal token:
 * that token only), a service token a manager of its group, any token an administrator.
 */
async function mayRevoke(env: Env, principal: Principal, token: StoredApiToken): Promise<boolean> {
  if (isOrgAdmin(principal)) return true;
  if (token.kind === "personal") {
    const scope = personalScope(principal);
    return "id" in scope ? token.id === scope.id : token.owner === scope.owner;
  }
  const found = token.group === null ? undefined : await groupAccess(env, token.group, principal);
  return atLeast(found?.access, "manager");
}

/**
 * DELETE /x/tokens/{id}: revokes at once (this isolate forgets what it knew; others re-read
 * within GOVERNANCE_TTL_MS). A token the caller may not revoke answers 404 like an unknown one.
 * Revoking a revoked token is not an error: 200 with the token as it is.
 */
export async function revokeToken(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const principal = await authenticate(request, env);
  await limitSubject(env, "admin", principal);
  const id = pathParam(request, "id");
  const stored = TOKEN_ID.test(id) ? await tokenById(env.DB, id) : null;
  if (stored === null || !(await mayRevoke(env, principal, stored))) throw new ApiError(404, TOKEN_NOT_FOUND);
  const stream = tokenStream(stored);
  const caller = callerOf(request, principal);
  const revoked = await governanceWrite(env, stream, (writer) => writer.revokeToken(caller, stream, id));
  return json(renderToken(revoked));
}
