// The Worker's scheduled() entry advances every source one bounded step (wrangler.toml's
// MIRROR_PAGES_PER_RUN pages each), one source's failure not stopping the others.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { registerSource, serveUpstreams, sourceState } from "./helpers/mirror.ts";
import { serverJson } from "./helpers/registry.ts";

const healthy = new FakeUpstream("https://healthy.upstream.test");
const broken = new FakeUpstream("https://broken.upstream.test");

describe("scheduled() mirrors the sources", () => {
  let ok: string;
  let failing: string;
  beforeAll(async () => {
    healthy.publish(serverJson("com.healthy/server", "1.0.0") as never, Date.UTC(2025, 0, 1) * 1000);
    broken.failWhen = () => true;
    serveUpstreams(healthy, broken);
    failing = await registerSource({ url: broken.base, into: "public" });
    ok = await registerSource({ url: healthy.base, into: "public" });
    const worker = exports.default as unknown as { scheduled(init: { cron: string }): Promise<{ outcome: string }> };
    expect((await worker.scheduled({ cron: "*/5 * * * *" })).outcome).toBe("ok");
  });

  it("steps every source and records each one's outcome", async () => {
    expect(await sourceState(ok)).toMatchObject({ caughtUp: true, lastError: null, counts: { added: 1 } });
    const state = await sourceState(failing);
    expect(state).toMatchObject({ caughtUp: false, lastSuccessAt: null, mode: null });
    expect(state.lastError).toMatch(/connection reset/);
    expect(state.lastAttemptAt).not.toBeNull();
  });
});
