// The one Node API the Worker uses (workerd's nodejs_compat, on by default at our compatibility
// date): a synchronous SHA-256 for cache keys. Declared narrowly instead of pulling every Node
// global into the Worker's types.
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
