// Who files a report. Holders of a registry token are known by its subject; anyone else by a
// salted hash of their address, so the same address always maps to the same reporter without
// the registry storing addresses. IPv6 addresses are cut to their /64, the block one host
// usually controls, so rotating within it does not make a new reporter.
import type { Actor } from "../domain/actor.ts";
import { authenticate } from "./principal.ts";

export interface Reporter {
  actor: Actor;
  kind: "token" | "address";
}

let hashKey: { salt: string; key: CryptoKey } | undefined;

async function keyFor(salt: string): Promise<CryptoKey> {
  if (hashKey?.salt !== salt) {
    const raw = new TextEncoder().encode(`mcp-registry reporter hash\n${salt}`);
    hashKey = {
      salt,
      key: await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    };
  }
  return hashKey.key;
}

/** The part of an address that identifies a reporter: IPv4 whole, IPv6 by its /64. */
export function addressBlock(address: string): string {
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export async function addressHash(
  env: Pick<Env, "REPORTER_HASH_SALT" | "JWT_PRIVATE_KEY">,
  address: string,
): Promise<string> {
  // Without a dedicated salt the token-signing secret serves (it is secret and stable too).
  const salt = env.REPORTER_HASH_SALT || env.JWT_PRIVATE_KEY || "local-development";
  const mac = await crypto.subtle.sign("HMAC", await keyFor(salt), new TextEncoder().encode(addressBlock(address)));
  return [...new Uint8Array(mac, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The reporter of a request: a presented token must be valid (401 otherwise); without one the
 * address Cloudflare saw (CF-Connecting-IP, which clients cannot set through Cloudflare).
 */
export async function reporterOf(request: Request, env: Env): Promise<Reporter> {
  if (request.headers.has("authorization")) {
    const claims = await authenticate(request, env);
    return { actor: { method: claims.auth_method, subject: claims.auth_method_sub }, kind: "token" };
  }
  const address = request.headers.get("cf-connecting-ip") ?? "unknown";
  return { actor: { method: "address", subject: await addressHash(env, address) }, kind: "address" };
}
