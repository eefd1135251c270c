// The cron's search index build: chunked across invocations, idempotent, rebuilt only when the
// catalogue changed, superseded shards cleaned up.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { buildSearchIndexStep } from "../worker/src/cron/build-search-index.ts";
import { readBuildState, readSearchPointer } from "../worker/src/storage/search-store.ts";
import { searchShardKey } from "../worker/src/storage/kv-keys.ts";
import { ndjsonEntries, serverJson } from "./helpers/registry.ts";

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
});
