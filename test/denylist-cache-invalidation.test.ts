// Other isolates stop showing a denylisted server soon after the decision: its deletions reach
// the catalog clock, whose flush (at once after a quiet second, within FLUSH_INTERVAL_MS during
// bursts) deletes the name's KV document and replaces the generation token that every isolate
// re-reads every MEMORY_CACHE_TTL_MS (500 ms).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FLUSH_INTERVAL_MS } from "../worker/src/durable/catalog-clock.ts";
import { GENERATION_KEY, serverKey } from "../worker/src/storage/kv-keys.ts";
import { denylistAdd, maintainerToken } from "./helpers/moderation.ts";
import { api, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NAME = "com.deny-cache/tool";

async function until(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) return Number.POSITIVE_INFINITY;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe("denylist decisions and the shared caches", () => {
  it("invalidate the KV document and the generation within the clock's interval", async () => {
    const token = await tokenFor(publishAll("com.deny-cache/*"));
    expect((await publish(token, serverJson(NAME, "1.0.0"))).status).toBe(200);
    // Let the publish's flush pass, then fill KV the way other isolates would read it.
    await until(async () => (await env.CACHE.get(serverKey(NAME))) === null, 2000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await (await api(`/v0.1/servers/${encodeURIComponent(NAME)}/versions`)).arrayBuffer();
    expect(await until(async () => (await env.CACHE.get(serverKey(NAME))) !== null, 2000)).toBeLessThan(2000);
    const generation = await env.CACHE.get(GENERATION_KEY);

    expect((await denylistAdd(await maintainerToken(), { kind: "server", value: NAME, reason: "Spam" })).status).toBe(
      201,
    );
    const flushedAfter = await until(
      async () =>
        (await env.CACHE.get(serverKey(NAME))) === null && (await env.CACHE.get(GENERATION_KEY)) !== generation,
      3000,
    );
    // Scheduling slack for the alarm on a loaded machine; isolates follow within MEMORY_CACHE_TTL_MS.
    expect(flushedAfter).toBeLessThanOrEqual(FLUSH_INTERVAL_MS + 250);
  });
});
