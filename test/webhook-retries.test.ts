// A failed webhook delivery is retried by the real queue after its backoff (the retry base,
// WEBHOOK_RETRY_BASE_SECONDS, for the first retry: 2 s in the tests), the attempt is visible in
// the deliveries log meanwhile, and the subscription's later changes wait for it: they are
// delivered after it, never before. Alike when the change that fails was being delivered in a
// row right after the previous one (a burst).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_RETRY_BASE_SECONDS, retryBaseSeconds } from "../worker/src/domain/webhooks.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { listDeliveries, receiverUrl, stubReceivers, subscribe, waitUntil } from "./helpers/webhooks.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * The first retry's delay (ms) as the tests configure it (vitest.config.ts). Longer than the
 * queue's 1 s batch wait, which even an undelayed retry pays, so that a retry sooner than it
 * shows; shorter than the default, so that a retry spaced by the default instead shows too.
 */
const BASE_MS = retryBaseSeconds(env.WEBHOOK_RETRY_BASE_SECONDS) * 1000;
/** Timers fire on time, but the receiver's clock reads a little early. */
const CLOCK_SLACK_MS = 100;

/** Whether the gap between two attempts is the first backoff: not shorter, and not the default's. */
function expectFirstBackoff(gapMs: number) {
  expect(BASE_MS).toBeGreaterThan(1000);
  expect(gapMs).toBeGreaterThanOrEqual(BASE_MS - CLOCK_SLACK_MS);
  expect(gapMs).toBeLessThan(DEFAULT_RETRY_BASE_SECONDS * 1000);
}

describe("webhook retries", () => {
  it("retries a failed delivery after its backoff and holds the later changes back until then", async () => {
    const url = receiverUrl("flaky");
    let failuresLeft = 1;
    // The first attempt fails with a 503, every later one succeeds.
    const seen = stubReceivers([url], () => (failuresLeft-- > 0 ? 503 : 200));
    const id = await subscribe({ url, events: ["*"], secret: "retry-test-secret-0123456789" });
    const token = await tokenFor(publishAll("com.retry/*"));
    expect((await publish(token, serverJson("com.retry/first", "1.0.0"))).status).toBe(200);
    const deliveries = seen.get(url)!.deliveries;
    await waitUntil(() => deliveries.length === 1, "the first attempt");
    expect((await publish(token, serverJson("com.retry/second", "1.0.0"))).status).toBe(200);

    // The failed attempt is in the log while the change waits for its retry.
    await waitUntil(async () => (await listDeliveries(id)).body.deliveries[0]?.attempts === 1, "the failure logged");
    const pending = (await listDeliveries(id)).body.deliveries;
    expect(pending).toEqual([
      expect.objectContaining({
        name: "com.retry/first",
        action: "publish",
        state: "pending",
        attempts: 1,
        lastStatus: 503,
        lastError: "HTTP 503: receiver says no",
      }),
    ]);

    await waitUntil(() => deliveries.length === 3, "the retry and the second change");
    expect(deliveries.map((d) => d.body.change.name)).toEqual([
      "com.retry/first",
      "com.retry/first",
      "com.retry/second",
    ]);
    // The same delivery id on both attempts (receivers dedupe on it), each signed afresh.
    expect(deliveries[1]!.body.id).toBe(deliveries[0]!.body.id);
    expect(deliveries[1]!.headers.get("x-registry-delivery")).toBe(deliveries[0]!.body.id);
    // Not before the first backoff has passed (and spaced by the configured base).
    expectFirstBackoff(deliveries[1]!.at - deliveries[0]!.at);

    const log = (await listDeliveries(id)).body.deliveries;
    expect(log.map((d: any) => [d.name, d.state, d.attempts, d.lastStatus, d.lastError])).toEqual([
      ["com.retry/second", "delivered", 1, 200, null],
      ["com.retry/first", "delivered", 2, 200, null],
    ]);
  });

  it("retries a change that failed in the middle of a burst, and the rest of the burst waits", async () => {
    const url = receiverUrl("burst");
    let failuresLeft = 1;
    // Only the burst's second change fails, once.
    const seen = stubReceivers([url], (delivery) =>
      delivery.body.change.name === "com.burst/bravo" && failuresLeft-- > 0 ? 500 : 200,
    );
    const id = await subscribe({ url, events: ["publish"], secret: "burst-test-secret-0123456789" });
    const token = await tokenFor(publishAll("com.burst/*"));
    // Committed before the first delivery starts (the queue waits up to a second for a batch).
    for (const slug of ["alpha", "bravo", "charlie", "delta"]) {
      expect((await publish(token, serverJson(`com.burst/${slug}`, "1.0.0"))).status).toBe(200);
    }
    const deliveries = seen.get(url)!.deliveries;
    await waitUntil(() => deliveries.length === 5, "the burst and one retry");
    expect(deliveries.map((d) => d.body.change.name)).toEqual([
      "com.burst/alpha",
      "com.burst/bravo",
      "com.burst/bravo",
      "com.burst/charlie",
      "com.burst/delta",
    ]);
    // bravo was tried right after alpha, in a row; its retry waited for the backoff.
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeLessThan(2_000);
    expectFirstBackoff(deliveries[2]!.at - deliveries[1]!.at);
    await waitUntil(
      async () => (await listDeliveries(id)).body.deliveries.every((d: any) => d.state === "delivered"),
      "all settled",
    );
    const log = (await listDeliveries(id)).body.deliveries;
    expect(log.map((d: any) => [d.name, d.attempts, d.lastStatus])).toEqual([
      ["com.burst/delta", 1, 200],
      ["com.burst/charlie", 1, 200],
      ["com.burst/bravo", 2, 200],
      ["com.burst/alpha", 1, 200],
    ]);
  });
});
