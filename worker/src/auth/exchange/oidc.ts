// POST /auth/oidc (spec §10.4): the operator's own identity provider, typically for admins.
// Grants are whatever OIDC_PUBLISH_PERMISSIONS / OIDC_EDIT_PERMISSIONS say, to any token from
// that issuer for our client id that satisfies OIDC_EXTRA_CLAIMS. The issued registry token also
// carries the SSO identities of the token (verified e-mail, idp:<group> per group claim), so group
// roles granted to those members apply to it (docs/governance.md).
import { canonicalMember } from "../../domain/groups.ts";
import type { Permission } from "../claims.ts";
import { verifyIdToken } from "../id-token.ts";
import { claimRuleViolation, parseClaimRules, parsePatternList } from "../oidc-rules.ts";
import { issueRegistryToken, type TokenResponse } from "../registry-token.ts";
import { exchangeRefused, TOKEN_EXCHANGE_FAILED } from "./failure.ts";

type OidcEnv = Pick<
  Env,
  | "OIDC_ISSUER"
  | "OIDC_CLIENT_ID"
  | "OIDC_JWKS_URL"
  | "OIDC_EXTRA_CLAIMS"
  | "OIDC_PUBLISH_PERMISSIONS"
  | "OIDC_EDIT_PERMISSIONS"
  | "OIDC_GROUPS_CLAIM"
  | "JWT_PRIVATE_KEY"
>;

/** SSO identities kept per token: they ride in registry tokens, which must stay far below MAX_TOKEN_LENGTH. */
export const MAX_SSO_IDENTITIES = 64;
const MAX_SSO_IDENTITY_CHARS = 4 * 1024;

/** Algorithms the operator's issuer may sign with (never HS256 or none). */
export const OIDC_ALGORITHMS = ["RS256", "ES256"] as const;

/** The permissions the operator grants an OIDC identity whose claims satisfy OIDC_EXTRA_CLAIMS. */
export function oidcPermissions(env: Pick<Env, "OIDC_PUBLISH_PERMISSIONS" | "OIDC_EDIT_PERMISSIONS">): Permission[] {
  return [
    ...parsePatternList(env.OIDC_PUBLISH_PERMISSIONS ?? "").map((resource) => ({
      action: "publish" as const,
      resource,
    })),
    ...parsePatternList(env.OIDC_EDIT_PERMISSIONS ?? "").map((resource) => ({ action: "edit" as const, resource })),
  ];
}

/**
 * The member forms verified OIDC claims prove besides `oidc:<sub>`: the e-mail (lower case) only
 * when the issuer vouches for it (`email_verified` true, or "true"; without the claim the address
 * may be one nobody checked), and `idp:<group>` for each entry of the group claim.
 * Values that are no valid member of their kind are skipped (an "e-mail" of `github:alice` must
 * not become that GitHub identity); at most MAX_SSO_IDENTITIES, first ones first.
 */
export function ssoIdentities(claims: Record<string, unknown>, groupsClaim: string | undefined): string[] {
  const found: string[] = [];
  let chars = 0;
  const add = (member: string | undefined): boolean => {
    if (member === undefined || found.includes(member)) return true;
    if (found.length >= MAX_SSO_IDENTITIES || chars + member.length > MAX_SSO_IDENTITY_CHARS) return false;
    found.push(member);
    chars += member.length;
    return true;
  };
  const { email, email_verified: verified } = claims;
  if (typeof email === "string" && (verified === true || verified === "true")) {
    const member = canonicalMember(email);
    // Only the e-mail form (prefixed kinds all contain ':', e-mail addresses never do).
    if (member !== undefined && !member.includes(":")) add(member);
  }
  const groups = claims[groupsClaim || "groups"];
  const entries = typeof groups === "string" ? [groups] : Array.isArray(groups) ? groups : [];
  // Entries beyond the bound are never looked at: a huge claim costs no more than a full one.
  for (const group of entries.slice(0, MAX_SSO_IDENTITIES)) {
    if (typeof group !== "string" || group === "") continue;
    if (!add(canonicalMember(`idp:${group}`))) break;
  }
  return found;
}

export async function exchangeOidcToken(env: OidcEnv, oidcToken: string, nowMs = Date.now()): Promise<TokenResponse> {
  // A half-configured provider is the operator's problem: a logged 500, not a client 401.
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_JWKS_URL) {
    throw new Error("OIDC is enabled but OIDC_ISSUER, OIDC_CLIENT_ID or OIDC_JWKS_URL is not set");
  }
  const rules = parseClaimRules(env.OIDC_EXTRA_CLAIMS ?? "");
  const refuse = (reason: string) => exchangeRefused(TOKEN_EXCHANGE_FAILED, reason);
  const verified = await verifyIdToken(
    oidcToken,
    {
      jwksUrl: env.OIDC_JWKS_URL,
      issuer: env.OIDC_ISSUER,
      audience: env.OIDC_CLIENT_ID,
      algorithms: OIDC_ALGORITHMS,
      requireKid: false,
    },
    nowMs,
  );
  if (!verified.ok) throw refuse(`failed to validate OIDC token: ${verified.error}`);
  const violation = claimRuleViolation(rules, verified.value);
  if (violation !== undefined) throw refuse(`extra claims validation failed: ${violation}`);
  const { sub } = verified.value;
  if (typeof sub !== "string" || sub === "") throw refuse("failed to validate OIDC token: sub claim is required");
  const identities = ssoIdentities(verified.value, env.OIDC_GROUPS_CLAIM);
  return issueRegistryToken(env, "oidc", sub, oidcPermissions(env), undefined, identities);
}
