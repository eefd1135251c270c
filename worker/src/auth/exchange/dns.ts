// POST /auth/dns (spec §10.4–10.5): a signature by a key published in TXT records at the
// domain's apex, looked up over DNS-over-HTTPS. Proves the domain and its sub-namespaces.
import { fetchConfigured, type OutboundResponse } from "../../net/outbound.ts";
import { reverseDomain } from "../proof/domain.ts";
import { txtRecordsFromDohJson } from "../proof/txt-records.ts";
import { issueRegistryToken, type TokenResponse } from "../registry-token.ts";
import { fail, type Result } from "../result.ts";
import { DNS_AUTH_FAILED, exchangeRefused } from "./failure.ts";
import { verifyKeyProof, type KeyProof } from "./key-proof.ts";

const MAX_DOH_BYTES = 64 * 1024;

async function lookupTxt(env: Pick<Env, "DNS_RESOLVER_URL">, domain: string): Promise<Result<string[]>> {
  const url = new URL(env.DNS_RESOLVER_URL);
  url.searchParams.set("name", domain);
  url.searchParams.set("type", "TXT");
  let response: OutboundResponse;
  try {
    response = await fetchConfigured(url, { headers: { accept: "application/dns-json" }, maxBytes: MAX_DOH_BYTES });
  } catch (err) {
    return fail(`failed to lookup DNS TXT records: ${(err as Error).message}`);
  }
  if (response.status !== 200)
    return fail(`failed to lookup DNS TXT records: resolver answered HTTP ${response.status}`);
  const records = txtRecordsFromDohJson(response.body);
  return records.ok ? records : fail(`failed to lookup DNS TXT records: ${records.error}`);
}

export async function exchangeDnsProof(
  env: Pick<Env, "DNS_RESOLVER_URL" | "JWT_PRIVATE_KEY">,
  proof: KeyProof,
  nowMs = Date.now(),
): Promise<TokenResponse> {
  const source = { name: "DNS TXT records", fetch: (domain: string) => lookupTxt(env, domain) };
  const proven = await verifyKeyProof(proof, source, nowMs);
  if (!proven.ok) throw exchangeRefused(DNS_AUTH_FAILED, proven.error);
  const namespace = reverseDomain(proven.value);
  return issueRegistryToken(env, "dns", proven.value, [
    { action: "publish", resource: `${namespace}/*` },
    { action: "publish", resource: `${namespace}.*` },
  ]);
}
