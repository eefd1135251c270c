// Who is asking: every kind of bearer token the registry accepts, reduced to one Principal.
// - registry JWTs from the /auth/* exchanges (spec §10.1): their permissions, and the member
//   forms of the identity they prove;
// - personal and service tokens (mcpr_pat_…, mcpr_vat_…): group access only;
// - the organisation's own OAuth 2.0 / OIDC access tokens (OIDC_ACCESS_TOKENS = "true"): the
//   permissions /auth/oidc would grant, and the subject, verified e-mail and group claims as
//   members.
// Rights are evaluated on every request (accessIn), from caches that are at most
// GOVERNANCE_TTL_MS old (storage/governance-cache.ts).
import {
  effectiveAccess,
  exchangeIdentities,
  GROUP_NAME_PATTERN,
  type Access,
  type GroupConfig,
  type TokenScope,
} from "../domain/groups.ts";
import { nowMicros } from "../domain/timestamps.ts";
import { ApiError } from "../errors.ts";
import { noteTokenUse, readApiToken, readGroup, readMemberRoles } from "../storage/governance-cache.ts";
import { LruCache } from "../storage/lru.ts";
import { apiTokenHash, isApiToken, looksLikeApiToken } from "./api-token.ts";
import { REGISTRY_ISSUER, type Permission } from "./claims.ts";
import { OIDC_ALGORITHMS, oidcPermissions, ssoIdentities } from "./exchange/oidc.ts";
import { verifyIdToken } from "./id-token.ts";
import { checkTimeClaims, decodeClaims, decodeJws } from "./jwt.ts";
import { claimRuleViolation, parseClaimRules } from "./oidc-rules.ts";
import { isGlobalAdmin } from "./permissions.ts";
import { TOKEN_LEEWAY_SECONDS, verifyRegistryToken } from "./registry-token.ts";

