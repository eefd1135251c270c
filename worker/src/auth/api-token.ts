// Personal (PAT) and service (VAT) access tokens: `mcpr_pat_…` / `mcpr_vat_…`, 32 random bytes,
// shown once; only their SHA-256 is stored (docs/governance.md).
import { createHash } from "node:crypto";
import { base64UrlEncode } from "./encoding.ts";

export type ApiTokenKind = "personal" | "service";

const PREFIX: Record<ApiTokenKind, string> = { personal: "mcpr_pat_", service: "mcpr_vat_" };
/** Every token newApiToken makes: its prefix, then 32 bytes in unpadded base64url. */
const API_TOKEN_SHAPE = /^mcpr_[pv]at_[A-Za-z0-9_-]{43}$/;

/** Whether a bearer value starts like one of our API tokens (then it is never a JWT). */
export function looksLikeApiToken(value: string): boolean {
  return value.startsWith("mcpr_");
}

/**
 * Whether a bearer value has the exact shape of one of our API tokens: only those are looked
 * up in D1, so a made-up `mcpr_…` value costs no read.
 */
export function isApiToken(value: string): boolean {
  return API_TOKEN_SHAPE.test(value);
}

/** The stored form of a token (hex SHA-256), synchronous so a cached check costs no await. */
export function apiTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new token: its id (public), the secret (shown once) and the hash to store. */
export function newApiToken(kind: ApiTokenKind): { id: string; token: string; hash: string } {
  const secret = base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
  const token = `${PREFIX[kind]}${secret}`;
  const id = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { id: `tok_${id}`, token, hash: apiTokenHash(token) };
}
