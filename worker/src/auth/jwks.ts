// JSON Web Key Sets of the identity providers we trust (GitHub Actions, the operator's OIDC
// issuer), fetched from their configured URL and kept per isolate for a few minutes. A token
// naming an unknown kid triggers a refetch (key rotation), at most once per REFETCH interval,
// so tokens with made-up kids cannot turn us into a request amplifier.
import { fetchConfigured, type OutboundResponse } from "../net/outbound.ts";
import type { PublicJwk } from "./jwt.ts";
import { clip, fail, ok, type Result } from "./result.ts";

const TTL_MS = 5 * 60_000;
const REFETCH_MIN_INTERVAL_MS = 10_000;
const MAX_JWKS_BYTES = 64 * 1024;

interface CachedSet {
  fetchedAt: number;
  keys: Promise<Result<PublicJwk[]>>;
}

const cache = new Map<string, CachedSet>();

/** Tests start from an empty cache. */
export function clearJwksCache(): void {
  cache.clear();
}

async function fetchJwks(url: string): Promise<Result<PublicJwk[]>> {
  let response: OutboundResponse;
  try {
    response = await fetchConfigured(url, { headers: { accept: "application/json" }, maxBytes: MAX_JWKS_BYTES });
  } catch (err) {
    return fail(`failed to fetch JWKS: ${(err as Error).message}`);
  }
  if (response.status !== 200) return fail(`JWKS endpoint returned status ${response.status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return fail("failed to decode JWKS");
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return fail("failed to decode JWKS: no keys array");
  return ok(keys.filter((k): k is PublicJwk => typeof k === "object" && k !== null && !Array.isArray(k)));
}

function load(url: string, now: number): CachedSet {
  const entry: CachedSet = { fetchedAt: now, keys: fetchJwks(url) };
  cache.set(url, entry);
  // Failures are not cached: the next token tries again.
  void entry.keys.then((result) => {
    if (!result.ok && cache.get(url) === entry) cache.delete(url);
  });
  return entry;
}

function matching(keys: readonly PublicJwk[], kid: string | undefined): PublicJwk[] {
  return kid === undefined ? [...keys] : keys.filter((k) => k.kid === kid);
}

/** The keys that may have signed a token with this kid (all keys when the token has none). */
export async function candidateKeys(
  url: string,
  kid: string | undefined,
  now = Date.now(),
): Promise<Result<PublicJwk[]>> {
  let entry = cache.get(url);
  if (entry === undefined || now - entry.fetchedAt > TTL_MS) entry = load(url, now);
  let keys = await entry.keys;
  if (!keys.ok) return keys;
  let found = matching(keys.value, kid);
  if (found.length === 0 && kid !== undefined && now - entry.fetchedAt >= REFETCH_MIN_INTERVAL_MS) {
    entry = load(url, now);
    keys = await entry.keys;
    if (!keys.ok) return keys;
    found = matching(keys.value, kid);
  }
  return found.length > 0
    ? ok(found)
    : fail(kid === undefined ? "JWKS has no keys" : `key with ID ${clip(kid)} not found`);
}
