// The flow DNS and HTTP proofs share (spec §10.5): domain, timestamp window, hex signature,
// then the published key records, any one of which must verify the signature.
import { hexDecode } from "../encoding.ts";
import { normalizeDomain } from "../proof/domain.ts";
import { parseKeyRecords, verifyWithRecords } from "../proof/key-record.ts";
import { checkTimestamp } from "../proof/timestamp.ts";
import { fail, ok, type Result } from "../result.ts";

export interface KeyProof {
  domain: string;
  timestamp: string;
  signed_timestamp: string;
}

export interface KeySource {
  /** "DNS TXT records" or "HTTP response", for the no-key message. */
  name: string;
  fetch: (domain: string) => Promise<Result<string[]>>;
}

/** The proven (normalised) domain, or why the proof fails. */
export async function verifyKeyProof(proof: KeyProof, source: KeySource, nowMs = Date.now()): Promise<Result<string>> {
  const domain = normalizeDomain(proof.domain);
  if (domain === null) return fail("invalid domain format");
  const timestamp = checkTimestamp(proof.timestamp, nowMs);
  if (!timestamp.ok) return timestamp;
  const signature = hexDecode(proof.signed_timestamp);
  if (signature === null) return fail("invalid signature format, must be hex");
  const records = await source.fetch(domain);
  if (!records.ok) return records;
  const verified = await verifyWithRecords(parseKeyRecords(records.value), proof.timestamp, signature, source.name);
  return verified.ok ? ok(domain) : verified;
}
