// The organisation's own OAuth 2.0 / OIDC access tokens as bearer tokens (OIDC_ACCESS_TOKENS):
// verified against the issuer's JWKS (signature, iss, aud, exp/nbf, on every use), reduced to a
// Principal with the members they prove and the permissions /auth/oidc would grant; refused with
// the official 401 otherwise; routed by their unverified issuer without opening a weaker path.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearJwksCache } from "../worker/src/auth/jwks.ts";
import { signEdDSA } from "../worker/src/auth/jwt.ts";
import { accessIn, authenticate, isOrgAdmin } from "../worker/src/auth/principal.ts";
import { signingKeys } from "../worker/src/auth/signing-key.ts";
import {
  decodeJwtPart,
  nowSeconds,
  rsaIssuer,
  es256Issuer,
  signCompact,
  type TokenIssuer,
} from "./helpers/auth-fixtures.ts";
import { accessClaims, accessEnv, API_AUDIENCE, apiWith, bearer, seedGroup, serveJwks } from "./helpers/oidc-access.ts";
import { editAll, tokenFor } from "./helpers/publishing.ts";

const UNAUTHORIZED = { title: "Unauthorized", status: 401, detail: "Invalid or expired Registry JWT token" };

let idp: TokenIssuer;
let idpEc: TokenIssuer;
let stranger: TokenIssuer;

beforeAll(async () => {
  [idp, idpEc, stranger] = await Promise.all([rsaIssuer("idp-rsa"), es256Issuer("idp-ec"), rsaIssuer("idp-rsa")]);
});

beforeEach(() => {
  clearJwksCache();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const principalOf = (token: string, environment = accessEnv()) =>
  authenticate(new Request("http://registry.test/x/tokens", bearer(token)), environment);

async function expectRefused(token: string, cause: string, environment = accessEnv()) {
  const response = await apiWith(environment, "/x/admin/audit", bearer(token));
  expect(response.status).toBe(401);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body: any = await response.json();
  expect(body).toMatchObject(UNAUTHORIZED);
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].message).toMatch(/^failed to parse token: /);
  expect(body.errors[0].message).toContain(cause);
}

describe("a valid access token", () => {
  it("is the person it names: subject, verified e-mail and group claims as members, /auth/oidc's permissions", async () => {
    serveJwks(idp, idpEc);
    const principal = await principalOf(await idp.sign(accessClaims()));
    expect(principal).toEqual({
      auth_method: "oidc-access",
      auth_method_sub: "00u-alice",
      permissions: [
        { action: "publish", resource: "*" },
        { action: "edit", resource: "*" },
      ],
      identities: ["oidc:00u-alice", "alice@example.test", "idp:eng", "idp:registry-admins"],
    });
    expect(isOrgAdmin(principal)).toBe(true);
    // And it is accepted on a route: the audit trail is for global maintainers only.
    const response = await apiWith(accessEnv(), "/x/admin/audit", bearer(await idpEc.sign(accessClaims())));
    expect(response.status).toBe(200);
  });

  it("earns no registry permission when OIDC_EXTRA_CLAIMS does not hold, but keeps its members", async () => {
    serveJwks(idp);
    const principal = await principalOf(await idp.sign(accessClaims({ groups: ["eng"], email_verified: true })));
    expect(principal.permissions).toEqual([]);
    expect(principal.identities).toEqual(["oidc:00u-alice", "alice@example.test", "idp:eng"]);
    expect(isOrgAdmin(principal)).toBe(false);
    expect(
      (await apiWith(accessEnv(), "/x/admin/audit", bearer(await idp.sign(accessClaims({ groups: [] }))))).status,
    ).toBe(403);
  });

  it("matches its e-mail only when the issuer says it is verified", async () => {
    await seedGroup("oidc-mail", "private", { "alice@example.test": "manager" });
    serveJwks(idp);
    for (const verified of [undefined, false, "false", "yes"]) {
      const principal = await principalOf(await idp.sign(accessClaims({ email_verified: verified })));
      expect(principal.identities).toEqual(["oidc:00u-alice", "idp:eng", "idp:registry-admins"]);
      const member = await principalOf(
        await idp.sign(accessClaims({ email_verified: verified, groups: ["eng"] })),
        accessEnv({ OIDC_EDIT_PERMISSIONS: "" }),
      );
      expect(await accessIn(accessEnv(), { name: "oidc-mail" }, member)).toBeUndefined();
    }
    const verified = await principalOf(
      await idp.sign(accessClaims({ email_verified: "true", groups: ["eng"] })),
      accessEnv({ OIDC_EDIT_PERMISSIONS: "" }),
    );
    expect(await accessIn(accessEnv(), { name: "oidc-mail" }, verified)).toBe("manager");
  });

  it("grants the group's role to a member matched by a group claim, and nothing without it", async () => {
    await seedGroup("oidc-eng", "private", { "idp:eng": "publisher", "oidc:00u-bob": "viewer" });
    serveJwks(idp);
    const environment = accessEnv({ OIDC_EXTRA_CLAIMS: '{"groups":"nobody"}' });
    const alice = await principalOf(await idp.sign(accessClaims()), environment);
    expect(await accessIn(environment, { name: "oidc-eng" }, alice)).toBe("publisher");
    const bob = await principalOf(await idp.sign(accessClaims({ sub: "00u-bob", groups: [] })), environment);
    expect(await accessIn(environment, { name: "oidc-eng" }, bob)).toBe("viewer");
    const carol = await principalOf(
      await idp.sign(accessClaims({ sub: "00u-carol", groups: ["EN G", "Eng"] })),
      environment,
    );
    expect(await accessIn(environment, { name: "oidc-eng" }, carol)).toBeUndefined();

    // Through HTTP: the private group answers its member, and is absent for anyone else.
    const aliceToken = await idp.sign(accessClaims());
    expect((await apiWith(environment, "/groups/oidc-eng/v0.1/ping", bearer(aliceToken))).status).toBe(200);
    const carolToken = await idp.sign(accessClaims({ sub: "00u-carol", groups: [] }));
    expect((await apiWith(environment, "/groups/oidc-eng/v0.1/ping", bearer(carolToken))).status).toBe(404);
    expect((await apiWith(environment, "/groups/oidc-eng/v0.1/ping")).status).toBe(404);
  });

  it("is audience-checked against OIDC_CLIENT_ID when OIDC_AUDIENCE is empty", async () => {
    serveJwks(idp);
    const environment = accessEnv({ OIDC_AUDIENCE: "" });
    const principal = await principalOf(await idp.sign(accessClaims({ aud: [env.OIDC_CLIENT_ID, "x"] })), environment);
    expect(principal.auth_method_sub).toBe("00u-alice");
    await expectRefused(await idp.sign(accessClaims()), "invalid audience: expected registry-admin", environment);
  });

  it("is verified once per isolate, yet expires like any other", async () => {
    const seen = serveJwks(idp);
    const token = await idp.sign(accessClaims({ exp: nowSeconds() + 60 }));
    for (let i = 0; i < 3; i++) expect((await principalOf(token)).auth_method_sub).toBe("00u-alice");
    expect(seen).toHaveLength(1); // one JWKS fetch, for the first use
    const later = Date.now() + 120_000;
    vi.spyOn(Date, "now").mockReturnValue(later);
    await expectRefused(token, "token is expired");
  });

  it("is verified again when the configuration it was verified under changes", async () => {
    serveJwks(idp);
    const token = await idp.sign(accessClaims());
    expect((await principalOf(token)).auth_method_sub).toBe("00u-alice");
    await expectRefused(token, "invalid audience", accessEnv({ OIDC_AUDIENCE: "another-api" }));
  });
});

