// Who is asking: every kind of bearer token the registry accepts, reduced to one Principal.
// - registry JWTs from the /auth/* exchanges (spec §10.1): their permissions, and the member
//   forms of the identity they prove;
// - personal and service tokens (mcpr_pat_…, mcpr_vat_…): group access only;
// - the organisation's own OAuth 2.0 / OIDC access tokens (OIDC_ACCESS_TOKENS = "true"): the
//   permissions /auth/oidc would grant, and the subject, e-mail and group claims as members.
// Rights are evaluated on every request (accessIn), from caches that are at most
// GOVERNANCE_TTL_MS old (storage/governance-cache.ts).
import {
  atLeast,
  canonicalMember,
  exchangeIdentities,
  stronger,
  weaker,
  type Access,
  type GroupConfig,
  type Role,
} from "../domain/groups.ts";
import { ApiError } from "../errors.ts";
import { readApiToken, readMemberRoles } from "../storage/governance-cache.ts";
import { LruCache } from "../storage/lru.ts";
import { apiTokenHash, isApiToken } from "./api-token.ts";
import { REGISTRY_ISSUER, type Permission } from "./claims.ts";
import { verifyIdToken } from "./id-token.ts";
import { decodeClaims, decodeJws } from "./jwt.ts";
import { claimRuleViolation, parseClaimRules, parsePatternList } from "./oidc-rules.ts";
import { isGlobalAdmin } from "./permissions.ts";
import { verifyRegistryToken } from "./registry-token.ts";

/** A personal or service token's grant, as the request presented it. */
export interface TokenGrant {
  id: string;
  kind: "personal" | "service";
  /** A service token's group. */
  group: string | null;
  access: readonly { group: string; role: Role }[];
}

export interface Principal {
  /** The audit trail's actor: the exchange's method, or "pat", "vat", "oidc-access". */
  auth_method: string;
  auth_method_sub: string;
  /** Registry permissions (publish/edit patterns); none for PATs and VATs. */
  permissions: Permission[];
  /** The member forms this caller matches (github:<login>, oidc:<sub>, e-mail, idp:<group>). */
  identities: readonly string[];
  token?: TokenGrant;
}

const BEARER_PREFIX = "bearer ";
const BAD_HEADER = "Invalid Authorization header format. Expected 'Bearer <token>'";
const BAD_TOKEN = "Invalid or expired Registry JWT token";

function unauthorized(reason: string): ApiError {
  return new ApiError(401, BAD_TOKEN, [{ message: `failed to parse token: ${reason}` }]);
}

/** The bearer value of a request, undefined when it sends no Authorization header; 401 when malformed. */
function bearerOf(request: Request): string | undefined {
  const header = request.headers.get("authorization") ?? "";
  if (header === "") return undefined;
  if (header.length < BEARER_PREFIX.length || header.slice(0, BEARER_PREFIX.length).toLowerCase() !== BEARER_PREFIX) {
    throw new ApiError(401, BAD_HEADER);
  }
  return header.slice(BEARER_PREFIX.length);
}

interface Waiter {
  waitUntil(promise: Promise<unknown>): void;
}

async function apiTokenPrincipal(env: Env, token: string, waiter: Waiter | undefined): Promise<Principal> {
  const stored = await readApiToken(env.DB, apiTokenHash(token), waiter);
  const nowUs = Date.now() * 1000;
  if (stored === null || stored.revokedAt !== null || stored.expiresAt <= nowUs) {
    throw unauthorized("token is unknown, revoked or expired");
  }
  const grant: TokenGrant = { id: stored.id, kind: stored.kind, group: stored.group, access: stored.access };
  return stored.kind === "personal"
    ? {
        auth_method: "pat",
        auth_method_sub: stored.owner,
        permissions: [],
        identities: stored.identities,
        token: grant,
      }
    : { auth_method: "vat", auth_method_sub: stored.id, permissions: [], identities: [], token: grant };
}

/** Verified organisation access tokens, by token: the signature is checked once per isolate. */
const verifiedAccessTokens = new LruCache<Record<string, unknown>>(1024, 1024);

function accessTokensEnabled(env: Env): boolean {
  return env.OIDC_ACCESS_TOKENS === "true" && Boolean(env.OIDC_ISSUER && env.OIDC_JWKS_URL);
}

