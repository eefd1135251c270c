// The cron's search index build: chunked across invocations, idempotent, rebuilt only when the
// catalogue changed, superseded shards cleaned up; what an older deploy left in KV (a pointer
// or a build in progress with a µs watermark) is never read as a change sequence number.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { buildSearchIndexStep } from "../worker/src/cron/build-search-index.ts";
import { readBuildState, readSearchPointer } from "../worker/src/storage/search-store.ts";
import { SEARCH_BUILD_KEY, SEARCH_POINTER_KEY, searchShardKey } from "../worker/src/storage/kv-keys.ts";
import { nowMicros } from "../worker/src/domain/timestamps.ts";
import { apiJson, loadFixtures, ndjsonEntries, serverJson } from "./helpers/registry.ts";

describe("search index build", () => {
  it("collects in chunks, publishes once, then stays idle until the catalogue changes", async () => {
    await importEntries(env, ndjsonEntries(env.TEST_SEED_SERVERS, env.TEST_SEED_META, "servers.ndjson"));
    const steps: string[] = [];
    for (let i = 0; i < 20; i++) {
      const step = await buildSearchIndexStep(env, { chunkNames: 10 });
      steps.push(step.state);
      if (step.state !== "collecting") break;
    }
    // 53 searchable names in chunks of 10: five full chunks ("collecting"), then a short last
    // chunk and the publish.
    expect(steps.at(-1)).toBe("published");
    expect(steps).toEqual(["collecting", "collecting", "collecting", "collecting", "collecting", "published"]);
    expect(await readBuildState(env.CACHE)).toBeNull();
    const first = await readSearchPointer(env.CACHE);
    expect(first?.documents).toBe(53);

    expect((await buildSearchIndexStep(env)).state).toBe("up-to-date");

    await importEntries(env, [{ source: "t", server: serverJson("com.rebuild/new-one", "1.0.0") }]);
    expect((await buildSearchIndexStep(env)).state).toBe("published");
    const second = await readSearchPointer(env.CACHE);
    expect(second?.documents).toBe(first!.documents + 1);
    expect(second?.previous?.buildId).toBe(first!.buildId);

    // A third build deletes the first one's shards.
    expect((await buildSearchIndexStep(env, { force: true })).state).toBe("published");
    expect(await env.CACHE.get(searchShardKey(first!.buildId, 0))).toBeNull();
    expect(await env.CACHE.get(searchShardKey(second!.buildId, 0))).not.toBeNull();
  });

  // Runs before any search in this file, so the isolate reads the pointer written here.
  it("does not trust a pointer from before the change sequence, and replaces it at the next build", async () => {
    const current = (await readSearchPointer(env.CACHE))!;
    const { changeSeq: _, ...rest } = current;
    // What the previous code wrote: the same shards, a µs watermark, a fingerprint of another form.
    const legacy = { ...rest, watermark: nowMicros(), fingerprint: "118:1767225600000000:53:54:format2" };
    await env.CACHE.put(SEARCH_POINTER_KEY, JSON.stringify(legacy));

    // Dated long before the legacy watermark, and after the index was built.
    await loadFixtures([{ name: "com.legacy/old-timer", version: "1.0.0", publishedAt: "2020-01-01T00:00:00Z" }]);
    const found = await apiJson("/x/search?q=old-timer");
    expect(found.body.results.map((r: any) => r.server.name)).toEqual(["com.legacy/old-timer"]);
    // Everything else is still found (from the overlay until the next build).
    expect((await apiJson("/x/search?q=weather")).body.metadata.total).toBeGreaterThan(0);

    expect((await buildSearchIndexStep(env)).state).toBe("published");
    const rebuilt = await readSearchPointer(env.CACHE);
    expect(rebuilt?.changeSeq).toEqual(expect.any(Number));
    expect(rebuilt?.documents).toBe(current.documents + 1);
  });

  it("starts over instead of resuming a build in progress from before the change sequence", async () => {
    const documents = (await readSearchPointer(env.CACHE))!.documents;
    await env.CACHE.put(
      SEARCH_BUILD_KEY,
      JSON.stringify({
        buildId: crypto.randomUUID(),
        afterName: "zzz",
        parts: 0,
        watermark: nowMicros(),
        fingerprint: "1:2:3:4:format2",
        startedAt: new Date().toISOString(),
      }),
    );
    await loadFixtures([{ name: "com.legacy/newcomer", version: "1.0.0", publishedAt: "2020-01-01T00:00:00Z" }]);
    expect((await buildSearchIndexStep(env)).state).toBe("published");
    // Resumed after "zzz", it would have published an empty index.
    expect((await readSearchPointer(env.CACHE))?.documents).toBe(documents + 1);
    expect(await readBuildState(env.CACHE)).toBeNull();
  });
});