describe("refused access tokens", () => {
  it.each([
    ["another audience", { aud: "someone-else" }, `invalid audience: expected ${API_AUDIENCE}`],
    ["an expired token", { exp: nowSeconds() - 30 }, "token is expired"],
    ["a token not valid yet", { nbf: nowSeconds() + 60 }, "token is not valid yet"],
    ["a token without exp", { exp: undefined }, "exp claim is required"],
    ["a token without sub", { sub: undefined }, "sub claim is required"],
  ])("refuses %s", async (_label, overrides, cause) => {
    serveJwks(idp);
    await expectRefused(await idp.sign(accessClaims(overrides)), cause);
  });

  it("refuses another issuer's token (it is no registry token either)", async () => {
    serveJwks(idp);
    await expectRefused(await idp.sign(accessClaims({ iss: "https://evil.example.test" })), "signature is invalid");
  });

  it("refuses a forged signature, alg none, HS256 and key confusion", async () => {
    serveJwks(idp, idpEc);
    await expectRefused(await stranger.sign(accessClaims()), "signature is invalid");
    await expectRefused(
      (await idp.sign(accessClaims(), { alg: "none" })).replace(/[^.]+$/, ""),
      "signing method none is invalid",
    );
    const hmacKey = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(JSON.stringify(idp.jwk)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    await expectRefused(
      await signCompact({ alg: "HS256", kid: "idp-rsa" }, accessClaims(), (input) =>
        crypto.subtle.sign("HMAC", hmacKey, input),
      ),
      "signing method HS256 is invalid",
    );
    await expectRefused(await idpEc.sign(accessClaims(), { alg: "RS256" }), "invalid key type: expected RSA");
  });

  it("never lets the unverified issuer pick a weaker check", async () => {
    serveJwks(idp);
    // Signed with the registry's own key but naming the organisation's issuer: only its JWKS counts.
    const { privateKey } = await signingKeys(env);
    const ours = await signEdDSA(privateKey, {
      ...accessClaims(),
      auth_method: "none",
      auth_method_sub: "x",
      permissions: [],
    });
    await expectRefused(ours, "signing method EdDSA is invalid");
    // Signed by the organisation but naming the registry: only the registry's key counts.
    const theirs = await idp.sign({
      ...accessClaims({ iss: "mcp-registry" }),
      auth_method: "none",
      auth_method_sub: "x",
      permissions: editAll("*"),
    });
    await expectRefused(theirs, "signing method RS256 is invalid");
  });

  it("is no bearer token at all while OIDC_ACCESS_TOKENS is off", async () => {
    const seen = serveJwks(idp);
    await expectRefused(await idp.sign(accessClaims()), "signing method RS256 is invalid", {
      ...accessEnv(),
      OIDC_ACCESS_TOKENS: "false",
    });
    expect(seen).toHaveLength(0);
  });

  it("treats a half-configured issuer as the operator's error, not the caller's", async () => {
    serveJwks(idp);
    const response = await apiWith(
      accessEnv({ OIDC_AUDIENCE: "", OIDC_CLIENT_ID: "" }),
      "/x/admin/audit",
      bearer(await idp.sign(accessClaims({ aud: "" }))),
    );
    expect(response.status).toBe(500);
  });
});

describe("registry tokens while access tokens are on", () => {
  it("still authenticate as before", async () => {
    const token = await tokenFor(editAll("*"), "github-at", "Octo");
    const principal = await principalOf(token);
    expect(principal).toMatchObject({ auth_method: "github-at", auth_method_sub: "Octo", identities: ["github:octo"] });
    expect(decodeJwtPart(token, 1).iss).toBe("mcp-registry");
    expect((await apiWith(accessEnv(), "/x/admin/audit", bearer(token))).status).toBe(200);
  });
});
