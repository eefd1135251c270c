// Upstream changes reach the mirror on the next run: a new version (latest moves), a deprecation
// with its message, a deletion (latest moves back), each with the upstream's timestamps, and
// nothing else is touched. Reads of the mirror then equal the upstream's.
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { mirrorUntilCaughtUp, registerSource, serveUpstreams, sourceState } from "./helpers/mirror.ts";
import { apiJson, official, serverJson, walkList } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://upstream-changes.test");
const at = (day: number) => Date.UTC(2025, 0, day) * 1000;

/** Every version both sides hold, deleted ones included, in list order: server and official _meta. */
async function mirrorRows() {
  const { items } = await walkList("include_deleted=true", 100);
  return items.map((i) => ({ server: i.server, official: official(i) }));
}
function upstreamRows() {
  const { body } = upstream.list(new URLSearchParams({ limit: "100", include_deleted: "true" }));
  return JSON.parse(body).servers.map((i: any) => ({ server: i.server, official: official(i) }));
}

describe("upstream changes", () => {
  let id: string;
  beforeAll(async () => {
    serveUpstreams(upstream);
    upstream.publish(serverJson("com.changes/alpha", "1.0.0") as never, at(1));
    upstream.publish(serverJson("com.changes/alpha", "1.1.0") as never, at(2));
    upstream.publish(serverJson("com.changes/beta", "2.0.0") as never, at(3));
    upstream.publish(serverJson("com.changes/gamma", "1.0.0") as never, at(4));
    upstream.publish(serverJson("com.changes/gamma", "2.0.0") as never, at(5));
    id = await registerSource({ url: upstream.base, into: "public" });
    await mirrorUntilCaughtUp(id, 1);
  });

  it("mirrors the upstream first", async () => {
    expect(await mirrorRows()).toEqual(upstreamRows());
    expect((await sourceState(id)).counts).toMatchObject({ added: 5, updated: 0, skipped: 0 });
  });

  it("applies a new version, a deprecation and a deletion in the next run", async () => {
    upstream.publish(serverJson("com.changes/alpha", "2.0.0") as never);
    upstream.setStatus("com.changes/beta", "2.0.0", "deprecated", "use com.changes/alpha");
    upstream.setStatus("com.changes/gamma", "2.0.0", "deleted", "yanked");
    const before = await sourceState(id);
    await mirrorUntilCaughtUp(id, 1);
    expect(await mirrorRows()).toEqual(upstreamRows());

    expect((await apiJson("/v0.1/servers/com.changes%2Falpha/versions/latest")).body.server.version).toBe("2.0.0");
    const beta = await apiJson("/v0.1/servers/com.changes%2Fbeta/versions/2.0.0");
    expect(official(beta.body)).toMatchObject({ status: "deprecated", statusMessage: "use com.changes/alpha" });
    expect((await apiJson("/v0.1/servers/com.changes%2Fgamma/versions/2.0.0")).status).toBe(404);
    expect((await apiJson("/v0.1/servers/com.changes%2Fgamma/versions/latest")).body.server.version).toBe("1.0.0");

    const after = await sourceState(id);
    expect(after.counts.added - before.counts.added).toBe(1);
    expect(after.counts.updated - before.counts.updated).toBe(2);
  });

  it("changes nothing when the upstream did not change", async () => {
    const before = await mirrorRows();
    const state = await sourceState(id);
    await mirrorUntilCaughtUp(id, 1);
    expect(await mirrorRows()).toEqual(before);
    const next = await sourceState(id);
    expect(next.counts.added).toBe(state.counts.added);
    expect(next.counts.updated).toBe(state.counts.updated);
  });
});
