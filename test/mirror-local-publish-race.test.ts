// A local publish that commits while a mirror step is between reading a page's names and
// committing its batch is never merged: the batch's assertion aborts the whole page (nothing of
// it lands, the position stays), and the next run skips the name and reports it.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { registerSource, runMirrorCron, serveUpstreams, sourceState } from "./helpers/mirror.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://race.upstream.test");
const at = (day: number) => Date.UTC(2025, 3, day) * 1000;

/** The real D1, whose first batch is preceded by `before` (a publish landing at the worst moment). */
function dbRacedBy(before: () => Promise<void>): D1Database {
  let raced = false;
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop !== "batch") return Reflect.get(target, prop);
      return async (statements: D1PreparedStatement[]) => {
        if (!raced) {
          raced = true;
          await before();
        }
        return target.batch(statements);
      };
    },
  });
}

describe("a local publish racing a mirror step", () => {
  let id: string;
  let firstRun: any;

  beforeAll(async () => {
    serveUpstreams(upstream);
    upstream.publish(serverJson("com.race/tool", "1.0.0") as never, at(1));
    upstream.publish(serverJson("com.race/other", "1.0.0") as never, at(2));
    id = await registerSource({ url: upstream.base, into: "public" });
    const token = await tokenFor(publishAll("com.race/*"));
    await runMirrorCron(5, {
      DB: dbRacedBy(async () => {
        expect((await publish(token, serverJson("com.race/tool", "0.5.0"))).status).toBe(200);
      }),
    });
    firstRun = await sourceState(id);
  });

  it("aborts the page: nothing merged, nothing of the page written, the position kept", async () => {
    expect(firstRun.lastError).toMatch(/concurrent change/);
    expect(firstRun.caughtUp).toBe(false);
    expect(firstRun.counts).toMatchObject({ added: 0, updated: 0, skipped: 0 });
    const rows = await env.DB.prepare(
      "SELECT name, version, mirror_source FROM server_versions ORDER BY name, version",
    ).all();
    expect(rows.results).toEqual([{ name: "com.race/tool", version: "0.5.0", mirror_source: null }]);
  });

  it("skips the name on the next run and mirrors the rest", async () => {
    await runMirrorCron(5);
    const state = await sourceState(id);
    expect(state).toMatchObject({ lastError: null, caughtUp: true, counts: { added: 1, skipped: 1 } });
    expect(state.recentSkips).toEqual([
      expect.objectContaining({
        name: "com.race/tool",
        version: "1.0.0",
        reason: expect.stringMatching(/local names win/),
      }),
    ]);
    const tool = await apiJson("/v0.1/servers/com.race%2Ftool/versions");
    expect(tool.body.servers.map((s: any) => s.server.version)).toEqual(["0.5.0"]);
    expect((await apiJson("/v0.1/servers/com.race%2Fother/versions/1.0.0")).status).toBe(200);
  });
});
