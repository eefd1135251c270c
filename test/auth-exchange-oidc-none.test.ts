// POST /auth/oidc (operator SSO) and POST /auth/none (anonymous, development only), spec §10.4.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { exchangeOidcToken } from "../worker/src/auth/exchange/oidc.ts";
import { clearJwksCache } from "../worker/src/auth/jwks.ts";
import { claimRuleViolation, parseClaimRules, parsePatternList } from "../worker/src/auth/oidc-rules.ts";
import { canEdit, canPublish, isGlobalAdmin } from "../worker/src/auth/permissions.ts";
import { authenticate } from "../worker/src/auth/principal.ts";
import { ApiError } from "../worker/src/errors.ts";
import { anonymousExchange, oidcExchange } from "../worker/src/http/routes/auth.ts";
import {
  callHandler,
  decodeJwtPart,
  es256Issuer,
  jsonResponse,
  nowSeconds,
  postJson,
  rsaIssuer,
  signCompact,
  stubFetch,
  type TokenIssuer,
} from "./helpers/auth-fixtures.ts";

const NOT_FOUND = {
  title: "Not Found",
  status: 404,
  detail: "Endpoint not found. See /docs for the API documentation.",
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("OIDC claim rules", () => {
  it("parses an object, an array of objects, or nothing", () => {
    expect(parseClaimRules("")).toEqual([]);
    expect(parseClaimRules('{"hd":"example.com"}')).toEqual([{ hd: "example.com" }]);
    expect(parseClaimRules('[{"hd":"example.com"},{"groups":"admins"}]')).toHaveLength(2);
    expect(() => parseClaimRules("{")).toThrow("not valid JSON");
    expect(() => parseClaimRules('"x"')).toThrow("must be a JSON object");
  });

  it.each([
    [{ groups: "admins" }, { groups: "admins" }, true],
    [{ groups: "admins" }, { groups: ["staff", "admins"] }, true],
    [{ groups: "admins" }, { groups: ["staff"] }, false],
    [{ groups: "admins" }, { groups: "admins-not" }, false],
    [{ groups: "admins" }, {}, false],
    [{ groups: ["a", "b"] }, { groups: ["c", "b"] }, true],
    [{ groups: ["a", "b"] }, { groups: "b" }, true],
    [{ email_verified: true }, { email_verified: "true" }, false],
    [{ email_verified: true }, { email_verified: true }, true],
    [{ org: { id: 1 } }, { org: { id: 1 } }, false],
    [{ hd: "example.com", groups: "admins" }, { hd: "example.com", groups: [] }, false],
  ])("rule %j vs claims %j → %s", (rule, claims, satisfied) => {
    expect(claimRuleViolation([rule], claims) === undefined).toBe(satisfied);
  });

  it("splits permission lists", () => {
    expect(parsePatternList(" com.acme/* , ,io.github.acme/*,")).toEqual(["com.acme/*", "io.github.acme/*"]);
    expect(parsePatternList("")).toEqual([]);
  });
});

describe("POST /auth/oidc", () => {
  let idp: TokenIssuer;
  let idpEc: TokenIssuer;
  let stranger: TokenIssuer;

  beforeAll(async () => {
    [idp, idpEc, stranger] = await Promise.all([rsaIssuer("idp-rsa"), es256Issuer("idp-ec"), rsaIssuer("idp-rsa")]);
  });

  beforeEach(() => {
    clearJwksCache();
  });

  function idClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = nowSeconds();
    return {
      iss: env.OIDC_ISSUER,
      aud: env.OIDC_CLIENT_ID,
      sub: "admin-42",
      email: "admin@example.test",
      groups: ["staff", "registry-admins"],
      iat: now,
      exp: now + 600,
      ...overrides,
    };
  }

  function serveJwks() {
    return stubFetch({ [env.OIDC_JWKS_URL]: () => jsonResponse({ keys: [idp.jwk, idpEc.jwk] }) });
  }

  const exchange = (token: string, environment: Env = env) =>
    callHandler(oidcExchange, "/v0.1/auth/oidc", postJson({ oidc_token: token }), environment);

  async function expectRefused(token: string, cause: string) {
    const { status, body } = await exchange(token);
    expect(status).toBe(401);
    expect(body.detail).toBe("Token exchange failed");
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toContain(cause);
  }

  it("grants the configured permissions to a token that satisfies the claim rules", async () => {
    serveJwks();
    const { status, body } = await exchange(await idp.sign(idClaims()));
    expect(status).toBe(200);
    const claims = decodeJwtPart(body.registry_token, 1);
    expect(claims).toMatchObject({
      auth_method: "oidc",
      auth_method_sub: "admin-42",
      permissions: [
        { action: "publish", resource: "*" },
        { action: "edit", resource: "*" },
      ],
    });
    expect(isGlobalAdmin(claims)).toBe(true);
  });

  it("accepts a scalar claim equal to the rule, and ES256 tokens without kid", async () => {
    serveJwks();
    expect((await exchange(await idp.sign(idClaims({ groups: "registry-admins" })))).status).toBe(200);
    expect((await exchange(await idpEc.sign(idClaims(), { kid: undefined }))).status).toBe(200);
  });

  it("grants exactly the comma lists it is configured with", async () => {
    serveJwks();
    const scoped = { ...env, OIDC_PUBLISH_PERMISSIONS: "com.acme/*, io.github.acme/*", OIDC_EDIT_PERMISSIONS: "" };
    const { status, body } = await exchange(await idp.sign(idClaims()), scoped);
    expect(status).toBe(200);
    const claims = decodeJwtPart(body.registry_token, 1);
    expect(claims.permissions).toEqual([
      { action: "publish", resource: "com.acme/*" },
      { action: "publish", resource: "io.github.acme/*" },
    ]);
    expect(canPublish(claims, "com.acme/x")).toBe(true);
    expect(canEdit(claims, "com.acme/x")).toBe(false);
  });

  it.each([
    [
      "a token without the required claim",
      { groups: undefined },
      "extra claims validation failed: claim validation failed: required claim groups not found",
    ],
    [
      "a token with other groups",
      { groups: ["staff"] },
      "extra claims validation failed: claim validation failed: groups does not match the required value",
    ],
    ["another issuer", { iss: "https://evil.example.test" }, "invalid issuer: expected https://idp.example.test"],
    ["another audience", { aud: ["someone-else"] }, "invalid audience: expected registry-admin"],
    ["an expired token", { exp: nowSeconds() - 30 }, "token is expired"],
    ["a token not valid yet", { nbf: nowSeconds() + 60 }, "token is not valid yet"],
    ["a token without sub", { sub: undefined }, "sub claim is required"],
  ])("refuses %s", async (_label, overrides, cause) => {
    serveJwks();
    await expectRefused(await idp.sign(idClaims(overrides)), cause);
  });

  it("refuses a forged signature, alg none and HS256", async () => {
    serveJwks();
    await expectRefused(await stranger.sign(idClaims()), "signature is invalid");
    await expectRefused(
      (await idp.sign(idClaims(), { alg: "none" })).replace(/[^.]+$/, ""),
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
      await signCompact({ alg: "HS256", kid: "idp-rsa" }, idClaims(), (input) =>
        crypto.subtle.sign("HMAC", hmacKey, input),
      ),
      "signing method HS256 is invalid",
    );
  });

  it("refuses an RS256 header over an EC key (key confusion)", async () => {
    serveJwks();
    const token = await idpEc.sign(idClaims(), { alg: "RS256" });
    await expectRefused(token, "invalid key type: expected RSA");
  });

  it("answers 404 as an unknown route when disabled, without reading the body", async () => {
    const calls = stubFetch({});
    const { status, body } = await callHandler(
      oidcExchange,
      "/v0.1/auth/oidc",
      { method: "POST", body: "not json" },
      { ...env, OIDC_ENABLED: "false" },
    );
    expect(status).toBe(404);
    expect(body).toEqual(NOT_FOUND);
    expect(calls).toHaveLength(0);
  });

  it("treats a broken configuration as a server error, not a client one", async () => {
    serveJwks();
    const token = await idp.sign(idClaims());
    const broken = exchangeOidcToken({ ...env, OIDC_EXTRA_CLAIMS: "{oops" }, token);
    await expect(broken).rejects.toThrow("OIDC_EXTRA_CLAIMS is not valid JSON");
    await expect(exchangeOidcToken({ ...env, OIDC_ISSUER: "" }, token)).rejects.not.toBeInstanceOf(ApiError);
  });

  it("422 for a missing oidc_token", async () => {
    const { status, body } = await callHandler(oidcExchange, "/v0.1/auth/oidc", postJson({}));
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      { message: "expected required property oidc_token to be present", location: "body", value: {} },
    ]);
  });
});

