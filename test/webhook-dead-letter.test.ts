// A change that fails every attempt is dead-lettered and the subscription moves on. The first
// attempt is the real queue's; the next ones are driven by hand as the queue would redeliver
// the message (the Worker's queue() handler through its own service binding, attempts 2…6) to
// see each retry's backoff as the runtime records it; then the dead letter (the same handler,
// batch.queue = the DLQ) marks it dead, and the next change goes out through the real queue. The
// real queue's own redelivery, when it comes, finds the change settled and sends nothing.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { retryBaseSeconds } from "../worker/src/domain/webhooks.ts";
import { WEBHOOK_DEAD_LETTER_QUEUE, type WebhookMessage } from "../worker/src/sync/webhook-consumer.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { listDeliveries, receiverUrl, storedWebhook, stubReceivers, subscribe, waitUntil } from "./helpers/webhooks.ts";

const QUEUE = "mcp-registry-webhooks";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What the runtime reports of a queue() invocation (needs the service_binding_extra_handlers test flag). */
interface QueueResult {
  outcome: string;
  explicitAcks: string[];
  retryMessages: { msgId: string; delaySeconds?: number }[];
}

/** Runs one message through the Worker's queue() handler as `queue` would deliver it. */
function consume(queue: string, id: string, attempts: number, body: WebhookMessage): Promise<QueueResult> {
  const loopback = exports.default as unknown as {
    queue(
      queue: string,
      messages: { id: string; timestamp: Date; attempts: number; body: unknown }[],
    ): Promise<QueueResult>;
  };
  return loopback.queue(queue, [{ id, timestamp: new Date(), attempts, body }]);
}

describe("webhook dead-lettering", () => {
  it("retries with growing backoff, dead-letters after the last attempt and moves on", async () => {
    const url = receiverUrl("down");
    // The first change never gets through (a refused connection on its first attempt, 500s after).
    const seen = stubReceivers([url], (delivery) => {
      if (delivery.body.change.name !== "com.dead/doomed") return 200;
      return deliveries.length === 1 ? "unreachable" : 500;
    });
    const deliveries = seen.get(url)!.deliveries;
    const id = await subscribe({ url, events: ["publish"], secret: "dead-letter-secret-0123456789" });
    const token = await tokenFor(publishAll("com.dead/*"));
    expect((await publish(token, serverJson("com.dead/doomed", "1.0.0"))).status).toBe(200);
    await waitUntil(() => deliveries.length === 1, "the first attempt");
    await waitUntil(async () => (await listDeliveries(id)).body.deliveries[0]?.attempts === 1, "its failure logged");
    const firstAt = deliveries[0]!.at;
    expect((await listDeliveries(id)).body.deliveries[0]).toMatchObject({
      state: "pending",
      lastStatus: null,
      lastError: expect.stringContaining("connection refused"),
    });
    // A later change waits behind the failing one.
    expect((await publish(token, serverJson("com.dead/next", "1.0.0"))).status).toBe(200);

    const seq = (await storedWebhook(id))!.in_flight!;
    expect(seq).toBeGreaterThan(0);
    const message = { webhook: id, seq };
    // Attempts 2…6 as the queue redelivers them: each fails and asks for the next backoff, 4
    // times the one before from the tests' retry base (2 s; the cap: webhook-backoff.test.ts).
    // (Driven within a fraction of a second, well before the real queue's own retry of the first
    // attempt, due the base after it.)
    expect(retryBaseSeconds(env.WEBHOOK_RETRY_BASE_SECONDS)).toBe(2);
    const delays: (number | undefined)[] = [];
    for (let attempts = 2; attempts <= 6; attempts++) {
      const result = await consume(QUEUE, `m${attempts}`, attempts, message);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages.map((r) => r.msgId)).toEqual([`m${attempts}`]);
      delays.push(result.retryMessages[0]!.delaySeconds);
    }
    expect(delays).toEqual([8, 32, 128, 512, 2048]);
    expect(deliveries.map((d) => d.body.change.name)).toEqual(Array(6).fill("com.dead/doomed"));
    expect((await listDeliveries(id)).body.deliveries).toEqual([
      expect.objectContaining({ name: "com.dead/doomed", state: "pending", attempts: 6, lastStatus: 500 }),
    ]);

    // After max_retries the queue hands the message to the dead-letter queue.
    const dead = await consume(WEBHOOK_DEAD_LETTER_QUEUE, "dlq-1", 1, message);
    expect(dead.explicitAcks).toEqual(["dlq-1"]);
    expect(dead.retryMessages).toEqual([]);
    await waitUntil(() => deliveries.some((d) => d.body.change.name === "com.dead/next"), "the next change");
    await waitUntil(
      async () => (await listDeliveries(id)).body.deliveries[0]?.state === "delivered",
      "the next change logged",
    );
    const log = (await listDeliveries(id)).body.deliveries;
    expect(log.map((d: any) => [d.name, d.state, d.attempts, d.lastStatus])).toEqual([
      ["com.dead/next", "delivered", 1, 200],
      ["com.dead/doomed", "dead", 6, 500],
    ]);

    // A dead letter delivered twice, or the real queue's own retry of the first attempt (due the
    // base after it, then up to the queue's 1 s batch wait): the change is settled, so both are
    // acknowledged without a request.
    expect((await consume(WEBHOOK_DEAD_LETTER_QUEUE, "dlq-2", 1, message)).explicitAcks).toEqual(["dlq-2"]);
    const realRetryDone = firstAt + retryBaseSeconds(env.WEBHOOK_RETRY_BASE_SECONDS) * 1000 + 1_500;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, realRetryDone - Date.now())));
    expect(deliveries.filter((d) => d.body.change.name === "com.dead/doomed")).toHaveLength(6);
    expect(deliveries).toHaveLength(7);
    expect((await storedWebhook(id))!.in_flight).toBeNull();
  });
});
