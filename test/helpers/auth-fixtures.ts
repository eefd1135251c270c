// Shared fixtures for the auth tests: calling route handlers directly, stubbing outbound
// fetches by URL, and real key material made with WebCrypto.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { base64Encode, base64UrlEncode, hexEncode, utf8 } from "../../worker/src/auth/encoding.ts";
import { ApiError } from "../../worker/src/errors.ts";
import { problemResponse } from "../../worker/src/http/problem.ts";

export type RouteHandler = (request: Request, env: Env, ctx: ExecutionContext, url: URL) => Promise<Response>;

/** Calls a handler as the router would, turning a thrown error into its problem response. */
export async function callHandler(
  handler: RouteHandler,
  path: string,
  init?: RequestInit,
  environment: Env = env,
): Promise<{ status: number; body: any; response: Response }> {
  const request = new Request(`http://registry.test${path}`, init);
  let response: Response;
  try {
    response = await handler(request, environment, createExecutionContext(), new URL(request.url));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    response = problemResponse(err);
  }
  return { status: response.status, body: await response.json(), response };
}

export function postJson(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

export { stubFetch } from "./fetch-stub.ts";

export const jsonResponse = (value: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(value), { status: 200, headers: { "content-type": "application/json" }, ...init });

export function decodeJwtPart(token: string, index: 0 | 1): any {
  const part = token.split(".")[index]!;
  return JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));
}

export function isoNow(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

// Key proofs (spec §10.5).

export interface ProofKey {
  algorithm: "ed25519" | "ecdsap384";
  record: string;
  sign(message: string): Promise<string>;
}

export async function ed25519ProofKey(): Promise<ProofKey> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return {
    algorithm: "ed25519",
    record: `v=MCPv1; k=ed25519; p=${base64Encode(raw)}`,
    sign: async (message) =>
      hexEncode(new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, utf8(message)))),
  };
}

/** The 49-byte SEC1 compressed form of an uncompressed (0x04 ‖ x ‖ y) P-384 point. */
export function compressPoint(uncompressed: Uint8Array): Uint8Array {
  const x = uncompressed.subarray(1, 49);
  const yLast = uncompressed[96]!;
  const out = new Uint8Array(49);
  out[0] = 0x02 | (yLast & 1);
  out.set(x, 1);
  return out;
}

export async function p384ProofKey(): Promise<ProofKey & { compressed: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const compressed = compressPoint(raw);
  return {
    algorithm: "ecdsap384",
    compressed,
    record: `v=MCPv1; k=ecdsap384; p=${base64Encode(compressed)}`,
    sign: async (message) =>
      hexEncode(
        new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-384" }, pair.privateKey, utf8(message))),
      ),
  };
}

// ID tokens from a fake issuer.

export interface TokenIssuer {
  kid: string;
  jwk: JsonWebKey & { kid: string };
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function rsaIssuer(kid: string): Promise<TokenIssuer> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const { n, e } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return {
    kid,
    jwk: { kty: "RSA", n, e, kid, alg: "RS256", use: "sig" },
    sign: (claims, header = {}) =>
      signCompact({ alg: "RS256", typ: "JWT", kid, ...header }, claims, (input) =>
        crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, pair.privateKey, input),
      ),
  };
}

export async function es256Issuer(kid: string): Promise<TokenIssuer> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const { x, y } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return {
    kid,
    jwk: { kty: "EC", crv: "P-256", x, y, kid, use: "sig" },
    sign: (claims, header = {}) =>
      signCompact({ alg: "ES256", typ: "JWT", kid, ...header }, claims, (input) =>
        crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, input),
      ),
  };
}

export async function signCompact(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  sign: (input: Uint8Array<ArrayBuffer>) => Promise<ArrayBuffer>,
): Promise<string> {
  const input = `${base64UrlEncode(utf8(JSON.stringify(header)))}.${base64UrlEncode(utf8(JSON.stringify(claims)))}`;
  return `${input}.${base64UrlEncode(new Uint8Array(await sign(utf8(input))))}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