describe("POST /auth/none", () => {
  it("grants publish and edit on the anonymous namespace only", async () => {
    const { status, body } = await callHandler(anonymousExchange, "/v0.1/auth/none", { method: "POST" });
    expect(status).toBe(200);
    const claims = decodeJwtPart(body.registry_token, 1);
    expect(claims).toMatchObject({
      iss: "mcp-registry",
      auth_method: "none",
      auth_method_sub: "anonymous",
      permissions: [
        { action: "publish", resource: "io.modelcontextprotocol.anonymous/*" },
        { action: "edit", resource: "io.modelcontextprotocol.anonymous/*" },
      ],
    });
    expect(body.expires_at).toBe(claims.exp);
    expect(claims.exp - claims.iat).toBe(300);
  });

  it("ignores whatever body is sent", async () => {
    const { status } = await callHandler(anonymousExchange, "/v0.1/auth/none", { method: "POST", body: "{not json" });
    expect(status).toBe(200);
  });

  it("issues a token that authenticates for the anonymous namespace and nothing else", async () => {
    const { body } = await callHandler(anonymousExchange, "/v0/auth/none", { method: "POST" });
    const claims = await authenticate(
      new Request("http://registry.test/v0/publish", { headers: { authorization: `Bearer ${body.registry_token}` } }),
      env,
    );
    expect(canPublish(claims, "io.modelcontextprotocol.anonymous/demo")).toBe(true);
    expect(canEdit(claims, "io.modelcontextprotocol.anonymous/demo")).toBe(true);
    expect(canPublish(claims, "io.modelcontextprotocol.anonymousx/demo")).toBe(false);
    expect(canPublish(claims, "io.github.alice/demo")).toBe(false);
    expect(isGlobalAdmin(claims)).toBe(false);
  });

  it.each(["false", "", "TRUE", "1"])(
    "answers 404 as an unknown route when ENABLE_ANONYMOUS_AUTH is %j",
    async (flag) => {
      const { status, body } = await callHandler(
        anonymousExchange,
        "/v0.1/auth/none",
        { method: "POST" },
        { ...env, ENABLE_ANONYMOUS_AUTH: flag },
      );
      expect(status).toBe(404);
      expect(body).toEqual(NOT_FOUND);
    },
  );
});
