// D1 unreachable (the binding rejects with its outage messages): reads the caches cannot answer
// and every write answer 503 problem+json with Retry-After, never a 500 or a stack trace; what
// the caches hold is still served; once D1 is back the same requests succeed.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { callWith, D1_OUTAGES, failingD1, swapObjectEnv } from "./helpers/faults.ts";
import { api, loadFixtures, serverJson } from "./helpers/registry.ts";
import { maintainerToken } from "./helpers/moderation.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.d1fault";
const enc = encodeURIComponent;
const writer = () => env.STREAM_WRITER.getByName(NS);

function expectUnavailable(res: { status: number; body: any; text: string; response: Response }) {
  expect(res.status).toBe(503);
  expect(res.response.headers.get("content-type")).toBe("application/problem+json");
  expect(res.response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  expect(res.body).toEqual({ title: "Service Unavailable", status: 503, detail: expect.any(String) });
  expect(res.text).not.toMatch(/D1_ERROR|\bat \S+:\d+|\.ts\b/);
}

beforeAll(async () => {
  await loadFixtures([{ name: `${NS}/cached`, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" }]);
  // Read once: its document is now in KV and in this isolate's memory.
  expect((await api(`/v0.1/servers/${enc(`${NS}/cached`)}/versions/1.0.0`)).status).toBe(200);
});

describe("D1 unavailable", () => {
  it.each(D1_OUTAGES.map((message, i) => [message, i] as const))(
    "reads the caches cannot answer are 503 with Retry-After: %s",
    async (message, i) => {
      const db = failingD1(message);
      for (const path of [
        `/v0.1/servers?search=${NS}/never-listed-${i}`,
        `/v0.1/servers/${enc(`${NS}/never-read-${i}`)}/versions`,
        `/v0.1/servers/${enc(`${NS}/never-read-${i}`)}/versions/latest`,
        `/v0.1/servers/${enc(`${NS}/never-read-${i}`)}/versions/1.0.0`,
      ]) {
        expectUnavailable(await callWith({ DB: db }, path));
      }
      expect(db.calls).toBeGreaterThan(0);
    },
  );

  it("a read the caches can answer is still served", async () => {
    const res = await callWith({ DB: failingD1(D1_OUTAGES[0]) }, `/v0.1/servers/${enc(`${NS}/cached`)}/versions/1.0.0`);
    expect(res.status).toBe(200);
    expect(res.body.server.version).toBe("1.0.0");
  });

  it.each(D1_OUTAGES.map((message, i) => [message, i] as const))(
    "a publish is 503 with Retry-After, then succeeds once D1 is back: %s",
    async (message, i) => {
      const token = await tokenFor(publishAll(`${NS}/*`));
      const name = `${NS}/published-${i}`;
      const restore = await swapObjectEnv(writer(), { DB: failingD1(message) });
      try {
        const failed = await publish(token, serverJson(name, "1.0.0"));
        expectUnavailable({ ...failed, text: JSON.stringify(failed.body) });
      } finally {
        await restore();
      }
      expect((await api(`/v0.1/servers/${enc(name)}/versions`)).status).toBe(404);
      expect((await publish(token, serverJson(name, "1.0.0"))).status).toBe(200);
      const entries = await listStream(env.DB, NS);
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, k) => k + 1));
    },
  );

  it("a status change and an edit are 503 with Retry-After", async () => {
    const token = await tokenFor([
      { action: "publish", resource: `${NS}/*` },
      { action: "edit", resource: `${NS}/*` },
    ]);
    const name = `${NS}/changed`;
    expect((await publish(token, serverJson(name, "1.0.0"))).status).toBe(200);
    const restore = await swapObjectEnv(writer(), { DB: failingD1(D1_OUTAGES[1]) });
    try {
      const status = await patchStatus(token, name, "1.0.0", { status: "deprecated" });
      expectUnavailable({ ...status, text: JSON.stringify(status.body) });
    } finally {
      await restore();
    }
    // The edit reads the stored version in the route first: D1 fails there.
    const edit = await callWith(
      { DB: failingD1(D1_OUTAGES[2]) },
      `/v0.1/servers/${enc(`${NS}/never-read-edit`)}/versions/1.0.0`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(serverJson(`${NS}/never-read-edit`, "1.0.0")),
      },
    );
    expectUnavailable(edit);
    const retried = await patchStatus(token, name, "1.0.0", { status: "deprecated" });
    expect(retried.status).toBe(200);
  });

  it("a report resolution whose route reads D1 is 503", async () => {
    const token = await maintainerToken();
    const res = await callWith(
      { DB: failingD1(D1_OUTAGES[0]) },
      "/x/admin/reports/00000000-0000-4000-8000-000000000000/resolve",
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ action: "dismiss", message: "ok" }),
      },
    );
    expectUnavailable(res);
  });
});
