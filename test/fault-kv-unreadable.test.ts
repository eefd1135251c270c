// KV reads fail (every get rejects, as the binding does during a KV outage): every read falls
// back to D1 and answers what a healthy registry answers (200, the same data), including
// /x/search (generation token, index pointer and shards all unreadable), and an isolate does not
// trust its memory longer than MEMORY_CACHE_TTL_MS while KV cannot tell it about changes.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { callWith, failingKv, sleep } from "./helpers/faults.ts";
import { api, loadFixtures } from "./helpers/registry.ts";

const NS = "com.kvfault";
const enc = encodeURIComponent;
/** wrangler.toml's MEMORY_CACHE_TTL_MS, and a margin. */
const TTL_MS = Number(env.MEMORY_CACHE_TTL_MS ?? 500);

beforeAll(async () => {
  await loadFixtures([
    { name: `${NS}/alpha`, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
    { name: `${NS}/alpha`, version: "1.1.0", publishedAt: "2025-02-01T00:00:00Z" },
    { name: `${NS}/beta`, version: "0.1.0", status: "deprecated", publishedAt: "2025-01-05T00:00:00Z" },
    { name: `${NS}/gamma`, version: "2.0.0", status: "deleted", publishedAt: "2025-01-10T00:00:00Z" },
    { name: `${NS}/gamma`, version: "2.1.0", publishedAt: "2025-03-01T00:00:00Z" },
  ]);
});

afterEach(() => {
  vi.useRealTimers();
});

const READS = [
  `/v0.1/servers?search=${NS}`,
  `/v0.1/servers?search=${NS}&limit=2`,
  `/v0.1/servers?search=${NS}&limit=2&cursor=${enc(`${NS}/alpha:1.1.0`)}`,
  `/v0.1/servers?search=${NS}&version=latest`,
  `/v0.1/servers?search=${NS}&version=1.0.0`,
  `/v0.1/servers?search=${NS}&updated_since=2025-01-15T00:00:00Z`,
  `/v0.1/servers?search=${NS}&include_deleted=true`,
  `/v0/servers?search=${NS}`,
  `/v0.1/servers/${enc(`${NS}/gamma`)}/versions`,
  `/v0.1/servers/${enc(`${NS}/gamma`)}/versions?include_deleted=true`,
  `/v0.1/servers/${enc(`${NS}/alpha`)}/versions/1.0.0`,
  `/v0.1/servers/${enc(`${NS}/alpha`)}/versions/latest`,
  `/v0.1/servers/${enc(`${NS}/gamma`)}/versions/2.0.0?include_deleted=true`,
  `/v0.1/servers/${enc(`${NS}/nope`)}/versions`,
];

describe("KV reads fail", () => {
  it("/x/search answers from D1 when the generation token and the index pointer are unreadable", async () => {
    // A built index exists in KV; this isolate has not loaded it yet and cannot read it now.
    expect((await buildSearchIndex(env)).state).toBe("published");
    const kv = failingKv(env.CACHE, { reads: true });
    const { status, body } = await callWith({ CACHE: kv }, `/x/search?q=${NS}&limit=10`);
    expect(status).toBe(200);
    expect(kv.failures).toBeGreaterThan(0);
    expect(body.metadata.total).toBe(3);
    expect(body.results.map((r: any) => `${r.server.name}@${r.server.version}`).sort()).toEqual([
      `${NS}/alpha@1.1.0`,
      `${NS}/beta@0.1.0`,
      `${NS}/gamma@2.1.0`,
    ]);
    const deprecated = await callWith({ CACHE: kv }, `/x/search?q=${NS}&status=deprecated`);
    expect(deprecated.status).toBe(200);
    expect(deprecated.body.results.map((r: any) => r.server.name)).toEqual([`${NS}/beta`]);
  });

  it("every official read answers 200 with the data a healthy registry answers", async () => {
    const healthy = new Map<string, { status: number; text: string }>();
    for (const path of READS) {
      const response = await api(path);
      healthy.set(path, { status: response.status, text: await response.text() });
    }
    // Past the memory TTL: the next read must ask KV for the generation token, and fails to.
    await sleep(TTL_MS + 100);
    const kv = failingKv(env.CACHE, { reads: true });
    for (const path of READS) {
      const res = await callWith({ CACHE: kv }, path);
      expect({ path, status: res.status, text: res.text }).toEqual({ path, ...healthy.get(path)! });
    }
    expect(kv.failures).toBeGreaterThan(0);
    expect(healthy.get(READS[0]!)!.status).toBe(200);
    expect(healthy.get(READS.at(-1)!)!.status).toBe(404);
  });

  it("an isolate that cannot read KV re-reads D1 at least every MEMORY_CACHE_TTL_MS", async () => {
    const kv = failingKv(env.CACHE, { reads: true });
    const path = `/v0.1/servers/${enc(`${NS}/alpha`)}/versions/1.1.0`;
    const list = `/v0.1/servers?search=${NS}/alpha&version=latest`;
    const status = (item: any) => item._meta["io.modelcontextprotocol.registry/official"].status;
    expect(status((await callWith({ CACHE: kv }, path)).body)).toBe("active");
    expect((await callWith({ CACHE: kv }, list)).body.servers.map(status)).toEqual(["active"]);
    // A change no cache is told about (made directly in D1).
    await env.DB.prepare("UPDATE server_versions SET status = 'deprecated' WHERE name = ? AND version = ?")
      .bind(`${NS}/alpha`, "1.1.0")
      .run();
    await sleep(TTL_MS + 100);
    expect(status((await callWith({ CACHE: kv }, path)).body)).toBe("deprecated");
    expect((await callWith({ CACHE: kv }, list)).body.servers.map(status)).toEqual(["deprecated"]);
  });

  it("/x/search answers from D1 when a new build's shards are unreadable", async () => {
    // A new server, so the next build has a new fingerprint and id: shards this isolate must read.
    await loadFixtures([{ name: `${NS}/delta`, version: "1.0.0", publishedAt: "2025-04-01T00:00:00Z" }]);
    expect((await buildSearchIndex(env)).state).toBe("published");
    // Past the isolate's pointer check interval (10 s), so it looks at the pointer again (last
    // test of the file: the isolate's clocks are in the future from here on).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    const shardsOnly = failingKv(env.CACHE, {
      reads: true,
      keys: (key) => key.startsWith("search:index:") && key !== "search:index:current",
    });
    const { status, body } = await callWith({ CACHE: shardsOnly }, `/x/search?q=${NS}&limit=10`);
    expect(status).toBe(200);
    expect(shardsOnly.failures).toBeGreaterThan(0);
    expect(body.metadata.total).toBe(4);
    expect(body.results.map((r: any) => r.server.name).sort()).toEqual(
      ["alpha", "beta", "delta", "gamma"].map((n) => `${NS}/${n}`),
    );
  });
});
