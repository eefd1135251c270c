// A person's personal tokens are one list whichever way they sign in with the organisation's
// identity provider: a registry token from /auth/oidc and the provider's own access token name
// the same subject, so both list, count and revoke the same tokens.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearJwksCache } from "../worker/src/auth/jwks.ts";
import { issueRegistryToken } from "../worker/src/auth/registry-token.ts";
import { rsaIssuer, type TokenIssuer } from "./helpers/auth-fixtures.ts";
import { accessClaims, accessEnv, apiWith, bearer, seedGroup, serveJwks } from "./helpers/oidc-access.ts";

let idp: TokenIssuer;
beforeAll(async () => {
  idp = await rsaIssuer("idp-rsa");
});
beforeEach(() => clearJwksCache());
afterEach(() => vi.restoreAllMocks());

describe("personal tokens of a person signed in through OIDC", () => {
  it("are listed and revoked with the provider's access token as with an /auth/oidc registry token", async () => {
    serveJwks(idp);
    await seedGroup("owner-across", "private", { "oidc:00u-owner": "viewer" });
    const { registry_token } = await issueRegistryToken(env, "oidc", "00u-owner", []);
    const created = await apiWith(accessEnv(), "/x/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${registry_token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "laptop", kind: "personal", access: [{ group: "owner-across", role: "viewer" }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const access = await idp.sign(accessClaims({ sub: "00u-owner", groups: [] }));
    const listed = (await (await apiWith(accessEnv(), "/x/tokens", bearer(access))).json()) as any;
    expect(listed.tokens.map((t: { id: string }) => t.id)).toEqual([id]);
    const revoked = await apiWith(accessEnv(), `/x/tokens/${id}`, { method: "DELETE", ...bearer(access) });
    expect(revoked.status).toBe(200);
  });
});