async function oidcAccessPrincipal(env: Env, token: string): Promise<Principal> {
  let claims = verifiedAccessTokens.get(token);
  const nowSeconds = Date.now() / 1000;
  if (claims === undefined) {
    const verified = await verifyIdToken(token, {
      jwksUrl: env.OIDC_JWKS_URL,
      issuer: env.OIDC_ISSUER,
      audience: env.OIDC_AUDIENCE || env.OIDC_CLIENT_ID,
      algorithms: ["RS256", "ES256"],
      requireKid: false,
    });
    if (!verified.ok) throw unauthorized(verified.error);
    claims = verified.value;
    verifiedAccessTokens.set(token, claims, 1);
  } else if (typeof claims.exp !== "number" || claims.exp + 5 < nowSeconds) {
    verifiedAccessTokens.delete(token);
    throw unauthorized("token has invalid claims: token is expired");
  }
  const sub = claims.sub;
  if (typeof sub !== "string" || sub === "") throw unauthorized("sub claim is required");
  const identities = new Set<string>([`oidc:${sub}`]);
  if (typeof claims.email === "string" && claims.email_verified !== false) {
    const email = canonicalMember(claims.email);
    if (email !== undefined) identities.add(email);
  }
  const groupsClaim = claims[env.OIDC_GROUPS_CLAIM || "groups"];
  for (const group of Array.isArray(groupsClaim) ? groupsClaim.slice(0, 256) : []) {
    if (typeof group === "string" && group !== "") identities.add(`idp:${group}`);
  }
  // The registry permissions /auth/oidc would grant, under the same claim rules.
  const rulesHold = claimRuleViolation(parseClaimRules(env.OIDC_EXTRA_CLAIMS ?? ""), claims) === undefined;
  const permissions: Permission[] = rulesHold
    ? [
        ...parsePatternList(env.OIDC_PUBLISH_PERMISSIONS ?? "").map((resource) => ({
          action: "publish" as const,
          resource,
        })),
        ...parsePatternList(env.OIDC_EDIT_PERMISSIONS ?? "").map((resource) => ({ action: "edit" as const, resource })),
      ]
    : [];
  return { auth_method: "oidc-access", auth_method_sub: sub, permissions, identities: [...identities] };
}

/** The unverified issuer of a JWT, to pick who verifies it. */
function issuerOf(token: string): unknown {
  const jws = decodeJws(token);
  const claims = jws.ok ? decodeClaims(jws.value) : undefined;
  return claims?.ok ? claims.value.iss : undefined;
}

async function principalOf(env: Env, token: string, waiter: Waiter | undefined): Promise<Principal> {
  if (isApiToken(token)) return apiTokenPrincipal(env, token, waiter);
  if (accessTokensEnabled(env) && issuerOf(token) === env.OIDC_ISSUER && env.OIDC_ISSUER !== REGISTRY_ISSUER) {
    return oidcAccessPrincipal(env, token);
  }
  const verified = await verifyRegistryToken(env, token);
  if (!verified.ok) throw unauthorized(verified.error);
  const claims = verified.value;
  const identities = exchangeIdentities(claims.auth_method, claims.auth_method_sub);
  // Registry tokens from /auth/oidc carry the e-mail and groups they were issued for, if any.
  for (const extra of claims.identities ?? []) if (!identities.includes(extra)) identities.push(extra);
  return {
    auth_method: claims.auth_method,
    auth_method_sub: claims.auth_method_sub,
    permissions: claims.permissions,
    identities,
  };
}

/** The caller behind the request's bearer token, or a 401 as the official registry answers it. */
export async function authenticate(request: Request, env: Env, waiter?: Waiter): Promise<Principal> {
  const token = bearerOf(request);
  if (token === undefined) throw new ApiError(401, BAD_HEADER);
  return principalOf(env, token, waiter);
}

/** The caller when the request sends a token (401 if it is bad), undefined when it sends none. */
export async function optionalPrincipal(request: Request, env: Env, waiter?: Waiter): Promise<Principal | undefined> {
  const token = bearerOf(request);
  return token === undefined ? undefined : principalOf(env, token, waiter);
}

/** Whether the caller is an organisation administrator (edit on "*", never through a PAT/VAT). */
export function isOrgAdmin(principal: Principal | undefined): boolean {
  return principal !== undefined && principal.token === undefined && isGlobalAdmin(principal);
}

/**
 * What the caller holds in a group, evaluated now: organisation administrators hold "admin";
 * members their strongest role; a PAT the weaker of what it was given and what its person holds
 * now; a VAT what it was given, in its own group only.
 */
export async function accessIn(
  env: Env,
  group: Pick<GroupConfig, "name">,
  principal: Principal | undefined,
): Promise<Access | undefined> {
  if (principal === undefined) return undefined;
  if (isOrgAdmin(principal)) return "admin";
  const granted = principal.token?.access.find((a) => a.group === group.name)?.role;
  if (principal.token?.kind === "service") return principal.token.group === group.name ? granted : undefined;
  let held: Access | undefined;
  for (const role of await readMemberRoles(env.DB, group.name, principal.identities)) held = stronger(held, role);
  return principal.token === undefined ? held : weaker(held, granted);
}

export { atLeast };
