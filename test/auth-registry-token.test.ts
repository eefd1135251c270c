// Registry tokens (spec §10.1) and bearer authentication (spec §4 steps 2–3), including the
// usual JWT attacks.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64UrlEncode, utf8 } from "../worker/src/auth/encoding.ts";
import { signEdDSA } from "../worker/src/auth/jwt.ts";
import { authenticate } from "../worker/src/auth/principal.ts";
import {
  authorizationHeaderError,
  issueRegistryToken,
  TOKEN_LIFETIME_SECONDS,
  verifyRegistryToken,
} from "../worker/src/auth/registry-token.ts";
import { signingKeys } from "../worker/src/auth/signing-key.ts";
import { ApiError } from "../worker/src/errors.ts";
import { decodeJwtPart, nowSeconds, signCompact } from "./helpers/auth-fixtures.ts";

const PERMISSIONS = [{ action: "publish", resource: "io.github.alice/*" }] as const;
const BAD_TOKEN = "Invalid or expired Registry JWT token";
const BAD_HEADER = "Invalid Authorization header format. Expected 'Bearer <token>'";

function withAuthorization(value: string | null): Request {
  const headers = new Headers();
  if (value !== null) headers.set("authorization", value);
  return new Request("http://registry.test/v0.1/publish", { method: "POST", headers });
}

async function authError(value: string | null): Promise<ApiError> {
  try {
    await authenticate(withAuthorization(value), env);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("authenticate accepted the request");
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: "mcp-registry",
    iat: now,
    nbf: now,
    exp: now + 300,
    auth_method: "github-at",
    auth_method_sub: "alice",
    permissions: [...PERMISSIONS],
    ...overrides,
  };
}

/** A token signed with the registry's own key, with any claims. */
async function ownToken(overrides: Record<string, unknown> = {}): Promise<string> {
  return signEdDSA((await signingKeys(env)).privateKey, claims(overrides));
}

