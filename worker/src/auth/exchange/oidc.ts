// POST /auth/oidc (spec §10.4): the operator's own identity provider, typically for admins.
// Grants are whatever OIDC_PUBLISH_PERMISSIONS / OIDC_EDIT_PERMISSIONS say, to any token from
// that issuer for our client id that satisfies OIDC_EXTRA_CLAIMS.
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
  | "JWT_PRIVATE_KEY"
>;

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
      algorithms: ["RS256", "ES256"],
      requireKid: false,
    },
    nowMs,
  );
  if (!verified.ok) throw refuse(`failed to validate OIDC token: ${verified.error}`);
  const violation = claimRuleViolation(rules, verified.value);
  if (violation !== undefined) throw refuse(`extra claims validation failed: ${violation}`);
  const { sub } = verified.value;
  if (typeof sub !== "string" || sub === "") throw refuse("failed to validate OIDC token: sub claim is required");
  const permissions: Permission[] = [
    ...parsePatternList(env.OIDC_PUBLISH_PERMISSIONS ?? "").map((resource) => ({
      action: "publish" as const,
      resource,
    })),
    ...parsePatternList(env.OIDC_EDIT_PERMISSIONS ?? "").map((resource) => ({ action: "edit" as const, resource })),
  ];
  return issueRegistryToken(env, "oidc", sub, permissions);
}
