// The read path answers from memory and KV, not D1, and writes through publishWrite are
// visible at once (docs/storage.md "Read path and staleness bounds").
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { repairCaches } from "../worker/src/cron/repair-caches.ts";
import { FINGERPRINT_KEY, GENERATION_KEY, serverKey } from "../worker/src/storage/kv-keys.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";

const load = (name: string, version: string, publishedAt: string) =>
  importEntries(env, [{ source: "t", server: serverJson(name, version), official: { publishedAt } }]);

beforeAll(async () => {
  await load("com.cache/one", "1.0.0", "2025-01-01T00:00:00Z");
});

describe("read caches", () => {
  it("serves repeated reads without D1: rows removed behind the caches' back still answer", async () => {
    const before = await (await api("/v0.1/servers?search=cache")).text();
    const detailBefore = await (await api("/v0.1/servers/com.cache%2Fone/versions/1.0.0")).text();
    await env.DB.prepare("DELETE FROM server_versions WHERE name = 'com.cache/one'").run();
    expect(await (await api("/v0.1/servers?search=cache")).text()).toBe(before);
    expect(await (await api("/v0.1/servers/com.cache%2Fone/versions/1.0.0")).text()).toBe(detailBefore);
    // Put the row back for the next tests (through D1 only: caches are unchanged).
    await env.DB.prepare("DELETE FROM servers WHERE name = 'com.cache/one'").run();
    await load("com.cache/one", "1.0.0", "2025-01-01T00:00:00Z");
  });

  it("keeps a per-name document in KV and a generation token", async () => {
    await api("/v0.1/servers/com.cache%2Fone/versions");
    // The miss fills KV in waitUntil, after the answer.
    let doc: { versions: { version: string }[] } | null = null;
    for (let i = 0; i < 50 && doc === null; i++) {
      doc = await env.CACHE.get(serverKey("com.cache/one"), "json");
      if (doc === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(doc?.versions.map((v) => v.version)).toEqual(["1.0.0"]);
    expect(await env.CACHE.get(GENERATION_KEY)).toBeTruthy();
  });

  it("shows a write made through publishWrite on the very next request", async () => {
    const listBefore = await apiJson("/v0.1/servers?search=com.cache/");
    expect(listBefore.body.metadata.count).toBe(1);
    await load("com.cache/one", "1.1.0", "2025-01-02T00:00:00Z");
    const detail = await apiJson("/v0.1/servers/com.cache%2Fone/versions/latest");
    expect(detail.body.server.version).toBe("1.1.0");
    const list = await apiJson("/v0.1/servers?search=com.cache/");
    expect(list.body.metadata.count).toBe(2);
  });

  it("the cron repairs caches after a change made directly in D1", async () => {
    await repairCaches(env); // record the current fingerprint
    expect(await repairCaches(env)).toEqual({ changed: false, forgotten: 0 });
    await env.DB.prepare(
      "UPDATE server_versions SET status = 'deprecated', updated_at = 1767225600000000 WHERE name = 'com.cache/one' AND version = '1.0.0'",
    ).run();
    expect(await repairCaches(env)).toEqual({ changed: true, forgotten: 1 });
    const { body } = await apiJson("/v0.1/servers/com.cache%2Fone/versions/1.0.0");
    expect(body._meta["io.modelcontextprotocol.registry/official"].status).toBe("deprecated");
    const list = await apiJson("/v0.1/servers?search=com.cache/&version=1.0.0");
    expect(list.body.servers[0]._meta["io.modelcontextprotocol.registry/official"].status).toBe("deprecated");
  });

  it("reads a fingerprint recorded before the change sequence once, by its µs mark", async () => {
    // What the previous code recorded; com.cache/one 1.0.0 was updated (by hand) right after it.
    await env.CACHE.put(
      FINGERPRINT_KEY,
      JSON.stringify({ key: "2:1767225600000000:1:1", maxUpdatedAt: 1767225599999999 }),
    );
    expect(await repairCaches(env)).toEqual({ changed: true, forgotten: 1 });
    expect(await env.CACHE.get(FINGERPRINT_KEY, "json")).toMatchObject({ changeSeq: expect.any(Number) });
    expect(await repairCaches(env)).toEqual({ changed: false, forgotten: 0 });
  });
});