describe("issueRegistryToken", () => {
  it("signs EdDSA tokens with exactly the claims of spec §10.1", async () => {
    const before = nowSeconds();
    const { registry_token, expires_at } = await issueRegistryToken(env, "dns", "example.com", [
      { action: "publish", resource: "com.example/*" },
      { action: "publish", resource: "com.example.*" },
    ]);
    expect(decodeJwtPart(registry_token, 0)).toEqual({ alg: "EdDSA", typ: "JWT" });
    const payload = decodeJwtPart(registry_token, 1);
    expect(Object.keys(payload).sort()).toEqual([
      "auth_method",
      "auth_method_sub",
      "exp",
      "iat",
      "iss",
      "nbf",
      "permissions",
    ]);
    expect(payload).toMatchObject({
      iss: "mcp-registry",
      auth_method: "dns",
      auth_method_sub: "example.com",
      permissions: [
        { action: "publish", resource: "com.example/*" },
        { action: "publish", resource: "com.example.*" },
      ],
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp).toBe(payload.iat + 300);
    expect(expires_at).toBe(payload.exp);
    expect(Number.isInteger(expires_at)).toBe(true);
  });

  it("round-trips through authenticate", async () => {
    const { registry_token } = await issueRegistryToken(env, "github-at", "alice", [...PERMISSIONS]);
    const verified = await authenticate(withAuthorization(`Bearer ${registry_token}`), env);
    expect(verified).toMatchObject({
      auth_method: "github-at",
      auth_method_sub: "alice",
      permissions: PERMISSIONS,
      identities: ["github:alice"],
    });
  });

  it("uses the fixed test seed (RFC 8032 test 1 public key)", async () => {
    const raw = new Uint8Array(
      (await crypto.subtle.exportKey("raw", (await signingKeys(env)).publicKey)) as ArrayBuffer,
    );
    expect(base64UrlEncode(raw)).toBe("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  });

  it("refuses a missing or malformed seed with a plain error (500), never echoing it", async () => {
    await expect(issueRegistryToken({ JWT_PRIVATE_KEY: "zz" }, "none", "anonymous", [])).rejects.toThrow(
      "JWT_PRIVATE_KEY must be the hex of a 32-byte Ed25519 seed",
    );
    await expect(issueRegistryToken({}, "none", "anonymous", [])).rejects.not.toBeInstanceOf(ApiError);
  });
});

describe("token lifetime", () => {
  it("is valid for five minutes and not after", async () => {
    const issuedAt = 1_900_000_000;
    const { registry_token, expires_at } = await issueRegistryToken(env, "none", "anonymous", [], issuedAt);
    expect(expires_at - issuedAt).toBe(TOKEN_LIFETIME_SECONDS);
    expect((await verifyRegistryToken(env, registry_token, issuedAt + 299)).ok).toBe(true);
    expect(await verifyRegistryToken(env, registry_token, issuedAt + 300 + 60)).toEqual({
      ok: false,
      error: "token has invalid claims: token is expired",
    });
  });

  it("tolerates a few seconds of clock skew on nbf, not more", async () => {
    const issuedAt = 1_900_000_000;
    const { registry_token } = await issueRegistryToken(env, "none", "anonymous", [], issuedAt);
    expect((await verifyRegistryToken(env, registry_token, issuedAt - 3)).ok).toBe(true);
    expect(await verifyRegistryToken(env, registry_token, issuedAt - 60)).toEqual({
      ok: false,
      error: "token has invalid claims: token is not valid yet",
    });
  });
});

describe("Authorization header", () => {
  it("accepts the scheme in any case", async () => {
    const { registry_token } = await issueRegistryToken(env, "none", "anonymous", []);
    for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
      await expect(authenticate(withAuthorization(`${scheme} ${registry_token}`), env)).resolves.toMatchObject({
        auth_method: "none",
      });
    }
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["the scheme alone", "Bearer"],
    ["a token without scheme", "eyJhbGciOiJFZERTQSJ9.e30.AA"],
    ["a look-alike scheme", "Bearerx token"],
  ])("answers 401 for %s", async (_label, value) => {
    const err = await authError(value);
    expect(err.status).toBe(401);
    expect(err.detail).toBe(BAD_HEADER);
    expect(err.errors).toEqual([]);
  });

  it("reports a missing or empty header as the framework's 422 field error", () => {
    const expected = { message: "required header parameter is missing", location: "header.Authorization" };
    expect(authorizationHeaderError(withAuthorization(null))).toEqual(expected);
    expect(authorizationHeaderError(withAuthorization(""))).toEqual(expected);
    expect(authorizationHeaderError(withAuthorization("Basic x"))).toBeUndefined();
  });
});

describe("attacks on the token", () => {
  async function expectRejected(token: string, cause: string): Promise<void> {
    const err = await authError(`Bearer ${token}`);
    expect(err.status).toBe(401);
    expect(err.detail).toBe(BAD_TOKEN);
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]!.message).toContain(cause);
    // The cause never repeats the token.
    if (token.length > 16) expect(err.errors[0]!.message).not.toContain(token);
  }

  it("rejects garbage", async () => {
    await expectRejected("not-a-jwt", "token contains an invalid number of segments");
    await expectRejected("a.b.c.d", "token contains an invalid number of segments");
    await expectRejected("!!!.e30.AA", "could not base64 decode header");
    await expectRejected(`${base64UrlEncode(utf8("[1]"))}.e30.AA`, "could not JSON decode header");
    await expectRejected(`${base64UrlEncode(utf8('{"alg":"EdDSA"}'))}.e30.A`, "could not base64 decode signature");
    await expectRejected("x".repeat(20_000), "token is too long");
  });

  it("rejects an expired token", async () => {
    const now = nowSeconds();
    await expectRejected(await ownToken({ iat: now - 600, nbf: now - 600, exp: now - 300 }), "token is expired");
  });

  it("rejects a token that is not valid yet", async () => {
    const now = nowSeconds();
    await expectRejected(await ownToken({ iat: now + 120, nbf: now + 120, exp: now + 420 }), "token is not valid yet");
  });

  it("rejects a token without exp", async () => {
    await expectRejected(await ownToken({ exp: undefined }), "exp claim is required");
  });

  it("rejects another issuer", async () => {
    await expectRejected(await ownToken({ iss: "someone-else" }), "token has invalid issuer");
  });

  it("rejects malformed permissions", async () => {
    await expectRejected(
      await ownToken({ permissions: [{ action: "own", resource: "*" }] }),
      "permissions are malformed",
    );
    await expectRejected(await ownToken({ permissions: "*" }), "permissions are malformed");
  });

  it("rejects a token forged with another Ed25519 key", async () => {
    const forger = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    await expectRejected(
      await signEdDSA(forger.privateKey, claims({ permissions: [{ action: "edit", resource: "*" }] })),
      "signature is invalid",
    );
  });

  it("rejects alg none", async () => {
    const header = base64UrlEncode(utf8(JSON.stringify({ alg: "none", typ: "JWT" })));
    const payload = base64UrlEncode(utf8(JSON.stringify(claims())));
    await expectRejected(`${header}.${payload}.`, "signing method none is invalid");
  });

  it("rejects HS256 keyed with the registry's public key bytes (algorithm confusion)", async () => {
    const publicRaw = await crypto.subtle.exportKey("raw", (await signingKeys(env)).publicKey);
    const hmac = await crypto.subtle.importKey(
      "raw",
      publicRaw as ArrayBuffer,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const token = await signCompact({ alg: "HS256", typ: "JWT" }, claims(), (input) =>
      crypto.subtle.sign("HMAC", hmac, input),
    );
    await expectRejected(token, "signing method HS256 is invalid");
  });

  it("rejects other asymmetric algorithms even when well-formed", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    const token = await signCompact({ alg: "ES256" }, claims(), (input) =>
      crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, input),
    );
    await expectRejected(token, "signing method ES256 is invalid");
  });

  it("rejects a tampered payload", async () => {
    const [header, , signature] = (await ownToken()).split(".");
    const escalated = base64UrlEncode(
      utf8(JSON.stringify(claims({ permissions: [{ action: "edit", resource: "*" }] }))),
    );
    await expectRejected(`${header}.${escalated}.${signature}`, "signature is invalid");
  });

  it("rejects a critical header extension", async () => {
    const token = await signCompact({ alg: "EdDSA", crit: ["exp"] }, claims(), async (input) =>
      crypto.subtle.sign({ name: "Ed25519" }, (await signingKeys(env)).privateKey, input),
    );
    await expectRejected(token, "unsupported critical header");
  });

  it("rejects extra whitespace between scheme and token", async () => {
    const { registry_token } = await issueRegistryToken(env, "none", "anonymous", []);
    await expectRejected(` ${registry_token}`, "token is malformed");
  });
});
