// The Worker's scheduled() entry runs the cache-repair job.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FINGERPRINT_KEY } from "../worker/src/storage/kv-keys.ts";

describe("scheduled()", () => {
  it("records the catalogue fingerprint", async () => {
    // scheduled() on the loopback binding needs the service_binding_extra_handlers test flag.
    const worker = exports.default as unknown as { scheduled(init: { cron: string }): Promise<{ outcome: string }> };
    const result = await worker.scheduled({ cron: "*/5 * * * *" });
    expect(result.outcome).toBe("ok");
    expect(await env.CACHE.get(FINGERPRINT_KEY, "json")).toMatchObject({ changeSeq: 0 });
  });
});
