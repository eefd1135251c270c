// The deliveries log is bounded per subscription: the cron's dispatch keeps the newest
// KEPT_DELIVERIES settled rows of each subscription, and every pending one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KEPT_DELIVERIES } from "../worker/src/domain/webhooks.ts";
import { dispatchWebhooks } from "../worker/src/sync/webhook-dispatch.ts";
import { subscribe } from "./helpers/webhooks.ts";

/** Log rows as the consumer leaves them: `settled` delivered or dead ones from seq 2 up, and one pending at seq 1. */
async function fillLog(id: string, settled: number) {
  const statements = [
    env.DB.prepare(
      "INSERT INTO webhook_deliveries (webhook_id, seq, state, attempts, first_at, last_at) VALUES (?, 1, 'pending', 3, 1, 1)",
    ).bind(id),
  ];
  for (let seq = 2; seq < settled + 2; seq++) {
    statements.push(
      env.DB.prepare(
        "INSERT INTO webhook_deliveries (webhook_id, seq, state, attempts, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?)",
      ).bind(id, seq, seq % 7 === 0 ? "dead" : "delivered", seq, seq),
    );
  }
  for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
}

const rows = async (id: string) =>
  (
    await env.DB.prepare("SELECT seq, state FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq")
      .bind(id)
      .all<{ seq: number; state: string }>()
  ).results;

describe("the deliveries log", () => {
  it(`keeps the newest ${KEPT_DELIVERIES} settled deliveries of each subscription and every pending one`, async () => {
    const big = await subscribe({
      url: "https://hooks.example.com/big",
      events: ["*"],
      secret: "prune-secret-0123456789",
    });
    const small = await subscribe({
      url: "https://hooks.example.com/small",
      events: ["*"],
      secret: "prune-secret-0123456789",
    });
    await fillLog(big, KEPT_DELIVERIES + 150);
    await fillLog(small, 20);

    await dispatchWebhooks(env);

    const kept = await rows(big);
    expect(kept.length).toBe(KEPT_DELIVERIES + 1);
    expect(kept[0]).toEqual({ seq: 1, state: "pending" });
    // The newest settled ones: seq 152 … KEPT_DELIVERIES + 151.
    expect(kept[1]!.seq).toBe(152);
    expect(kept.at(-1)!.seq).toBe(KEPT_DELIVERIES + 151);
    expect((await rows(small)).length).toBe(21);
  });
});
