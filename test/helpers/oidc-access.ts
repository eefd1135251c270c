// The organisation's identity provider in tests: access tokens it signs, its JWKS served through
// the fetch stub, the Worker called with OIDC_ACCESS_TOKENS switched on (a per-test environment,
// as the global test configuration leaves it off), and groups with members written straight to D1.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { handleRequest } from "../../worker/src/http/router.ts";
import { forgetGovernance } from "../../worker/src/storage/governance-cache.ts";
import { jsonResponse, nowSeconds, stubFetch, type TokenIssuer } from "./auth-fixtures.ts";
import { ORIGIN } from "./registry.ts";

/** The audience the organisation's API tokens are issued for (not the admin client id). */
export const API_AUDIENCE = "registry-api";

/** The test environment with the issuer's access tokens accepted. */
export function accessEnv(overrides: Partial<Env> = {}): Env {
  return { ...env, OIDC_ACCESS_TOKENS: "true", OIDC_AUDIENCE: API_AUDIENCE, ...overrides };
}

/** Claims of an access token of the test issuer (env.OIDC_ISSUER) for API_AUDIENCE. */
export function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: env.OIDC_ISSUER,
    aud: API_AUDIENCE,
    sub: "00u-alice",
    email: "Alice@Example.test",
    email_verified: true,
    groups: ["eng", "registry-admins"],
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

/** Serves the issuers' keys at env.OIDC_JWKS_URL; returns the requests seen. */
export function serveJwks(...issuers: TokenIssuer[]): Request[] {
  return stubFetch({ [env.OIDC_JWKS_URL]: () => jsonResponse({ keys: issuers.map((i) => i.jwk) }) });
}

/** A request through the Worker's fetch handler with another environment. */
export async function apiWith(environment: Env, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await handleRequest(
    new Request(`${ORIGIN}${path}`, { redirect: "manual", ...init }),
    environment,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

export const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

/** A group with members, written to D1 directly (the governance routes are tested elsewhere). */
export async function seedGroup(
  name: string,
  visibility: "private" | "public",
  members: Record<string, "viewer" | "publisher" | "manager">,
): Promise<void> {
  const now = Date.now() * 1000;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO groups (name, title, visibility, created_at, created_by, updated_at) VALUES (?, NULL, ?, ?, 'test', ?)",
    ).bind(name, visibility, now, now),
    ...Object.entries(members).map(([member, role]) =>
      env.DB.prepare(
        "INSERT INTO group_members (group_name, member, role, added_at, added_by) VALUES (?, ?, ?, ?, 'test')",
      ).bind(name, member, role, now),
    ),
  ]);
  forgetGovernance();
}
