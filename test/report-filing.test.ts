// POST /x/reports: who may report what, the answers to bad input, and the per-reporter rate
// limit; refusals write nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueRegistryToken } from "../worker/src/auth/registry-token.ts";
import { auditOf, report } from "./helpers/moderation.ts";
import { serverJson } from "./helpers/registry.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.report-filing";

async function counts() {
  const reports = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
  return { reports: reports?.n, audit: (await auditOf(NS)).length };
}

describe("filing a report", async () => {
  const token = await tokenFor(publishAll(`${NS}/*`));
  await publish(token, serverJson(`${NS}/tool`, "1.0.0"));
  await publish(token, serverJson(`${NS}/gone`, "1.0.0"));
  await patchStatus(token, `${NS}/gone`, undefined, { status: "deleted" });

  it("answers 201 with an id and status open, and audits it under the reporter's hash", async () => {
    const res = await report(
      { name: `${NS}/tool`, version: "1.0.0", reason: "spam", details: "bulk-generated" },
      { ip: "203.0.113.7" },
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: "open" });
    const row = (await auditOf(NS)).at(-1)!;
    expect(row).toMatchObject({
      action: "report",
      name: `${NS}/tool`,
      version: "1.0.0",
      outcome: "ok",
      actorMethod: "address",
    });
    expect(row.actorSubject).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(row)).not.toContain("203.0.113.7");
    expect(row.requestId).toBe(res.response.headers.get("x-request-id"));
  });

  it("identifies token holders by the token's subject", async () => {
    const reporterToken = await tokenFor([], "github-at", "octocat");
    const res = await report({ name: `${NS}/tool`, reason: "broken" }, { token: reporterToken });
    expect(res.status).toBe(201);
    expect((await auditOf(NS)).at(-1)).toMatchObject({ actorMethod: "github-at", actorSubject: "octocat" });
  });

  it.each([
    ["an unknown server", { name: `${NS}/nope`, reason: "spam" }, 404],
    ["an unknown version", { name: `${NS}/tool`, version: "9.9.9", reason: "spam" }, 404],
    ["a deleted server", { name: `${NS}/gone`, reason: "spam" }, 404],
    ["an unknown reason", { name: `${NS}/tool`, reason: "boring" }, 422],
    ["details over 2,000 characters", { name: `${NS}/tool`, reason: "other", details: "x".repeat(2001) }, 422],
    ["an unknown field", { name: `${NS}/tool`, reason: "spam", severity: "high" }, 422],
    ["a missing reason", { name: `${NS}/tool` }, 422],
  ])("refuses %s and writes nothing", async (_label, body, status) => {
    const before = await counts();
    const res = await report(body, { ip: "203.0.113.8" });
    expect(res.status).toBe(status);
    expect(res.response.headers.get("content-type")).toBe("application/problem+json");
    expect(await counts()).toEqual(before);
  });

  it("accepts details of exactly 2,000 characters", async () => {
    const res = await report({ name: `${NS}/tool`, reason: "other", details: "é".repeat(2000) }, { ip: "203.0.113.9" });
    expect(res.status).toBe(201);
  });

  it("refuses forged and expired tokens with 401", async () => {
    const before = await counts();
    const forged = `${(await tokenFor([])).slice(0, -4)}AAAA`;
    const expired = (await issueRegistryToken(env, "none", "old", [], Math.floor(Date.now() / 1000) - 3600))
      .registry_token;
    for (const token of [forged, expired]) {
      expect((await report({ name: `${NS}/tool`, reason: "spam" }, { token })).status).toBe(401);
    }
    expect(await counts()).toEqual(before);
  });

  it("limits each reporter to 20 reports an hour (429 with Retry-After), others unaffected", async () => {
    const ip = "203.0.113.50";
    for (let i = 0; i < 20; i++) {
      expect((await report({ name: `${NS}/tool`, reason: "spam" }, { ip })).status).toBe(201);
    }
    const before = await counts();
    const limited = await report({ name: `${NS}/tool`, reason: "spam" }, { ip });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(limited.body.detail).toMatch(/Too many reports/);
    expect(await counts()).toEqual(before);
    expect((await report({ name: `${NS}/tool`, reason: "spam" }, { ip: "203.0.113.51" })).status).toBe(201);
  });
});
