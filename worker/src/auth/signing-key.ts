// The Ed25519 key pair that signs registry tokens, built from env.JWT_PRIVATE_KEY (hex of a
// 32-byte seed, spec §10.1) and imported once per isolate: importing costs more than signing.
import { concatBytes, hexDecode } from "./encoding.ts";

export interface SigningKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

// PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410) up to the 32 seed bytes that follow.
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

let cached: { seedHex: string; keys: Promise<SigningKeys> } | undefined;

async function importSeed(seedHex: string): Promise<SigningKeys> {
  const seed = hexDecode(seedHex);
  // A deployment problem, not a client one: surfaces as a logged 500, never echoing the value.
  if (seed === null || seed.length !== 32) throw new Error("JWT_PRIVATE_KEY must be the hex of a 32-byte Ed25519 seed");
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    concatBytes(PKCS8_ED25519_PREFIX, seed),
    { name: "Ed25519" },
    true,
    ["sign"],
  );
  // WebCrypto derives the public half on export; only x is kept.
  const { x } = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  const publicKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x }, { name: "Ed25519" }, true, [
    "verify",
  ]);
  return { privateKey, publicKey };
}

export function signingKeys(env: Pick<Env, "JWT_PRIVATE_KEY">): Promise<SigningKeys> {
  const seedHex = (env.JWT_PRIVATE_KEY ?? "").trim();
  let entry = cached;
  if (entry === undefined || entry.seedHex !== seedHex) {
    const keys = importSeed(seedHex);
    entry = cached = { seedHex, keys };
    // A failed import is not remembered, so fixing the secret needs no new isolate.
    keys.catch(() => {
      if (cached?.keys === keys) cached = undefined;
    });
  }
  return entry.keys;
}
