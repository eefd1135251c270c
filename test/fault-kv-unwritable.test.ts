// KV writes fail (every put and delete rejects): writes still succeed and are readable, the read
// path's fills fail quietly (no rejected waitUntil promise), the catalog clock keeps the changed
// names and retries its flush until KV takes it, and an import's closing flush does not turn a
// committed import into a failure.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GENERATION_KEY, serverKey } from "../worker/src/storage/kv-keys.ts";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { callWith, failingKv, recordingContext, sleep, swapObjectEnv } from "./helpers/faults.ts";
import { api, loadFixtures, serverJson } from "./helpers/registry.ts";
import { publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.kvwrite";
const enc = encodeURIComponent;
const clock = () => env.CATALOG_CLOCK.getByName("catalog");

async function clockState() {
  return runInDurableObject(clock(), async (_instance, state) => ({
    alarm: await state.storage.getAlarm(),
    pending: [...(await state.storage.list({ prefix: "pending:" })).keys()],
  }));
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(50);
  }
}

describe("KV writes fail", () => {
  it("read-path fills fail quietly: 200, and no waitUntil promise rejects", async () => {
    await loadFixtures([{ name: `${NS}/filled`, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" }]);
    const kv = failingKv(env.CACHE, { writes: true });
    const { ctx, handed, rejections } = recordingContext();
    for (const path of [
      `/v0.1/servers?search=${NS}/filled`,
      `/v0.1/servers/${enc(`${NS}/filled`)}/versions`,
      `/v0.1/servers/${enc(`${NS}/filled`)}/versions/1.0.0`,
    ]) {
      expect((await callWith({ CACHE: kv }, path, {}, ctx)).status).toBe(200);
    }
    expect(handed.length).toBeGreaterThan(0);
    expect(await rejections()).toEqual([]);
    expect(kv.failures).toBeGreaterThan(0);
  });

  it("a publish answers 200 and is readable; the clock retries its flush until KV takes it", async () => {
    const kv = failingKv(env.CACHE, { writes: true });
    const restoreClock = await swapObjectEnv(clock(), { CACHE: kv });
    const name = `${NS}/published`;
    const before = await env.CACHE.get(GENERATION_KEY);
    try {
      // A stale KV document the flush has to delete.
      await env.CACHE.put(serverKey(name), JSON.stringify({ versions: [] }));
      const token = await tokenFor(publishAll(`${NS}/*`));
      const published = await callWith({ CACHE: kv }, "/v0.1/publish", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(serverJson(name, "1.0.0")),
      });
      expect(published.status).toBe(200);
      const read = await callWith({ CACHE: kv }, `/v0.1/servers/${enc(name)}/versions/latest`);
      expect(read.status).toBe(200);
      expect(read.body.server.version).toBe("1.0.0");
      const list = await callWith({ CACHE: kv }, `/v0.1/servers?search=${name}`);
      expect(list.body.servers.map((s: any) => s.server.version)).toEqual(["1.0.0"]);

      // The clock's alarm ran and failed: the name is still pending and another attempt is due.
      await until(async () => kv.failures > 0);
      // A failed flush is the clock's to retry: its alarm handler settles, and schedules the
      // next attempt itself (the runtime's own retries of a throwing alarm give up after six).
      const failures = kv.failures;
      expect(await runDurableObjectAlarm(clock())).toBe(true);
      expect(kv.failures).toBeGreaterThan(failures);
      const failed = await clockState();
      expect(failed.pending).toContain(`pending:${name}`);
      expect(failed.alarm).not.toBeNull();
      expect(await env.CACHE.get(serverKey(name))).not.toBeNull();
      expect(await env.CACHE.get(GENERATION_KEY)).toBe(before);
    } finally {
      await restoreClock();
    }
    // KV takes writes again: the next attempt (run now rather than waited for) flushes
    // everything that was pending.
    await runDurableObjectAlarm(clock());
    await until(async () => (await clockState()).pending.length === 0);
    expect(await env.CACHE.get(serverKey(name))).toBeNull();
    expect(await env.CACHE.get(GENERATION_KEY)).not.toBe(before);
  });

  it("an import succeeds when its closing cache flush fails", async () => {
    const kv = failingKv(env.CACHE, { writes: true });
    const name = `${NS}/imported`;
    const report = await importEntries({ ...env, CACHE: kv }, [
      { source: "test:1", server: serverJson(name, "1.0.0") },
    ]);
    expect(report).toMatchObject({ inserted: 1, rejected: [] });
    expect(kv.failures).toBeGreaterThan(0);
    const response = await api(`/v0.1/servers/${enc(name)}/versions/1.0.0`);
    expect(response.status).toBe(200);
  });
});
