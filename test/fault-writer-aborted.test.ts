// A namespace writer (Durable Object) is reset while a group of publishes is in flight, once
// before the group's D1 batch is sent and once right after it committed (the object dies before
// anyone hears of it). Every publish either landed exactly once and was answered 200, or was
// answered 503 problem+json with Retry-After; no version is stored twice; the stream's audit
// sequence stays gapless; retrying each refused publish succeeds, or, only when its row did land
// before the reset, is refused as a duplicate, which D1 confirms; and the next publish succeeds.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { interceptWriterBatch } from "./helpers/faults.ts";
import { serverJson } from "./helpers/registry.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.abort";
const writer = () => env.STREAM_WRITER.getByName(NS);

/**
 * Arms the running writer: its first D1 batch that commits at least `minRows` audit rows resets
 * the object (DurableObjectState.abort), either instead of being sent or right after it
 * committed. The object that comes next is a fresh instance with the real bindings.
 */
function armReset(moment: "before-commit" | "after-commit", minRows: number): Promise<void> {
  return interceptWriterBatch(writer() as DurableObjectStub, minRows, async (send, state) => {
    if (moment === "before-commit") {
      state.abort("injected reset");
      return new Promise(() => {});
    }
    const result = await send();
    state.abort("injected reset");
    return result;
  });
}

async function rowsOf(name: string, version: string) {
  const stored = await env.DB.prepare("SELECT count(*) AS n FROM server_versions WHERE name = ? AND version = ?")
    .bind(name, version)
    .first<{ n: number }>();
  const audited = await env.DB.prepare(
    "SELECT count(*) AS n FROM audit_log WHERE namespace = ? AND action = 'publish' AND outcome = 'ok' AND name = ? AND version = ?",
  )
    .bind(NS, name, version)
    .first<{ n: number }>();
  return { stored: stored!.n, audited: audited!.n };
}

function expectUnavailable(res: { status: number; body: any; response: Response }) {
  expect(res.status).toBe(503);
  expect(res.response.headers.get("content-type")).toBe("application/problem+json");
  expect(res.response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  expect(res.body).toEqual({ title: "Service Unavailable", status: 503, detail: expect.any(String) });
}

async function expectGapless() {
  const entries = await listStream(env.DB, NS);
  expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
}

describe("a namespace writer reset mid-group", () => {
  it.each([
    ["before-commit", 1],
    ["after-commit", 2],
  ] as const)("%s: every publish landed once (200) or was refused 503 and can be retried", async (moment, minor) => {
    const token = await tokenFor(publishAll(`${NS}/*`));
    expect((await publish(token, serverJson(`${NS}/warm-${moment}`, "1.0.0"))).status).toBe(200);
    await armReset(moment, 2);

    const jobs = Array.from({ length: 40 }, (_, i) => ({ name: `${NS}/tool-${i % 5}`, version: `${minor}.${i}.0` }));
    const results = await Promise.all(jobs.map((j) => publish(token, serverJson(j.name, j.version))));

    const errored = jobs.filter((_, i) => results[i]!.status !== 200);
    expect(errored.length).toBeGreaterThan(0);
    for (const [i, res] of results.entries()) {
      if (res.status === 200) {
        expect(await rowsOf(jobs[i]!.name, jobs[i]!.version)).toEqual({ stored: 1, audited: 1 });
      } else {
        expectUnavailable(res);
      }
    }
    await expectGapless();

    let duplicates = 0;
    for (const job of errored) {
      const retried = await publish(token, serverJson(job.name, job.version));
      if (retried.status !== 200) {
        // Only a publish whose row landed before the reset may be refused as a duplicate.
        expect(retried.status).toBe(400);
        expect(retried.body.errors[0].message).toMatch(/^invalid version: cannot publish duplicate version/);
        duplicates++;
      }
      expect(await rowsOf(job.name, job.version)).toEqual({ stored: 1, audited: 1 });
    }
    // Before the commit nothing of the group landed; after it, the whole group did.
    if (moment === "before-commit") expect(duplicates).toBe(0);
    else expect(duplicates).toBeGreaterThan(1);

    const twice = await env.DB.prepare(
      "SELECT name, version FROM server_versions WHERE name LIKE ? GROUP BY name, version HAVING count(*) > 1",
    )
      .bind(`${NS}/%`)
      .all();
    expect(twice.results).toEqual([]);
    for (const job of jobs) expect(await rowsOf(job.name, job.version)).toEqual({ stored: 1, audited: 1 });
    await expectGapless();
    expect((await publish(token, serverJson(`${NS}/fresh-${moment}`, "1.0.0"))).status).toBe(200);
    await expectGapless();
  });

  it("a status change whose writer resets before its batch is 503, and succeeds when retried", async () => {
    const token = await tokenFor([
      { action: "publish", resource: `${NS}/*` },
      { action: "edit", resource: `${NS}/*` },
    ]);
    const name = `${NS}/status`;
    expect((await publish(token, serverJson(name, "1.0.0"))).status).toBe(200);
    await armReset("before-commit", 1);
    expectUnavailable(await patchStatus(token, name, "1.0.0", { status: "deprecated" }));
    const retried = await patchStatus(token, name, "1.0.0", { status: "deprecated" });
    expect(retried.status).toBe(200);
    expect(retried.body._meta["io.modelcontextprotocol.registry/official"].status).toBe("deprecated");
    await expectGapless();
  });
});
