// Personal (PAT) and service (VAT) access tokens: `mcpr_pat_…` / `mcpr_vat_…`, 32 random bytes,
// shown once; only their SHA-256 is stored (docs/governance.md).
import { createHash } from "node:crypto";
import { base64UrlEncode } from "./encoding.ts";

export type ApiTokenKind = "personal" | "service";

const PREFIX: Record<ApiTokenKind, string> = { personal: "mcpr_pat_", service: "mcpr_vat_" };
/** Longest token we hash: anything longer cannot be one of ours. */
const MAX_API_TOKEN_LENGTH = 128;

/** Whether a bearer value is shaped like one of our API tokens (then it is never a JWT). */
export function isApiToken(value: string): boolean {
  return value.startsWith("mcpr_") && value.length <= MAX_API_TOKEN_LENGTH;
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
