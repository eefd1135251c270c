// Compact JWS (RFC 7515) for JWTs: decoding, EdDSA signing, and verification with EdDSA, RS256
// and ES256 keys. The caller always names the algorithms it accepts; the token's own `alg`
// only selects among them, so `none`, HS256 and key/algorithm confusion are refused here.
import { base64UrlDecode, base64UrlEncode, utf8 } from "./encoding.ts";
import { clip, fail, ok, type Result } from "./result.ts";

export type JwsAlgorithm = "EdDSA" | "RS256" | "ES256";

export interface DecodedJws {
  header: Record<string, unknown>;
  alg: string;
  /** The raw payload bytes: parse them only after the signature has been checked. */
  payload: Uint8Array<ArrayBuffer>;
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

/** Far above any real ID or registry token; bounds the JSON we parse from strangers. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** Public-key JWK members we read (RFC 7517/7518). */
export interface PublicJwk {
  kty?: unknown;
  kid?: unknown;
  use?: unknown;
  alg?: unknown;
  crv?: unknown;
  n?: unknown;
  e?: unknown;
  x?: unknown;
  y?: unknown;
}

export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const malformed = (why: string) => fail(`token is malformed: ${why}`);

/** Splits and decodes a compact JWS; does not verify anything but its shape. */
export function decodeJws(token: string): Result<DecodedJws> {
  if (token.length > MAX_TOKEN_LENGTH) return malformed("token is too long");
  const segments = token.split(".");
  if (segments.length !== 3) return malformed("token contains an invalid number of segments");
  const [headerText, payloadText, signatureText] = segments as [string, string, string];
  const headerBytes = base64UrlDecode(headerText);
  if (headerBytes === null) return malformed("could not base64 decode header");
  const header = parseJsonObject(headerBytes);
  if (header === null) return malformed("could not JSON decode header");
  if (typeof header.alg !== "string") return malformed("header has no alg");
  // No extension is understood, so any critical one makes the token unusable (RFC 7515 §4.1.11).
  if (header.crit !== undefined) return malformed("unsupported critical header parameters");
  const payload = base64UrlDecode(payloadText);
  if (payload === null) return malformed("could not base64 decode claims");
  const signature = base64UrlDecode(signatureText);
  if (signature === null) return malformed("could not base64 decode signature");
  return ok({ header, alg: header.alg, payload, signingInput: utf8(`${headerText}.${payloadText}`), signature });
}

/** The claims of a token whose signature has been verified. */
export function decodeClaims(jws: DecodedJws): Result<Record<string, unknown>> {
  const claims = parseJsonObject(jws.payload);
  return claims === null ? malformed("could not JSON decode claims") : ok(claims);
}

export async function signEdDSA(privateKey: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  const header = base64UrlEncode(utf8(JSON.stringify({ alg: "EdDSA", typ: "JWT" })));
  const payload = base64UrlEncode(utf8(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, privateKey, utf8(`${header}.${payload}`));
  return `${header}.${payload}.${base64UrlEncode(new Uint8Array(signature))}`;
}

function verifyParams(alg: JwsAlgorithm): SubtleCryptoSignAlgorithm {
  switch (alg) {
    case "EdDSA":
      return { name: "Ed25519" };
    case "RS256":
      return { name: "RSASSA-PKCS1-v1_5" };
    case "ES256":
      return { name: "ECDSA", hash: "SHA-256" };
  }
}

/**
 * Checks `jws.alg` against the accepted list and the signature against `key`, which must
 * have been imported for that same algorithm.
 */
export async function verifyJws(
  jws: DecodedJws,
  accepted: readonly JwsAlgorithm[],
  key: CryptoKey,
): Promise<Result<true>> {
  const alg = accepted.find((a) => a === jws.alg);
  if (alg === undefined) return fail(`token signature is invalid: signing method ${clip(jws.alg)} is invalid`);
  if (!keyFits(key, alg)) return fail(`token signature is invalid: key does not fit signing method ${alg}`);
  let valid = false;
  try {
    valid = await crypto.subtle.verify(verifyParams(alg), key, jws.signature, jws.signingInput);
  } catch {
    valid = false; // wrong signature length and the like
  }
  return valid ? ok(true) : fail("token signature is invalid: signature is invalid");
}

function keyFits(key: CryptoKey, alg: JwsAlgorithm): boolean {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  switch (alg) {
    case "EdDSA":
      return algorithm.name === "Ed25519" || algorithm.name === "NODE-ED25519";
    case "RS256":
      return algorithm.name === "RSASSA-PKCS1-v1_5" && algorithm.hash?.name === "SHA-256";
    case "ES256":
      return algorithm.name === "ECDSA" && algorithm.namedCurve === "P-256";
  }
}

/** RSA moduli below 2048 bits are refused. */
const MIN_RSA_MODULUS_BYTES = 256;

/** Imports a public JWK for `alg`, refusing keys whose type, curve, use or alg do not fit. */
export async function importVerificationJwk(jwk: PublicJwk, alg: JwsAlgorithm): Promise<Result<CryptoKey>> {
  if (jwk.use !== undefined && jwk.use !== "sig") return fail(`key ${String(jwk.kid)} is not a signing key`);
  if (jwk.alg !== undefined && jwk.alg !== alg)
    return fail(`key ${String(jwk.kid)} is for ${String(jwk.alg)}, not ${alg}`);
  try {
    if (alg === "RS256") {
      if (jwk.kty !== "RSA" || typeof jwk.n !== "string" || typeof jwk.e !== "string") {
        return fail(`invalid key type: expected RSA, got ${String(jwk.kty)}`);
      }
      const modulus = base64UrlDecode(jwk.n);
      if (modulus === null) return fail("invalid RSA modulus");
      const significant = modulus.findIndex((b) => b !== 0);
      if (significant < 0 || modulus.length - significant < MIN_RSA_MODULUS_BYTES) return fail("RSA key is too short");
      const key = await crypto.subtle.importKey(
        "jwk",
        { kty: "RSA", n: jwk.n, e: jwk.e },
        { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        false,
        ["verify"],
      );
      return ok(key);
    }
    if (alg === "ES256") {
      if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
        return fail(`invalid key type: expected EC P-256, got ${String(jwk.kty)} ${String(jwk.crv)}`);
      }
      const key = await crypto.subtle.importKey(
        "jwk",
        { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y },
        { name: "ECDSA", namedCurve: "P-256" },
        false,
        ["verify"],
      );
      return ok(key);
    }
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
      return fail(`invalid key type: expected OKP Ed25519, got ${String(jwk.kty)} ${String(jwk.crv)}`);
    }
    const raw = base64UrlDecode(jwk.x);
    if (raw === null || raw.length !== 32) return fail("invalid Ed25519 public key");
    return ok(await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
  } catch (err) {
    return fail(`invalid ${alg} key: ${(err as Error).message}`);
  }
}

/**
 * exp is required and nbf honoured, each with `leewaySeconds` of clock skew, as the official
 * registry's JWT library does. Numeric dates may be fractional.
 */
export function checkTimeClaims(
  claims: Record<string, unknown>,
  nowSeconds: number,
  leewaySeconds: number,
): Result<true> {
  const { exp, nbf } = claims;
  if (exp === undefined)
    return fail("token has invalid claims: token is missing required claim: exp claim is required");
  if (typeof exp !== "number" || !Number.isFinite(exp)) return fail("token is malformed: exp is not a number");
  if (nbf !== undefined && (typeof nbf !== "number" || !Number.isFinite(nbf))) {
    return fail("token is malformed: nbf is not a number");
  }
  if (nowSeconds > exp + leewaySeconds) return fail("token has invalid claims: token is expired");
  if (typeof nbf === "number" && nowSeconds + leewaySeconds < nbf)
    return fail("token has invalid claims: token is not valid yet");
  return ok(true);
}

/** `aud` may be one string or an array of strings (RFC 7519 §4.1.3). */
export function audienceIncludes(claims: Record<string, unknown>, audience: string): boolean {
  const aud = claims.aud;
  if (typeof aud === "string") return aud === audience;
  return Array.isArray(aud) && aud.some((a) => a === audience);
}
