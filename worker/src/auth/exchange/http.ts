// POST /auth/http (spec §10.4–10.5): a signature by the key served at
// https://<domain>/.well-known/mcp-registry-auth. The domain is the publisher's choice, so the
// fetch is SSRF-guarded, follows no redirects and reads at most 4 KiB. Proves only the exact
// domain's namespace, as HTTP control does not imply control of subdomains.
import { fetchPublic, type OutboundResponse } from "../../net/outbound.ts";
import { reverseDomain } from "../proof/domain.ts";
import { issueRegistryToken, type TokenResponse } from "../registry-token.ts";
import { fail, ok, type Result } from "../result.ts";
import { exchangeRefused, HTTP_AUTH_FAILED } from "./failure.ts";
import { verifyKeyProof, type KeyProof } from "./key-proof.ts";

export const MAX_KEY_RESPONSE_BYTES = 4096;
const FETCH_TIMEOUT_MS = 5000;

async function fetchKeyRecord(domain: string): Promise<Result<string[]>> {
  const url = `https://${domain}/.well-known/mcp-registry-auth`;
  let response: OutboundResponse;
  try {
    response = await fetchPublic(url, {
      headers: { accept: "text/plain", "user-agent": "mcp-registry" },
      maxBytes: MAX_KEY_RESPONSE_BYTES,
      timeoutMs: FETCH_TIMEOUT_MS,
    });
  } catch (err) {
    return fail(`failed to fetch public key: ${(err as Error).message}`);
  }
  if (response.status !== 200)
    return fail(`failed to fetch public key: HTTP ${response.status}: failed to fetch key from ${url}`);
  return ok([response.body.trim()]);
}

export async function exchangeHttpProof(
  env: Pick<Env, "JWT_PRIVATE_KEY">,
  proof: KeyProof,
  nowMs = Date.now(),
): Promise<TokenResponse> {
  const proven = await verifyKeyProof(proof, { name: "HTTP response", fetch: fetchKeyRecord }, nowMs);
  if (!proven.ok) throw exchangeRefused(HTTP_AUTH_FAILED, proven.error);
  return issueRegistryToken(env, "http", proven.value, [
    { action: "publish", resource: `${reverseDomain(proven.value)}/*` },
  ]);
}
