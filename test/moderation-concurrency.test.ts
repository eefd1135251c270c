// Moderation writes share the namespace's writer with publishing: concurrent reports and
// publishes into one namespace all land, each with one audit row, numbered without gaps; a
// moderation write whose batch fails leaves neither its change nor its audit row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditOf, maintainerToken, report, resolve } from "./helpers/moderation.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.moderation-race";

async function reportCount(name: string) {
  return (await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE name = ?").bind(name).first<{ n: number }>())!
    .n;
}

describe("moderation under concurrency", async () => {
  const publisher = await tokenFor(publishAll(`${NS}/*`));
  await publish(publisher, serverJson(`${NS}/target`, "1.0.0"));

  it("32 concurrent reports and 32 concurrent publishes into one namespace: all land, gapless", async () => {
    const before = (await auditOf(NS)).length;
    const reports = Array.from({ length: 32 }, (_, i) =>
      report({ name: `${NS}/target`, reason: "spam" }, { ip: `100.64.0.${i + 1}` }),
    );
    const publishes = Array.from({ length: 32 }, (_, i) =>
      publish(publisher, serverJson(`${NS}/tool-${i % 4}`, `1.0.${i}`)),
    );
    const results = await Promise.all([...reports, ...publishes]);
    expect(results.map((r) => r.status)).toEqual([...Array(32).fill(201), ...Array(32).fill(200)]);

    const rows = await auditOf(NS);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.every((r, i) => i === 0 || r.at > rows[i - 1]!.at)).toBe(true);
    const added = rows.slice(before);
    expect(added.filter((r) => r.action === "report")).toHaveLength(32);
    expect(added.filter((r) => r.action === "publish" && r.outcome === "ok")).toHaveLength(32);
    expect(await reportCount(`${NS}/target`)).toBe(32);
    // 32 distinct reporters of weight 1 passed the threshold of 5 exactly once.
    expect(added.filter((r) => r.detail?.underReview === true)).toHaveLength(1);
    const detail = await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/target`)}/versions/latest`);
    expect(detail.body._meta["dev.mcp-registry-workers/moderation"]).toMatchObject({ underReview: true });
  });

  it("a report whose batch fails leaves no report and no audit row, and the next one succeeds", async () => {
    const rowsBefore = await auditOf(NS);
    const countBefore = await reportCount(`${NS}/target`);
    await env.DB.prepare(
      `CREATE TRIGGER fail_report BEFORE INSERT ON reports WHEN NEW.details = 'boom'
       BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    ).run();
    const failed = await report({ name: `${NS}/target`, reason: "other", details: "boom" }, { ip: "100.64.1.1" });
    await env.DB.prepare("DROP TRIGGER fail_report").run();
    expect(failed.status).toBe(500);
    expect(await auditOf(NS)).toEqual(rowsBefore);
    expect(await reportCount(`${NS}/target`)).toBe(countBefore);

    const next = await report({ name: `${NS}/target`, reason: "other", details: "fine" }, { ip: "100.64.1.1" });
    expect(next.status).toBe(201);
    const rows = await auditOf(NS);
    expect(rows.at(-1)!.seq).toBe(rowsBefore.length + 1);
  });

  it("a resolution whose batch fails changes no version, resolves no report and writes no audit row", async () => {
    const open = await apiJson(`/x/admin/reports?name=${encodeURIComponent(`${NS}/target`)}&limit=1`, {
      headers: { authorization: `Bearer ${await maintainerToken()}` },
    });
    const id = open.body.reports[0].id;
    const rowsBefore = await auditOf(NS);
    await env.DB.prepare(
      `CREATE TRIGGER fail_resolution BEFORE UPDATE OF status ON server_versions WHEN NEW.name = '${NS}/target'
       BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    ).run();
    const failed = await resolve(await maintainerToken(), id, { action: "delete", message: "spam" });
    await env.DB.prepare("DROP TRIGGER fail_resolution").run();
    expect(failed.status).toBe(500);
    expect(await auditOf(NS)).toEqual(rowsBefore);
    const still = await apiJson(`/x/admin/reports?name=${encodeURIComponent(`${NS}/target`)}&limit=100`, {
      headers: { authorization: `Bearer ${await maintainerToken()}` },
    });
    expect(still.body.reports.every((r: any) => r.status === "open" && r.underReview)).toBe(true);
    expect((await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/target`)}/versions/1.0.0`)).status).toBe(200);

    expect((await resolve(await maintainerToken(), id, { action: "delete", message: "spam" })).status).toBe(200);
    expect((await auditOf(NS)).at(-1)).toMatchObject({ action: "resolve", seq: rowsBefore.length + 1 });
  });
});
