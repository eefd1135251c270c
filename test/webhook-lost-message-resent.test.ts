// A change whose queue message was lost (claimed in D1, never delivered, no attempt for longer
// than its next attempt could be due) is sent again by the dispatcher, and delivered; one that
// is merely waiting for its message is left alone.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IN_FLIGHT_GRACE_SECONDS } from "../worker/src/domain/webhooks.ts";
import { dispatchWebhooks } from "../worker/src/sync/webhook-dispatch.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { listDeliveries, receiverUrl, storedWebhook, stubReceivers, subscribe, waitUntil } from "./helpers/webhooks.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What a dispatcher leaves when it claimed `seq` at `since` (µs) and its message never arrived. */
async function claimedWithoutMessage(id: string, seq: number, since: number) {
  await env.DB.batch([
    env.DB.prepare("UPDATE webhooks SET cursor = ?, in_flight = ?, in_flight_since = ? WHERE id = ?").bind(
      seq - 1,
      seq,
      since,
      id,
    ),
    env.DB.prepare(
      "INSERT OR REPLACE INTO webhook_deliveries (webhook_id, seq, state, attempts, first_at, last_at) VALUES (?, ?, 'pending', 0, ?, ?)",
    ).bind(id, seq, since, since),
  ]);
}

describe("a lost webhook message", () => {
  it("is sent again by the dispatcher once overdue, and only then", async () => {
    const url = receiverUrl("lost");
    const seen = stubReceivers([url]);
    const token = await tokenFor(publishAll("com.lost/*"));
    // The change is committed before the subscription exists, so no dispatch sends it by itself.
    expect((await publish(token, serverJson("com.lost/tool", "1.0.0"))).status).toBe(200);
    const id = await subscribe({ url, events: ["*"], secret: "lost-message-secret-0123456789" });
    const seq = (await storedWebhook(id))!.cursor;
    expect(seq).toBeGreaterThan(0);

    // Claimed a second ago: its message may still be on its way. The dispatcher leaves it as it
    // is (a re-send would first restamp in_flight_since), and nothing arrives within the queue's
    // 1 s batch wait and then some.
    const recently = (Date.now() - 1000) * 1000;
    await claimedWithoutMessage(id, seq, recently);
    await dispatchWebhooks(env);
    expect(await storedWebhook(id)).toEqual({ cursor: seq - 1, in_flight: seq, in_flight_since: recently });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(seen.get(url)!.deliveries).toEqual([]);

    // Claimed longer ago than any attempt can be due: sent again.
    const longAgo = (Date.now() - (IN_FLIGHT_GRACE_SECONDS + 5) * 1000) * 1000;
    await claimedWithoutMessage(id, seq, longAgo);
    await dispatchWebhooks(env);
    await waitUntil(() => seen.get(url)!.deliveries.length === 1, "the re-sent delivery");
    expect(seen.get(url)!.deliveries[0]!.body.change.name).toBe("com.lost/tool");
    await waitUntil(async () => (await storedWebhook(id))!.in_flight === null, "the change settled");
    expect((await storedWebhook(id))!.cursor).toBe(seq);
    expect((await listDeliveries(id)).body.deliveries).toEqual([
      expect.objectContaining({ name: "com.lost/tool", state: "delivered", attempts: 1 }),
    ]);
  });
});
