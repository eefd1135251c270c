// The one Node API the Worker uses (workerd's nodejs_compat, on by default at our compatibility
// date): a synchronous SHA-256 for cache keys and entity tags. Declared narrowly instead of
// pulling every Node global into the Worker's types.
declare module "node:crypto" {
  interface Hash {
    update(data: string | Uint8Array): Hash;
    digest(encoding: "hex" | "base64url"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
