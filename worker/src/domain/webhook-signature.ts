// The webhook signature (README "Webhooks"): HMAC-SHA256 with the subscription's secret over
// "<timestamp>.<body>", sent as `X-Registry-Signature: t=<unix seconds>,v1=<hex>`. The
// timestamp is signed with the body, so a receiver that refuses old timestamps (the replay
// window) refuses a captured delivery replayed later. verifySignature is the documented recipe.

export const SIGNATURE_HEADER = "X-Registry-Signature";
/** Receivers refuse a signature whose timestamp is further than this from their clock. */
export const REPLAY_WINDOW_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export async function signatureHeader(secret: string, body: string, timestamp: number): Promise<string> {
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** Equal strings, compared in time that depends on their length only. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type Verdict = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a delivery as a receiver must: parse `t` and every `v1` from the header, refuse a
 * timestamp outside the replay window around `now` (unix seconds), recompute the HMAC over
 * "<t>.<raw body>" (the exact bytes received, before any JSON parsing) and compare it in
 * constant time with each `v1`.
 */
export async function verifySignature(
  secret: string,
  body: string,
  header: string | null,
  now: number,
  windowSeconds = REPLAY_WINDOW_SECONDS,
): Promise<Verdict> {
  if (header === null) return { ok: false, reason: "no signature header" };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0) continue;
    if (key === "t" && /^[0-9]{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1") candidates.push(value);
  }
  if (timestamp === undefined) return { ok: false, reason: "no timestamp in the signature header" };
  if (candidates.length === 0) return { ok: false, reason: "no v1 signature in the signature header" };
  if (Math.abs(now - timestamp) > windowSeconds) return { ok: false, reason: "timestamp outside the replay window" };
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  return candidates.some((candidate) => constantTimeEqual(candidate, expected))
    ? { ok: true, timestamp }
    : { ok: false, reason: "signature mismatch" };
}
