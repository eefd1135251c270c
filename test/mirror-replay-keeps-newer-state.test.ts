// A mirror that reads an upstream's history again (a source registered anew for the same URL
// starts its feed from 0; a list pass re-reads its safety margin) never moves a version back to
// an older upstream state: entries no newer than what it holds change nothing, not even the
// mirror's own change feed.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { deleteSource, registerSource, serveUpstreams, sourceState, stepOnce } from "./helpers/mirror.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://replay.upstream.test", { feed: true });
const NAME = "com.replay/server";

const feedRows = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM catalog_feed WHERE name = ?").bind(NAME).first<{ n: number }>())!.n;

async function mirrorAll(id: string) {
  for (let step = 0; step < 10 && !(await sourceState(id)).caughtUp; step++) await stepOnce(id, 1);
  return sourceState(id);
}

describe("replaying an upstream's history", () => {
  beforeAll(() => {
    serveUpstreams(upstream);
    // The publish (active) is on the feed's first page; the deprecation of the same version on
    // the second, after 100 other changes.
    upstream.publish(serverJson(NAME, "1.0.0") as never, Date.UTC(2025, 0, 1) * 1000);
    for (let n = 0; n < 100; n++) {
      upstream.publish(serverJson(`com.replay/filler-${n}`, "1.0.0") as never, Date.UTC(2025, 0, 2, 0, n) * 1000);
    }
    upstream.setStatus(NAME, "1.0.0", "deprecated", "use something else");
  });

  it("keeps the newest state and writes nothing when read again from the start", async () => {
    const first = await registerSource({ url: upstream.base, into: "public" });
    await mirrorAll(first);
    const detail = async () =>
      official((await apiJson(`/v0.1/servers/${encodeURIComponent(NAME)}/versions/1.0.0`)).body);
    const held = await detail();
    expect(held).toMatchObject({ status: "deprecated", statusMessage: "use something else" });
    const rowsBefore = await feedRows();

    // The same URL again: a new source, whose position starts at the upstream feed's beginning.
    expect((await deleteSource(first)).status).toBe(200);
    const again = await registerSource({ url: upstream.base, into: "public" });
    // One page only: the version's old (active) state, and not yet its deprecation.
    await stepOnce(again, 1);
    expect(await detail()).toEqual(held);
    const state = await mirrorAll(again);
    expect(state.counts).toMatchObject({ added: 0, updated: 0, skipped: 0 });
    expect(await detail()).toEqual(held);
    expect(await feedRows()).toBe(rowsBefore);
  });
});
