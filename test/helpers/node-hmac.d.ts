// node:crypto's HMAC as the README's receiver snippet uses it (test/webhook-signature.test.ts);
// merged with the Worker's narrow declaration of the module (worker/src/node-crypto.d.ts).
declare module "node:crypto" {
  interface Hmac {
    update(data: string): Hmac;
    digest(encoding: "hex"): string;
  }
  export function createHmac(algorithm: "sha256", key: string): Hmac;
  export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
