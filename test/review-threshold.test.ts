// Weighting and the review threshold: an address counts 1, a token holder 3, a reporter counts
// once per server; at a weighted 5 the server is marked under review on every read path until
// a maintainer resolves its reports.
import { describe, expect, it } from "vitest";
import { listReports } from "../worker/src/storage/d1-moderation.ts";
import { env } from "cloudflare:workers";
import { maintainerToken, moderationMeta, report, resolve } from "./helpers/moderation.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.review-threshold";

async function targetWeight(name: string): Promise<number> {
  const [first] = await listReports(env.DB, { status: "open", name, limit: 1 });
  return first?.targetWeight ?? 0;
}

/** The moderation meta of `name` as each read path shows it. */
async function marksOnReadPaths(name: string) {
  const path = encodeURIComponent(name);
  const list = await apiJson(`/v0.1/servers?search=${encodeURIComponent(name)}`);
  const versions = await apiJson(`/v0.1/servers/${path}/versions`);
  const detail = await apiJson(`/v0.1/servers/${path}/versions/1.0.0`);
  const latest = await apiJson(`/v0.1/servers/${path}/versions/latest`);
  const search = await apiJson(`/x/search?q=${encodeURIComponent(name)}`);
  const hit = search.body.results.find((r: any) => r.server.name === name);
  return [
    moderationMeta(list.body.servers[0]),
    moderationMeta(versions.body.servers[0]),
    moderationMeta(detail.body),
    moderationMeta(latest.body),
    hit && moderationMeta(hit),
  ];
}

describe("report weighting and the review threshold", async () => {
  const token = await tokenFor(publishAll(`${NS}/*`));

  it("counts a reporter once per server, however often they report", async () => {
    const name = `${NS}/repeat`;
    await publish(token, serverJson(name, "1.0.0"));
    for (let i = 0; i < 4; i++) expect((await report({ name, reason: "spam" }, { ip: "192.0.2.1" })).status).toBe(201);
    expect(await targetWeight(name)).toBe(1);
    const holder = await tokenFor([], "github-at", "alice");
    await report({ name, reason: "spam" }, { token: holder });
    await report({ name, version: "1.0.0", reason: "malicious" }, { token: holder });
    expect(await targetWeight(name)).toBe(4);
  });

  it("treats IPv6 addresses of one /64 as one reporter", async () => {
    const name = `${NS}/v6`;
    await publish(token, serverJson(name, "1.0.0"));
    await report({ name, reason: "spam" }, { ip: "2001:db8:1:2::1" });
    await report({ name, reason: "spam" }, { ip: "2001:db8:1:2:ffff::9" });
    expect(await targetWeight(name)).toBe(1);
    await report({ name, reason: "spam" }, { ip: "2001:db8:1:3::1" });
    expect(await targetWeight(name)).toBe(2);
  });

  it("marks a server under review on every read path once the weighted count reaches 5", async () => {
    const name = `${NS}/marked`;
    await publish(token, serverJson(name, "1.0.0", { description: "threshold marker server" }));
    expect(await marksOnReadPaths(name)).toEqual([undefined, undefined, undefined, undefined, undefined]);

    await report({ name, reason: "spam" }, { ip: "192.0.2.10" });
    await report({ name, reason: "spam" }, { token: await tokenFor([], "github-at", "bob") });
    expect(await targetWeight(name)).toBe(4);
    expect((await marksOnReadPaths(name)).every((m) => m === undefined)).toBe(true);

    const last = await report({ name, reason: "impersonation" }, { ip: "192.0.2.11" });
    expect(await targetWeight(name)).toBe(5);
    const marks = await marksOnReadPaths(name);
    for (const mark of marks)
      expect(mark).toEqual({ underReview: true, since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const resolved = await resolve(await maintainerToken(), last.body.id, {
      action: "dismiss",
      message: "Not impersonation: the publisher owns the brand.",
    });
    expect(resolved.status).toBe(200);
    expect(await marksOnReadPaths(name)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(await targetWeight(name)).toBe(0);
  });
});
