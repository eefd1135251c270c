// Failed token exchanges cannot grow the audit trail without a bound: anyone may send them, so
// only the first AUTH_FAILURE_AUDIT_PER_HOUR of an hour keep an audit row each; every failure
// is counted in auth_failures (one row per hour, method and status), which global maintainers
// read at GET /x/admin/auth-failures. Successful exchanges are always audited.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminGet, auditOf, maintainerToken } from "./helpers/moderation.ts";
import { apiJson } from "./helpers/registry.ts";
import { editAll, tokenFor } from "./helpers/publishing.ts";

const CAP = Number(env.AUTH_FAILURE_AUDIT_PER_HOUR);
const HOUR_MICROS = 3600 * 1_000_000;
const EXTRA = 15;

function failedExchange(i: number) {
  const stale = new Date(Date.now() - 3_600_000).toISOString();
  return apiJson("/v0.1/auth/dns", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ domain: `attacker-${i}.example`, timestamp: stale, signed_timestamp: "AAAA" }),
  });
}

const failureRows = async () => (await auditOf("~auth")).filter((r) => r.outcome !== "ok");

async function hourStart(): Promise<number> {
  // Stay clear of an hour's end: the bound is per hour.
  const leftMs = 3_600_000 - (Date.now() % 3_600_000);
  if (leftMs < 30_000) await new Promise((resolve) => setTimeout(resolve, leftMs + 100));
  return Math.floor((Date.now() * 1000) / HOUR_MICROS) * HOUR_MICROS;
}

describe("failed token exchanges", () => {
  it(`keep an audit row each for the first ${CAP} of the hour, then are only counted`, async () => {
    expect(CAP).toBeGreaterThan(0);
    const hour = await hourStart();
    for (let i = 0; i < CAP + EXTRA; i += 8) {
      const batch = Array.from({ length: Math.min(8, CAP + EXTRA - i) }, (_, j) => failedExchange(i + j));
      for (const res of await Promise.all(batch)) expect(res.status).toBe(401);
    }
    const rows = await auditOf("~auth");
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(await failureRows()).toHaveLength(CAP);
    const tally = await env.DB.prepare(
      "SELECT sum(count) AS count, sum(audited) AS audited FROM auth_failures WHERE hour = ?",
    )
      .bind(hour)
      .first<{ count: number; audited: number }>();
    expect(tally).toEqual({ count: CAP + EXTRA, audited: CAP });
  });

  it("a restarted writer reads the hour's count back from D1", async () => {
    await evictDurableObject(env.STREAM_WRITER.getByName("~auth"));
    expect((await failedExchange(999)).status).toBe(401);
    expect(await failureRows()).toHaveLength(CAP);
  });

  it("successful exchanges past the bound are still audited", async () => {
    const granted = await apiJson("/v0.1/auth/none", { method: "POST" });
    expect(granted.status).toBe(200);
    expect((await auditOf("~auth")).at(-1)).toMatchObject({ action: "token-exchange", outcome: "ok" });
  });

  it("global maintainers see the counts at GET /x/admin/auth-failures", async () => {
    const res = await adminGet(await maintainerToken(), "/x/admin/auth-failures");
    expect(res.status).toBe(200);
    const dns = res.body.failures.filter((f: any) => f.method === "dns");
    expect(dns).toEqual([
      {
        hour: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/),
        method: "dns",
        status: 401,
        count: CAP + EXTRA + 1,
        audited: CAP,
        lastReason: expect.stringContaining("timestamp"),
        lastClaimed: "attacker-999.example",
        lastAt: expect.any(String),
      },
    ]);
    expect((await adminGet(await tokenFor(editAll("com.x/*")), "/x/admin/auth-failures")).status).toBe(403);
    expect((await adminGet(undefined, "/x/admin/auth-failures")).status).toBe(401);
    const future = await adminGet(await maintainerToken(), "/x/admin/auth-failures?since=2999-01-01T00:00:00Z");
    expect(future.body.failures).toEqual([]);
  });
});
