// Point decompression on NIST P-384. Key records carry the 49-byte compressed point (spec
// §10.5); WebCrypto only imports uncompressed points, so y is recovered here.

const P = 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n;
const B = 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn;

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

function toBytes(n: bigint, length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let rest = n;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** 0x02/0x03 ‖ x (49 bytes) → 0x04 ‖ x ‖ y (97 bytes); null when not a point on the curve. */
export function decompressP384(compressed: Uint8Array): Uint8Array<ArrayBuffer> | null {
  const prefix = compressed[0];
  if (compressed.length !== 49 || (prefix !== 0x02 && prefix !== 0x03)) return null;
  const x = toBigInt(compressed.subarray(1));
  if (x >= P) return null;
  const rhs = (((x * x * x - 3n * x + B) % P) + P) % P;
  // P ≡ 3 (mod 4), so a square root is rhs^((P+1)/4) when one exists.
  let y = modPow(rhs, (P + 1n) / 4n, P);
  if ((y * y) % P !== rhs) return null;
  if ((y & 1n) !== BigInt(prefix & 1)) y = (P - y) % P;
  const out = new Uint8Array(97);
  out[0] = 0x04;
  out.set(toBytes(x, 48), 1);
  out.set(toBytes(y, 48), 49);
  return out;
}
