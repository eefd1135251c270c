// POST /auth/github-at and /auth/github-oidc (spec §10.3–10.4), with GitHub stubbed.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { exchangeGitHubOidcToken } from "../worker/src/auth/exchange/github-oidc.ts";
import { clearJwksCache } from "../worker/src/auth/jwks.ts";
import { ApiError } from "../worker/src/errors.ts";
import { githubAccessTokenExchange, githubOidcExchange } from "../worker/src/http/routes/auth.ts";
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

const API = "https://api.github.com";
const GH_TOKEN = "gho_SECRETsecretSECRET1234567890";

afterEach(() => {
  vi.restoreAllMocks();
});

function membership(login: string, role = "admin", state = "active") {
  return { state, role, organization: { login, id: 1 } };
}

async function exchangeAt(body: unknown = { github_token: GH_TOKEN }) {
  return callHandler(githubAccessTokenExchange, "/v0.1/auth/github-at", postJson(body));
}

describe("POST /auth/github-at", () => {
  it("grants the login's namespace and those of owned orgs only", async () => {
    const calls = stubFetch({
      [`${API}/user`]: () => jsonResponse({ login: "Alice-1", id: 7 }),
      [`${API}/user/memberships/orgs`]: () =>
        jsonResponse([
          membership("acme"),
          membership("member-only", "member"),
          membership("pending-owner", "admin", "pending"),
          membership("bad.name"),
          membership("Second-Org"),
          { state: "active", role: "admin" },
        ]),
    });
    const { status, body } = await exchangeAt();
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["expires_at", "registry_token"]);
    const claims = decodeJwtPart(body.registry_token, 1);
    expect(claims).toMatchObject({ auth_method: "github-at", auth_method_sub: "Alice-1" });
    expect(claims.permissions).toEqual([
      { action: "publish", resource: "io.github.Alice-1/*" },
      { action: "publish", resource: "io.github.acme/*" },
      { action: "publish", resource: "io.github.Second-Org/*" },
    ]);
    expect(body.expires_at).toBe(claims.exp);

    expect(calls.map((c) => c.url)).toEqual([
      `${API}/user`,
      `${API}/user/memberships/orgs?state=active&per_page=100&page=1`,
    ]);
    for (const call of calls) {
      expect(call.headers.get("authorization")).toBe(`Bearer ${GH_TOKEN}`);
      expect(call.headers.get("user-agent")).toBeTruthy();
      expect(call.redirect).toBe("manual");
    }
  });

  it("follows membership pages until a short one", async () => {
    const fullPage = Array.from({ length: 100 }, (_, i) => membership(`org-${i}`, "member"));
    const calls = stubFetch({
      [`${API}/user`]: () => jsonResponse({ login: "alice" }),
      [`${API}/user/memberships/orgs?state=active&per_page=100&page=1`]: () => jsonResponse(fullPage),
      [`${API}/user/memberships/orgs?state=active&per_page=100&page=2`]: () => jsonResponse([membership("late-org")]),
    });
    const { status, body } = await exchangeAt();
    expect(status).toBe(200);
    expect(decodeJwtPart(body.registry_token, 1).permissions.map((p: any) => p.resource)).toEqual([
      "io.github.alice/*",
      "io.github.late-org/*",
    ]);
    expect(calls).toHaveLength(3);
  });

  it("fails closed when memberships never end", async () => {
    const fullPage = Array.from({ length: 100 }, (_, i) => membership(`org-${i}`, "member"));
    stubFetch({
      [`${API}/user`]: () => jsonResponse({ login: "alice" }),
      [`${API}/user/memberships/orgs`]: () => jsonResponse(fullPage),
    });
    const { status, body } = await exchangeAt();
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/^failed to get GitHub organizations: more than \d+ pages/);
  });

  it("grants the personal namespace when the token may not list memberships (no read:org)", async () => {
    stubFetch({
      [`${API}/user`]: () => jsonResponse({ login: "alice" }),
      [`${API}/user/memberships/orgs`]: () => jsonResponse({ message: "Resource not accessible" }, { status: 403 }),
    });
    const { status, body } = await exchangeAt();
    expect(status).toBe(200);
    expect(decodeJwtPart(body.registry_token, 1).permissions).toEqual([
      { action: "publish", resource: "io.github.alice/*" },
    ]);
  });

  it.each([
    ["rate limited", { "x-ratelimit-remaining": "0" }, "rate limit exceeded"],
    ["throttled with Retry-After", { "retry-after": "60" }, "rate limit exceeded"],
    [
      "blocked by SSO",
      { "x-github-sso": "required; url=https://github.com/orgs/acme/sso" },
      "require SSO authorization",
    ],
  ])("fails closed on a 403 when %s", async (_label, headers, cause) => {
    stubFetch({
      [`${API}/user`]: () => jsonResponse({ login: "alice" }),
      [`${API}/user/memberships/orgs`]: () => jsonResponse({ message: "no" }, { status: 403, headers }),
    });
    const { status, body } = await exchangeAt();
    expect(status).toBe(401);
    expect(body.detail).toBe("Token exchange failed");
    expect(body.errors[0].message).toContain(cause);
  });

  it.each([
    [
      "GitHub rejects the token",
      () => jsonResponse({ message: `Bad credentials for ${GH_TOKEN}` }, { status: 401 }),
      "failed to get GitHub user: GitHub API error (status 401)",
    ],
    [
      "GitHub answers garbage",
      () => new Response("<html>"),
      "failed to get GitHub user: failed to decode user response",
    ],
    [
      "the login has no login",
      () => jsonResponse({ id: 1 }),
      "failed to get GitHub user: failed to decode user response",
    ],
    [
      "the login is not a GitHub name",
      () => jsonResponse({ login: "alice/../../evil" }),
      "failed to get GitHub user: login is not a valid GitHub name",
    ],
    [
      "GitHub redirects",
      () => new Response(null, { status: 302, headers: { location: "https://evil.example/" } }),
      "failed to get GitHub user: GitHub API error (status 302)",
    ],
    [
      "GitHub is unreachable",
      () => {
        throw new TypeError("connection refused");
      },
      "failed to get GitHub user: request to api.github.com failed: connection refused",
    ],
  ])("answers 401 when %s", async (_label, user, message) => {
    stubFetch({ [`${API}/user`]: user });
    const { status, body } = await exchangeAt();
    expect(status).toBe(401);
    expect(body).toEqual({
      title: "Unauthorized",
      status: 401,
      detail: "Token exchange failed",
      errors: [{ message }],
    });
    expect(JSON.stringify(body)).not.toContain(GH_TOKEN);
  });

  it("answers 401 when memberships fail", async () => {
    stubFetch({
      [`${API}/user`]: () => jsonResponse({ login: "alice" }),
      [`${API}/user/memberships/orgs`]: () => new Response("oops", { status: 502 }),
    });
    const { status, body } = await exchangeAt();
    expect(status).toBe(401);
    expect(body.errors).toEqual([{ message: "failed to get GitHub organizations: GitHub API error (status 502)" }]);
  });

  describe("framework layer", () => {
    it("422 for a missing github_token", async () => {
      const { status, body } = await exchangeAt({});
      expect(status).toBe(422);
      expect(body).toEqual({
        title: "Unprocessable Entity",
        status: 422,
        detail: "validation failed",
        errors: [{ message: "expected required property github_token to be present", location: "body", value: {} }],
      });
    });

    it("422 for an unexpected property or a wrong type", async () => {
      const { status, body } = await exchangeAt({ github_token: 5, extra: true });
      expect(status).toBe(422);
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { message: "expected string", location: "body.github_token", value: 5 },
          { message: "unexpected property", location: "body.extra", value: { github_token: 5, extra: true } },
        ]),
      );
    });

    it("400 for an empty body or broken JSON", async () => {
      const empty = await callHandler(githubAccessTokenExchange, "/v0.1/auth/github-at", { method: "POST" });
      expect(empty.status).toBe(400);
      expect(empty.body.detail).toBe("request body is required");
      const broken = await callHandler(githubAccessTokenExchange, "/v0.1/auth/github-at", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      expect(broken.status).toBe(400);
      expect(broken.body.detail).toBe("validation failed");
    });

    it("makes no outbound request when the body is refused", async () => {
      const calls = stubFetch({});
      await exchangeAt({ token: GH_TOKEN });
      expect(calls).toHaveLength(0);
    });
  });
});

