// Webhook signatures: HMAC-SHA256 with the subscription's secret over "<timestamp>.<body>", sent
// as `X-Registry-Signature: t=<unix seconds>,v1=<hex>`. A real delivery verifies with the
// documented recipe (verifySignature, and the README's Node snippet written with node:crypto);
// a wrong secret, a changed body or a timestamp outside the replay window does not.
import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { REPLAY_WINDOW_SECONDS, signatureHeader, verifySignature } from "../worker/src/domain/webhook-signature.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { receiverUrl, stubReceivers, subscribe, waitUntil } from "./helpers/webhooks.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The README's verification snippet, as a receiver on Node writes it. */
function nodeRecipe(secret: string, rawBody: string, header: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex");
  const given = String(parts.v1 ?? "");
  const encoder = new TextEncoder();
  return given.length === expected.length && timingSafeEqual(encoder.encode(given), encoder.encode(expected));
}

describe("webhook signatures", () => {
  it("match an independently computed HMAC-SHA256 (Python hmac, this secret, body and time)", async () => {
    const body = '{"id":"wh_0000000000000000:1","webhook":"wh_0000000000000000","event":"publish","change":{}}';
    const header = await signatureHeader("whsec-test-vector-0123456789", body, 1767225600);
    expect(header).toBe("t=1767225600,v1=811eafdaa419b19f12619fb199e408a31f5977f2df8338020495f704cb3cff82");
  });

  it("verify a real delivery with the documented recipe, and nothing else", async () => {
    const secret = "s3cret-for-signature-test-0123";
    const url = receiverUrl("signed");
    const seen = stubReceivers([url]);
    await subscribe({ url, events: ["publish"], secret });
    const token = await tokenFor(publishAll("com.signed/*"));
    expect((await publish(token, serverJson("com.signed/tool", "1.0.0"))).status).toBe(200);
    const deliveries = seen.get(url)!.deliveries;
    await waitUntil(() => deliveries.length === 1, "the delivery");

    const [delivery] = deliveries;
    const header = delivery!.headers.get("x-registry-signature")!;
    expect(header).toMatch(/^t=[0-9]+,v1=[0-9a-f]{64}$/);
    expect(delivery!.headers.get("content-type")).toBe("application/json");
    const t = Number(/^t=([0-9]+)/.exec(header)![1]);
    const now = Math.floor(Date.now() / 1000);
    expect(Math.abs(now - t)).toBeLessThanOrEqual(5);

    expect(await verifySignature(secret, delivery!.raw, header, now)).toEqual({ ok: true, timestamp: t });
    expect(nodeRecipe(secret, delivery!.raw, header, now)).toBe(true);

    // The wrong secret, a body changed by one character, a missing header.
    expect(await verifySignature(`${secret}x`, delivery!.raw, header, now)).toEqual({
      ok: false,
      reason: "signature mismatch",
    });
    expect(nodeRecipe(`${secret}x`, delivery!.raw, header, now)).toBe(false);
    const tampered = delivery!.raw.replace("com.signed/tool", "com.signed/tooo");
    expect(tampered).not.toBe(delivery!.raw);
    expect((await verifySignature(secret, tampered, header, now)).ok).toBe(false);
    expect(nodeRecipe(secret, tampered, header, now)).toBe(false);
    expect((await verifySignature(secret, delivery!.raw, null, now)).ok).toBe(false);

    // Replayed after the window: refused, though the signature itself is right.
    const later = t + REPLAY_WINDOW_SECONDS + 1;
    expect(await verifySignature(secret, delivery!.raw, header, later)).toEqual({
      ok: false,
      reason: "timestamp outside the replay window",
    });
    expect(nodeRecipe(secret, delivery!.raw, header, later)).toBe(false);
    expect((await verifySignature(secret, delivery!.raw, header, t + REPLAY_WINDOW_SECONDS)).ok).toBe(true);
    // A re-stamped header (a new t with the old v1) does not verify: t is signed too.
    const restamped = header.replace(`t=${t}`, `t=${later}`);
    expect(await verifySignature(secret, delivery!.raw, restamped, later)).toEqual({
      ok: false,
      reason: "signature mismatch",
    });
  });
});
