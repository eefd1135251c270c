// A writer's queue is bounded and ordered. A flood of failed token exchanges cannot delay anyone
// else's write on the "~auth" writer: their records wait behind every other write (a successful
// login's record, here), and past the failure queue's bound they are dropped (counted in the
// log) instead of growing memory. Any other write past the queue's bound is answered 503.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { auditOf } from "./helpers/moderation.ts";

const AUTH = "~auth";
const caller = (subject: string) => ({ actor: { method: "dns", subject }, requestId: `req-${subject}` });
const refused = { action: "token-exchange", outcome: "denied" as const, reason: "no valid proof" };

it("records a successful exchange ahead of queued failures, and bounds the failure queue", async () => {
  const writer = env.STREAM_WRITER.getByName(AUTH);
  const failures = Array.from({ length: 600 }, (_, i) =>
    writer.recordFailedExchange(caller(`attacker-${i}.example`), AUTH, refused, 401),
  );
  const success = writer.record(caller("com.example"), AUTH, { action: "token-exchange", detail: { permissions: [] } });
  const outcomes = await Promise.all([...failures, success]);
  expect(outcomes.every((o) => o.ok)).toBe(true);

  const rows = await auditOf(AUTH);
  const granted = rows.find((r) => r.outcome === "ok");
  // At most the one failure that was already running when the success arrived comes first.
  expect(granted?.seq).toBeLessThanOrEqual(2);
  const counted = await env.DB.prepare("SELECT coalesce(sum(count), 0) AS n FROM auth_failures").first<{ n: number }>();
  // Past the queue's bound (512 waiting) the rest were dropped, not queued.
  expect(counted!.n).toBeLessThan(600);
  expect(counted!.n).toBeGreaterThanOrEqual(512);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
});

it("answers 503 to writes past the writer's queue, instead of queueing without end", async () => {
  const writer = env.STREAM_WRITER.getByName("com.flooded");
  const outcomes = await Promise.all(
    Array.from({ length: 700 }, (_, i) =>
      writer.record(caller(`flood-${i}`), "com.flooded", { action: "probe", outcome: "denied", reason: "test" }),
    ),
  );
  const busy = outcomes.filter((o) => !o.ok);
  expect(busy.length).toBeGreaterThan(0);
  for (const o of busy)
    expect(o).toMatchObject({ ok: false, status: 503, headers: { "retry-after": expect.any(String) } });
  const rows = await auditOf("com.flooded");
  expect(rows).toHaveLength(700 - busy.length);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
});
