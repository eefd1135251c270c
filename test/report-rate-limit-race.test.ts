// The per-reporter hourly report limit holds exactly under concurrency: reports of one reporter
// on servers of different namespaces are filed by different writers at once, and still only
// REPORTS_PER_HOUR of them are accepted. Refused ones store nothing and leave no audit row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { moderationConfig } from "../worker/src/domain/moderation.ts";
import { auditOf, report } from "./helpers/moderation.ts";
import { serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const PER_HOUR = moderationConfig(env).reportsPerHour;
const COUNT = 2 * PER_HOUR;
const namespaces = Array.from({ length: COUNT }, (_, i) => `com.report-race-${i}`);

describe("the hourly report limit under concurrency", async () => {
  const publisher = await tokenFor(publishAll("*"));
  for (const ns of namespaces) expect((await publish(publisher, serverJson(`${ns}/tool`, "1.0.0"))).status).toBe(200);

  it(`${COUNT} concurrent reports from one token on ${COUNT} namespaces: exactly ${PER_HOUR} accepted`, async () => {
    const reporter = await tokenFor([], "github-at", "racer");
    const results = await Promise.all(
      namespaces.map((ns) => report({ name: `${ns}/tool`, reason: "spam" }, { token: reporter })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(PER_HOUR);
    expect(statuses.filter((s) => s === 429)).toHaveLength(COUNT - PER_HOUR);
    for (const refused of results.filter((r) => r.status === 429)) {
      expect(refused.response.headers.get("content-type")).toBe("application/problem+json");
      expect(Number(refused.response.headers.get("retry-after"))).toBeGreaterThan(3500);
      expect(refused.body.detail).toMatch(/Too many reports/);
    }

    const stored = await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE reporter = ?")
      .bind("github-at:racer")
      .first<{ n: number }>();
    expect(stored?.n).toBe(PER_HOUR);

    let audited = 0;
    for (const [i, ns] of namespaces.entries()) {
      const rows = await auditOf(ns);
      // Gapless per stream: a refused report consumed no sequence number.
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, j) => j + 1));
      const reports = rows.filter((r) => r.action === "report");
      expect(reports.length).toBe(results[i]!.status === 201 ? 1 : 0);
      audited += reports.length;
    }
    expect(audited).toBe(PER_HOUR);
  });

  it("the writers keep working after refusals: the next write of a namespace takes the next number", async () => {
    const ns = namespaces[COUNT - 1]!;
    const before = await auditOf(ns);
    expect((await publish(publisher, serverJson(`${ns}/tool`, "1.0.1"))).status).toBe(200);
    expect((await auditOf(ns)).at(-1)).toMatchObject({ action: "publish", seq: before.length + 1 });
    const other = await tokenFor([], "github-at", "bystander");
    expect((await report({ name: `${ns}/tool`, reason: "broken" }, { token: other })).status).toBe(201);
  });
});
