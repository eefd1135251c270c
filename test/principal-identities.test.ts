// The members a registry token's holder matches (Principal.identities): the identity its exchange
// proved, plus, for tokens from /auth/oidc, the SSO identities it was issued for (the e-mail only
// when the issuer says it is verified, idp:<group> per group claim; bounded), so SSO groups map to
// group roles through the CLI too.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_SSO_IDENTITIES, ssoIdentities } from "../worker/src/auth/exchange/oidc.ts";
import { clearJwksCache } from "../worker/src/auth/jwks.ts";
import { accessIn, authenticate } from "../worker/src/auth/principal.ts";
import { oidcExchange } from "../worker/src/http/routes/auth.ts";
import {
  callHandler,
  decodeJwtPart,
  nowSeconds,
  postJson,
  rsaIssuer,
  type TokenIssuer,
} from "./helpers/auth-fixtures.ts";
import { bearer, seedGroup, serveJwks } from "./helpers/oidc-access.ts";
import { tokenFor } from "./helpers/publishing.ts";

const principalOf = (token: string) => authenticate(new Request("http://registry.test/x/tokens", bearer(token)), env);

describe("registry tokens of every exchange", () => {
  it.each([
    ["github-at", "OctoCat", ["github:octocat"]],
    ["github-oidc", "Acme/Repo", ["github-oidc:acme/repo"]],
    ["dns", "Example.COM", ["dns:example.com"]],
    ["http", "example.com", ["http:example.com"]],
    ["oidc", "00u-Alice", ["oidc:00u-Alice"]],
  ])("%s for %j matches %j", async (method, subject, identities) => {
    expect((await principalOf(await tokenFor([], method, subject))).identities).toEqual(identities);
  });
});

describe("SSO identities of verified OIDC claims", () => {
  it("takes the verified e-mail in lower case and each group, once", () => {
    const claims = { email: "Alice@Example.TEST", email_verified: true, groups: ["eng", "Ops", "eng"] };
    expect(ssoIdentities(claims, "groups")).toEqual(["alice@example.test", "idp:eng", "idp:Ops"]);
    expect(ssoIdentities({ roles: "platform" }, "roles")).toEqual(["idp:platform"]);
  });

  it('takes the e-mail only when email_verified is true or "true"', () => {
    expect(ssoIdentities({ email: "a@example.test", email_verified: "true" }, "groups")).toEqual(["a@example.test"]);
    for (const verified of [undefined, null, false, "false", "yes", "TRUE", 1, {}]) {
      expect(ssoIdentities({ email: "a@example.test", email_verified: verified }, "groups")).toEqual([]);
    }
    expect(ssoIdentities({ email: "a@example.test" }, "groups")).toEqual([]);
  });

  it("skips values that are no e-mail address", () => {
    for (const email of ["github:alice", "idp:registry-admins", "oidc:root", "not an email", "x", 42]) {
      expect(ssoIdentities({ email, email_verified: true }, "groups")).toEqual([]);
    }
  });

  it("skips group entries that are no member name", () => {
    expect(ssoIdentities({ groups: ["", "a b", "tab\tx", 7, { g: 1 }, null, "ok"] }, "groups")).toEqual(["idp:ok"]);
    expect(ssoIdentities({ groups: { eng: true } }, "groups")).toEqual([]);
  });

  it("keeps at most MAX_SSO_IDENTITIES, and a bounded length in all", () => {
    const many = Array.from({ length: 1000 }, (_, i) => `group-${i}`);
    const kept = ssoIdentities({ email: "a@example.test", email_verified: true, groups: many }, "groups");
    expect(kept).toHaveLength(MAX_SSO_IDENTITIES);
    expect(kept.slice(0, 2)).toEqual(["a@example.test", "idp:group-0"]);
    const long = Array.from({ length: 64 }, (_, i) => `${i}-${"g".repeat(300)}`);
    expect(ssoIdentities({ groups: long }, "groups").join("").length).toBeLessThanOrEqual(4096);
  });
});

describe("POST /auth/oidc", () => {
  let idp: TokenIssuer;

  beforeAll(async () => {
    idp = await rsaIssuer("idp-rsa");
  });

  beforeEach(() => {
    clearJwksCache();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const idClaims = (overrides: Record<string, unknown> = {}) => ({
    iss: env.OIDC_ISSUER,
    aud: env.OIDC_CLIENT_ID,
    sub: "00u-dana",
    email: "Dana@Example.TEST",
    email_verified: true,
    groups: ["registry-admins", "platform"],
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    ...overrides,
  });

  async function exchange(claims: Record<string, unknown>, environment: Env = env): Promise<string> {
    serveJwks(idp);
    const { status, body } = await callHandler(
      oidcExchange,
      "/v0.1/auth/oidc",
      postJson({ oidc_token: await idp.sign(claims) }),
      environment,
    );
    expect(status).toBe(200);
    return body.registry_token;
  }

  it("issues a registry token carrying the SSO identities, which its holder then matches", async () => {
    const token = await exchange(idClaims());
    expect(decodeJwtPart(token, 1).identities).toEqual(["dana@example.test", "idp:registry-admins", "idp:platform"]);
    expect((await principalOf(token)).identities).toEqual([
      "oidc:00u-dana",
      "dana@example.test",
      "idp:registry-admins",
      "idp:platform",
    ]);
  });

  it("carries no e-mail the issuer does not say is verified", async () => {
    const token = await exchange(idClaims({ email_verified: undefined }));
    expect(decodeJwtPart(token, 1).identities).toEqual(["idp:registry-admins", "idp:platform"]);
  });

  it("issues no identities claim when the token proves nothing beyond its subject", async () => {
    const token = await exchange(idClaims({ email: undefined, groups: "registry-admins", email_verified: false }));
    expect(decodeJwtPart(token, 1).identities).toEqual(["idp:registry-admins"]);
    const bare = await exchange(idClaims({ email: undefined }), {
      ...env,
      OIDC_EXTRA_CLAIMS: "",
      OIDC_GROUPS_CLAIM: "roles",
    });
    expect(decodeJwtPart(bare, 1)).not.toHaveProperty("identities");
    expect((await principalOf(bare)).identities).toEqual(["oidc:00u-dana"]);
  });

  it("gives its holder the roles of the SSO group, the e-mail and the subject", async () => {
    await seedGroup("sso-platform", "private", { "idp:platform": "publisher" });
    await seedGroup("sso-mail", "private", { "dana@example.test": "manager" });
    const scoped = { ...env, OIDC_EDIT_PERMISSIONS: "" }; // not an organisation administrator
    const principal = await principalOf(await exchange(idClaims(), scoped));
    expect(principal.permissions).toEqual([{ action: "publish", resource: "*" }]);
    expect(await accessIn(env, { name: "sso-platform" }, principal)).toBe("publisher");
    expect(await accessIn(env, { name: "sso-mail" }, principal)).toBe("manager");
    const outsider = await principalOf(
      await exchange(idClaims({ sub: "00u-eve", email: "eve@example.test", groups: ["registry-admins"] }), scoped),
    );
    expect(await accessIn(env, { name: "sso-platform" }, outsider)).toBeUndefined();
  });
});
