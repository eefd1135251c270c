// Key records `v=MCPv1; k=<alg>; p=<base64 public key>` (spec §10.5) and the check of a
// signature over the timestamp against them. Several records may be published (rotation):
// any one that verifies is enough.
import { base64Decode, base64Encode, utf8 } from "../encoding.ts";
import { clip, fail, ok, type Result } from "../result.ts";
import { decompressP384 } from "./p384.ts";

export type KeyAlgorithm = "ed25519" | "ecdsap384";

export interface PublicKeyRecord {
  algorithm: KeyAlgorithm;
  /** Raw Ed25519 key (32 bytes) or compressed P-384 point (49 bytes), as published. */
  raw: Uint8Array<ArrayBuffer>;
}

// The same unanchored pattern as the official registry: surrounding text is tolerated.
const RECORD = /v=MCPv1;\s*k=([^;]+);\s*p=([A-Za-z0-9+/=]+)/;
/** Bounds the signature checks one proof can cost. */
const MAX_KEYS_TRIED = 16;

/** One entry per string that looks like a key record: the key, or why it is unusable. */
export function parseKeyRecords(records: readonly string[]): Result<PublicKeyRecord>[] {
  const parsed: Result<PublicKeyRecord>[] = [];
  for (const record of records) {
    const m = RECORD.exec(record);
    if (m !== null) parsed.push(parsePublicKey(m[1]!, m[2]!));
  }
  return parsed;
}

export function parsePublicKey(algorithm: string, encoded: string): Result<PublicKeyRecord> {
  const raw = base64Decode(encoded);
  if (raw === null) return fail("failed to decode public key: illegal base64 data");
  if (algorithm === "ed25519") {
    return raw.length === 32 ? ok({ algorithm, raw }) : fail("invalid Ed25519 public key size");
  }
  if (algorithm === "ecdsap384") {
    if (raw.length !== 49) return fail("invalid ECDSA P-384 public key size");
    if (raw[0] !== 0x02 && raw[0] !== 0x03) {
      return fail("invalid ECDSA P-384 public key format (must be compressed, with a leading 0x02 or 0x03 byte)");
    }
    return decompressP384(raw) === null ? fail("failed to decompress ECDSA P-384 public key") : ok({ algorithm, raw });
  }
  return fail(`unsupported public key algorithm: ${clip(algorithm, 32)}`);
}

/** "<algorithm>:<first 8 base64 characters>", enough to tell published keys apart. */
export function fingerprint(key: PublicKeyRecord): string {
  return `${key.algorithm}:${base64Encode(key.raw).slice(0, 8)}`;
}

/** ok(true) on a match; a mismatch is ok(false); a structural problem is a failure. */
async function verifyOne(
  key: PublicKeyRecord,
  message: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<Result<boolean>> {
  try {
    if (key.algorithm === "ed25519") {
      if (signature.length !== 64) return fail("invalid signature size for Ed25519");
      const publicKey = await crypto.subtle.importKey("raw", key.raw, { name: "Ed25519" }, false, ["verify"]);
      return ok(await crypto.subtle.verify({ name: "Ed25519" }, publicKey, signature, message));
    }
    if (signature.length !== 96) return fail("invalid signature size for ECDSA P-384");
    const point = decompressP384(key.raw);
    if (point === null) return fail("failed to decompress ECDSA P-384 public key");
    const publicKey = await crypto.subtle.importKey("raw", point, { name: "ECDSA", namedCurve: "P-384" }, false, [
      "verify",
    ]);
    // WebCrypto's ECDSA signature format is r‖s, the record format; it hashes with SHA-384.
    return ok(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, publicKey, signature, message));
  } catch (err) {
    return fail(`invalid ${key.algorithm} public key: ${(err as Error).message}`);
  }
}

/**
 * Verifies `signature` over the UTF-8 bytes of `timestamp` with each record in turn. When no
 * record verifies, a structural problem (wrong signature size) is reported if there was one,
 * otherwise the fingerprints of the keys tried, to point at stale records after a rotation.
 */
export async function verifyWithRecords(
  parsed: readonly Result<PublicKeyRecord>[],
  timestamp: string,
  signature: Uint8Array<ArrayBuffer>,
  source: string,
): Promise<Result<true>> {
  if (parsed.length === 0) return fail(`no MCP public key found in ${source}`);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (only !== undefined && !only.ok) return only;
  const keys = parsed.flatMap((r) => (r.ok ? [r.value] : [])).slice(0, MAX_KEYS_TRIED);
  if (keys.length === 0) return fail("no valid MCP public key found");
  const message = utf8(timestamp);
  let structural: string | undefined;
  for (const key of keys) {
    const verdict = await verifyOne(key, message, signature);
    if (verdict.ok && verdict.value) return ok(true);
    if (!verdict.ok) structural = verdict.error;
  }
  if (structural !== undefined) return fail(structural);
  const tried = keys.map(fingerprint);
  if (tried.length === 1) {
    return fail(
      `signature verification failed (tried published key ${tried[0]}); if this is not the key you are signing with, the published record may be stale`,
    );
  }
  return fail(
    `signature verification failed against all ${tried.length} published keys (tried: ${tried.join(", ")}); if you recently rotated keys, remove any stale records from the apex domain`,
  );
}
