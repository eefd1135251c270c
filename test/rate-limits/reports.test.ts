// Abuse limits of POST /x/reports, with RATE_LIMIT_REPORT as wrangler.toml deploys it: per
// client address (IPv6 by its /64) before the body is read, and per token subject for token
// holders. This burst limit comes before the hourly REPORTS_PER_HOUR (its 429 asks to wait the
// binding's period, not the hour). Refused reports store nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditOf, report } from "../helpers/moderation.ts";
import { serverJson } from "../helpers/registry.ts";
import { publish, publishAll, tokenFor } from "../helpers/publishing.ts";
import { configured, expectLimited, roomInWindow } from "./helpers.ts";

const NS = "com.limits-report";
const NAME = `${NS}/tool`;
const { limit, period } = configured("RATE_LIMIT_REPORT");

async function reportCount() {
  return (await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>())!.n;
}

describe("report limits", async () => {
  expect((await publish(await tokenFor(publishAll(`${NS}/*`)), serverJson(NAME, "1.0.0"))).status).toBe(200);

  it("per address: the next report is 429 with the binding's Retry-After; nothing stored", async () => {
    await roomInWindow(period, 10_000);
    const ip = "198.18.20.1";
    for (let i = 0; i < limit; i++) expect((await report({ name: NAME, reason: "spam" }, { ip })).status).toBe(201);
    const [count, rows] = [await reportCount(), (await auditOf(NS)).length];
    expectLimited(await report({ name: NAME, reason: "spam" }, { ip }), period);
    expectLimited(await report("{not json", { ip }), period);
    expect(await reportCount()).toBe(count);
    expect(await auditOf(NS)).toHaveLength(rows);
    expect((await report({ name: NAME, reason: "spam" }, { ip: "198.18.20.2" })).status).toBe(201);
  });

  it("groups IPv6 addresses by their /64", async () => {
    await roomInWindow(period, 10_000);
    for (let i = 0; i < limit; i++) {
      const res = await report({ name: NAME, reason: "spam" }, { ip: `2001:db8:bb:1:${i + 1}::1` });
      expect(res.status).toBe(201);
    }
    expectLimited(await report({ name: NAME, reason: "spam" }, { ip: "2001:db8:bb:1:ffff::" }), period);
    expect((await report({ name: NAME, reason: "spam" }, { ip: "2001:db8:bb:2::1" })).status).toBe(201);
  });

  it("per subject: a token holder is limited across addresses; other holders are not", async () => {
    await roomInWindow(period, 10_000);
    const token = await tokenFor([], "github-at", "eager-reporter");
    for (let i = 0; i < limit; i++) {
      expect((await report({ name: NAME, reason: "broken" }, { token, ip: `198.18.21.${i + 1}` })).status).toBe(201);
    }
    const count = await reportCount();
    expectLimited(await report({ name: NAME, reason: "broken" }, { token, ip: "198.18.22.1" }), period);
    expect(await reportCount()).toBe(count);
    const other = await tokenFor([], "github-at", "calm-reporter");
    expect((await report({ name: NAME, reason: "broken" }, { token: other, ip: "198.18.22.1" })).status).toBe(201);
  });
});