describe("POST /auth/github-oidc", () => {
  const JWKS = env.GITHUB_OIDC_JWKS_URL;
  let github: TokenIssuer;
  let rotated: TokenIssuer;
  let impostor: TokenIssuer;

  beforeAll(async () => {
    [github, rotated, impostor] = await Promise.all([rsaIssuer("gh-1"), rsaIssuer("gh-2"), rsaIssuer("gh-1")]);
  });

  beforeEach(() => {
    clearJwksCache();
  });

  function actionsClaims(overrides: Record<string, unknown> = {}, now = nowSeconds()): Record<string, unknown> {
    return {
      iss: env.GITHUB_OIDC_ISSUER,
      aud: env.GITHUB_OIDC_AUDIENCE,
      sub: "repo:acme/tools:ref:refs/heads/main",
      repository: "acme/tools",
      repository_owner: "acme",
      iat: now - 5,
      nbf: now - 5,
      exp: now + 300,
      ...overrides,
    };
  }

  function serveJwks(...issuers: TokenIssuer[]) {
    return stubFetch({ [JWKS]: () => jsonResponse({ keys: issuers.map((i) => i.jwk) }) });
  }

  async function exchange(token: string) {
    return callHandler(githubOidcExchange, "/v0.1/auth/github-oidc", postJson({ oidc_token: token }));
  }

  async function expectRefused(token: string, cause: string) {
    const { status, body } = await exchange(token);
    expect(status).toBe(401);
    expect(body.detail).toBe("Token exchange failed");
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toContain(cause);
    expect(body.errors[0].message).not.toContain(token);
  }

  it("grants the repository owner's namespace, with the token's sub", async () => {
    serveJwks(github);
    const { status, body } = await exchange(await github.sign(actionsClaims()));
    expect(status).toBe(200);
    expect(decodeJwtPart(body.registry_token, 1)).toMatchObject({
      auth_method: "github-oidc",
      auth_method_sub: "repo:acme/tools:ref:refs/heads/main",
      permissions: [{ action: "publish", resource: "io.github.acme/*" }],
    });
  });

  it("accepts an audience array that contains ours", async () => {
    serveJwks(github);
    const { status } = await exchange(await github.sign(actionsClaims({ aud: ["other", env.GITHUB_OIDC_AUDIENCE] })));
    expect(status).toBe(200);
  });

  it("keeps the JWKS for later tokens", async () => {
    const calls = serveJwks(github);
    expect((await exchange(await github.sign(actionsClaims()))).status).toBe(200);
    expect(
      (await exchange(await github.sign(actionsClaims({ sub: "repo:acme/other:ref:refs/heads/main" })))).status,
    ).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.redirect).toBe("manual");
  });

  it("refetches the JWKS for an unknown kid, but not more than once per interval", async () => {
    const t0 = Date.now();
    const token = async (issuer: TokenIssuer, at: number) => issuer.sign(actionsClaims({}, Math.floor(at / 1000)));
    let served = [github];
    const calls = stubFetch({ [JWKS]: () => jsonResponse({ keys: served.map((i) => i.jwk) }) });
    await expect(exchangeGitHubOidcToken(env, await token(github, t0), t0)).resolves.toHaveProperty("registry_token");
    served = [github, rotated];
    // Right after a fetch, an unknown kid does not trigger another one.
    const early = exchangeGitHubOidcToken(env, await token(rotated, t0 + 1000), t0 + 1000);
    await expect(early).rejects.toMatchObject({
      status: 401,
      errors: [{ message: "failed to validate OIDC token: failed to get public key: key with ID gh-2 not found" }],
    });
    expect(calls).toHaveLength(1);
    await expect(exchangeGitHubOidcToken(env, await token(rotated, t0 + 11_000), t0 + 11_000)).resolves.toHaveProperty(
      "registry_token",
    );
    expect(calls).toHaveLength(2);
  });

  it("does not cache a failed JWKS fetch", async () => {
    let fail = true;
    const calls = stubFetch({
      [JWKS]: () => (fail ? new Response("down", { status: 503 }) : jsonResponse({ keys: [github.jwk] })),
    });
    await expectRefused(
      await github.sign(actionsClaims()),
      "failed to get public key: JWKS endpoint returned status 503",
    );
    fail = false;
    expect((await exchange(await github.sign(actionsClaims()))).status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it.each([
    [
      "another issuer",
      { iss: "https://token.actions.evil.example" },
      "invalid issuer: expected https://token.actions.githubusercontent.com",
    ],
    ["another audience", { aud: "sigstore" }, "invalid audience: expected mcp-registry"],
    ["no audience", { aud: undefined }, "invalid audience"],
    ["an expired token", { exp: nowSeconds() - 60 }, "token is expired"],
    ["no exp", { exp: undefined }, "exp claim is required"],
    ["a token not valid yet", { nbf: nowSeconds() + 120 }, "token is not valid yet"],
    ["no repository owner", { repository_owner: undefined }, "repository owner claim is required"],
    [
      "a repository owner that is not a GitHub name",
      { repository_owner: "acme/*" },
      "repository owner is not a valid GitHub name",
    ],
    ["no sub", { sub: undefined }, "sub claim is required"],
  ])("refuses %s", async (_label, overrides, cause) => {
    serveJwks(github);
    await expectRefused(await github.sign(actionsClaims(overrides)), cause);
  });

  it("refuses a token signed by another key under a known kid", async () => {
    serveJwks(github);
    await expectRefused(await impostor.sign(actionsClaims()), "signature is invalid");
  });

  it("refuses a token without kid", async () => {
    serveJwks(github);
    await expectRefused(await github.sign(actionsClaims(), { kid: undefined }), "missing kid in token header");
  });

  it("refuses alg none, HS256 and ES256", async () => {
    serveJwks(github);
    const unsigned = (await github.sign(actionsClaims(), { alg: "none" })).replace(/[^.]+$/, "");
    await expectRefused(unsigned, "signing method none is invalid");
    const hmacKey = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(github.jwk.n!),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const hs256 = await signCompact({ alg: "HS256", kid: "gh-1" }, actionsClaims(), (input) =>
      crypto.subtle.sign("HMAC", hmacKey, input),
    );
    await expectRefused(hs256, "signing method HS256 is invalid");
    const ec = await es256Issuer("gh-1");
    await expectRefused(await ec.sign(actionsClaims()), "signing method ES256 is invalid");
  });

  it("refuses garbage", async () => {
    const calls = serveJwks(github);
    await expectRefused("eyJ.garbage", "token is malformed");
    expect(calls).toHaveLength(0);
  });

  it("422 for a missing oidc_token", async () => {
    const { status, body } = await callHandler(
      githubOidcExchange,
      "/v0.1/auth/github-oidc",
      postJson({ github_token: "x" }),
    );
    expect(status).toBe(422);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        {
          message: "expected required property oidc_token to be present",
          location: "body",
          value: { github_token: "x" },
        },
      ]),
    );
  });

  it("is refused when no audience is configured", async () => {
    await expect(exchangeGitHubOidcToken({ ...env, GITHUB_OIDC_AUDIENCE: "" }, "x")).rejects.toBeInstanceOf(ApiError);
  });
});