/** A personal or service token's grant, as the request presented it. */
export interface TokenGrant extends TokenScope {
  id: string;
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
const UNKNOWN_API_TOKEN = "token is unknown, revoked or expired";

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

async function apiTokenPrincipal(env: Env, token: string): Promise<Principal> {
  const stored = await readApiToken(env.DB, token, apiTokenHash);
  const nowUs = nowMicros();
  if (stored === null || stored.revokedAt !== null || stored.expiresAt <= nowUs) {
    throw unauthorized(UNKNOWN_API_TOKEN);
  }
  await noteTokenUse(env.DB, stored.id);
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

/**
 * Organisation access tokens this isolate verified, with the configuration they were verified
 * under (another issuer, audience or key set verifies again). Only tokens that passed land here.
 */
interface VerifiedAccessToken {
  config: string;
  verifiedAt: number;
  claims: Record<string, unknown>;
}
const verifiedAccessTokens = new LruCache<VerifiedAccessToken>(1024, 8 * 1024 * 1024);
/**
 * A verified token's signature is checked again after this long (the JWKS is re-read as often,
 * see jwks.ts), so a key the issuer withdrew stops working within that bound here too.
 */
const REVERIFY_AFTER_MS = 5 * 60_000;

/**
 * The issuer whose own access tokens are accepted as bearer tokens, or undefined when none is.
 * Never our own issuer name: registry tokens are verified with our key only.
 */
export function accessTokenIssuer(env: Env): string | undefined {
  const issuer = env.OIDC_ISSUER;
  return env.OIDC_ACCESS_TOKENS === "true" && issuer && issuer !== REGISTRY_ISSUER ? issuer : undefined;
}

/**
 * The caller behind an access token of the organisation's issuer: signature (RS256/ES256 with a
 * key of its JWKS), iss, aud, exp/nbf; its members `oidc:<sub>`, the verified e-mail and
 * `idp:<group>` per group claim; the permissions /auth/oidc would grant it.
 */
async function oidcAccessPrincipal(env: Env, issuer: string, token: string): Promise<Principal> {
  const audience = env.OIDC_AUDIENCE || env.OIDC_CLIENT_ID;
  // A half-configured issuer is the operator's problem: a logged 500, never an open door.
  if (!env.OIDC_JWKS_URL || !audience) {
    throw new Error("OIDC_ACCESS_TOKENS is on but OIDC_JWKS_URL or OIDC_AUDIENCE (or OIDC_CLIENT_ID) is not set");
  }
  const config = `${issuer}\n${audience}\n${env.OIDC_JWKS_URL}`;
  const now = Date.now();
  let entry = verifiedAccessTokens.get(token);
  if (entry === undefined || entry.config !== config || now - entry.verifiedAt > REVERIFY_AFTER_MS) {
    const verified = await verifyIdToken(
      token,
      { jwksUrl: env.OIDC_JWKS_URL, issuer, audience, algorithms: OIDC_ALGORITHMS, requireKid: false },
      now,
    );
    if (!verified.ok) {
      verifiedAccessTokens.delete(token);
      throw unauthorized(verified.error);
    }
    entry = { config, verifiedAt: now, claims: verified.value };
    verifiedAccessTokens.set(token, entry, token.length * 4 + 256);
  }
  // Time claims on every use: a remembered token expires like any other.
  const timely = checkTimeClaims(entry.claims, now / 1000, TOKEN_LEEWAY_SECONDS);
  if (!timely.ok) throw unauthorized(timely.error);
  const { claims } = entry;
  const sub = claims.sub;
  if (typeof sub !== "string" || sub === "") throw unauthorized("token has invalid claims: sub claim is required");
  const identities = [
    ...new Set([...exchangeIdentities("oidc", sub), ...ssoIdentities(claims, env.OIDC_GROUPS_CLAIM)]),
  ];
  // Registry permissions only under the claim rules /auth/oidc enforces; group roles either way.
  const rulesHold = claimRuleViolation(parseClaimRules(env.OIDC_EXTRA_CLAIMS ?? ""), claims) === undefined;
  return {
    auth_method: "oidc-access",
    auth_method_sub: sub,
    permissions: rulesHold ? oidcPermissions(env) : [],
    identities,
  };
}

/**
 * The unverified issuer of a JWT, only to pick its verifier: each verifier then checks `iss`
 * itself and accepts only its own algorithms and keys (EdDSA with our key; RS256/ES256 with the
 * issuer's JWKS), so naming another issuer cannot lead a token around a check.
 */
function issuerOf(token: string): unknown {
  const jws = decodeJws(token);
  const claims = jws.ok ? decodeClaims(jws.value) : undefined;
  return claims?.ok ? claims.value.iss : undefined;
}

async function principalOf(env: Env, token: string): Promise<Principal> {
  if (looksLikeApiToken(token)) {
    // Only the exact shape costs a D1 lookup: a made-up value is refused without one.
    if (!isApiToken(token)) throw unauthorized(UNKNOWN_API_TOKEN);
    return apiTokenPrincipal(env, token);
  }
  const issuer = accessTokenIssuer(env);
  if (issuer !== undefined && issuerOf(token) === issuer) return oidcAccessPrincipal(env, issuer, token);
  const verified = await verifyRegistryToken(env, token);
  if (!verified.ok) throw unauthorized(verified.error);
  const claims = verified.value;
  // Registry tokens from /auth/oidc carry the e-mail and groups they were issued for, if any.
  const identities = [
    ...new Set([...exchangeIdentities(claims.auth_method, claims.auth_method_sub), ...(claims.identities ?? [])]),
  ];
  return {
    auth_method: claims.auth_method,
    auth_method_sub: claims.auth_method_sub,
    permissions: claims.permissions,
    identities,
  };
}

/** The caller behind the request's bearer token, or a 401 as the official registry answers it. */
export async function authenticate(request: Request, env: Env): Promise<Principal> {
  const token = bearerOf(request);
  if (token === undefined) throw new ApiError(401, BAD_HEADER);
  return principalOf(env, token);
}

/** The caller when the request sends a token (401 if it is bad), undefined when it sends none. */
export async function optionalPrincipal(request: Request, env: Env): Promise<Principal | undefined> {
  const token = bearerOf(request);
  return token === undefined ? undefined : principalOf(env, token);
}

/** Whether the caller is an organisation administrator (edit on "*", never through a PAT/VAT). */
export function isOrgAdmin(principal: Principal | undefined): boolean {
  return principal !== undefined && principal.token === undefined && isGlobalAdmin(principal);
}

/**
 * A group by name and what the caller holds in it now; undefined when the name is none a group
 * can have or no group has it. Each caller decides what the access must be, and its own 404.
 */
export async function groupAccess(
  env: Env,
  name: string,
  principal: Principal | undefined,
): Promise<{ group: GroupConfig; access: Access | undefined } | undefined> {
  const group = GROUP_NAME_PATTERN.test(name) ? await readGroup(env.DB, name) : null;
  return group === null ? undefined : { group, access: await accessIn(env, group, principal) };
}

/**
 * What the caller holds in a group, evaluated now (domain/groups.ts effectiveAccess) from the
 * member roles of its identities as the governance cache knows them.
 */
export async function accessIn(
  env: Env,
  group: Pick<GroupConfig, "name">,
  principal: Principal | undefined,
): Promise<Access | undefined> {
  if (principal === undefined) return undefined;
  const admin = isOrgAdmin(principal);
  // Administrators and service tokens (which have no identities) need no member roles.
  const roles = admin ? [] : await readMemberRoles(env.DB, group.name, principal.identities);
  return effectiveAccess(group.name, { admin, token: principal.token }, roles);
}
