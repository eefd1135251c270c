// The catalog clock turns reported changes into one cache flush at a time: the changed names'
// KV documents go and the generation token is replaced, at most once per second per key.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GENERATION_KEY, serverKey } from "../worker/src/storage/kv-keys.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const clock = () => env.CATALOG_CLOCK.getByName("catalog");

describe("catalog clock", () => {
  it("flushes every reported name in one alarm", async () => {
    await env.CACHE.put(serverKey("com.clock/a"), "{}");
    await env.CACHE.put(serverKey("com.clock/b"), "{}");
    await env.CACHE.put(serverKey("com.clock/untouched"), "{}");
    const before = await env.CACHE.get(GENERATION_KEY);

    await clock().noteChanges(["com.clock/a"]);
    await clock().noteChanges(["com.clock/b", "com.clock/a"]);
    expect(await runDurableObjectAlarm(clock())).toBe(true);

    expect(await env.CACHE.get(serverKey("com.clock/a"))).toBeNull();
    expect(await env.CACHE.get(serverKey("com.clock/b"))).toBeNull();
    expect(await env.CACHE.get(serverKey("com.clock/untouched"))).toBe("{}");
    expect(await env.CACHE.get(GENERATION_KEY)).not.toBe(before);
    // Nothing pending: no further flush.
    expect(await runDurableObjectAlarm(clock())).toBe(false);
  });

  it("is told about every publish, and the writer reads its write before the flush", async () => {
    const token = await tokenFor(publishAll("com.clock/*"));
    const stale = await env.CACHE.get(GENERATION_KEY);
    expect((await publish(token, serverJson("com.clock/fresh", "1.0.0"))).status).toBe(200);
    // Before the clock's alarm: the routing isolate already answers from D1.
    const list = await apiJson("/v0.1/servers?search=com.clock/fresh");
    expect(list.body.metadata.count).toBe(1);
    // The flush follows within about a second (run it now if its alarm is still pending).
    await runDurableObjectAlarm(clock());
    let current = await env.CACHE.get(GENERATION_KEY);
    for (let i = 0; i < 60 && current === stale; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await env.CACHE.get(GENERATION_KEY);
    }
    expect(current).not.toBe(stale);
  });
});
