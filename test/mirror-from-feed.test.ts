// An upstream of ours offers its change feed (GET /x/changes): a new source finds it and mirrors
// from it instead of the list, resuming at the exact cursor each step (no page read twice, no
// updated_since), applying each version's newest state, and later changes arrive from where it
// stopped.
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { registerSource, serveUpstreams, sourceState, stepOnce } from "./helpers/mirror.ts";
import { official, serverJson, walkList } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://feed.upstream.test", { feed: true });

function upstreamRows() {
  const rows = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ limit: "100", include_deleted: "true" });
    if (cursor) params.set("cursor", cursor);
    const page = JSON.parse(upstream.list(params).body);
    rows.push(...page.servers.map((i: any) => ({ server: i.server, official: official(i) })));
    cursor = page.metadata.nextCursor;
  } while (cursor);
  return rows;
}
async function mirrorRows() {
  const { items } = await walkList("include_deleted=true", 100);
  return items.map((i) => ({ server: i.server, official: official(i) }));
}
const afterOf = (url: string) => new URL(`https://x${url}`).searchParams.get("after");

describe("mirroring an upstream's change feed", () => {
  let id: string;
  let steps = 0;

  beforeAll(async () => {
    serveUpstreams(upstream);
    for (let n = 0; n < 75; n++) {
      for (const version of ["1.0.0", "2.0.0"]) {
        upstream.publish(serverJson(`com.feed/s${n}`, version) as never, Date.UTC(2025, 0, 1, 0, n) * 1000);
      }
    }
    // Three changes of one version in the same page: its newest state is what counts.
    upstream.setStatus("com.feed/s3", "2.0.0", "deprecated", "old");
    upstream.setStatus("com.feed/s3", "2.0.0", "deleted", "gone");
    id = await registerSource({ url: upstream.base, into: "public" });
    for (; steps < 10 && !(await sourceState(id)).caughtUp; steps++) await stepOnce(id, 1);
  });

  it("reads the feed, one exact page per step, never the list", async () => {
    expect(steps).toBe(2); // 152 changes: pages of 100
    expect(upstream.seen.every((s) => s.url.startsWith("/x/changes"))).toBe(true);
    expect(upstream.seen.map((s) => afterOf(s.url))).toEqual(["0", "100"]);
    expect(await sourceState(id)).toMatchObject({
      mode: "feed",
      position: "152",
      caughtUp: true,
      lastError: null,
      // s3@2.0.0 came on the first page; its two status changes (one update) on the second.
      counts: { added: 150, updated: 1, skipped: 0 },
    });
  });

  it("holds what the upstream holds", async () => {
    expect(await mirrorRows()).toEqual(upstreamRows());
    const s3 = (await mirrorRows()).find((r) => r.server.name === "com.feed/s3" && r.server.version === "2.0.0");
    expect(s3?.official).toMatchObject({ status: "deleted", statusMessage: "gone" });
  });

  it("picks up later changes after its cursor", async () => {
    upstream.publish(serverJson("com.feed/s0", "3.0.0") as never);
    upstream.setStatus("com.feed/s1", "2.0.0", "deprecated", "use s0");
    const seen = upstream.seen.length;
    await stepOnce(id, 5);
    expect(upstream.seen.slice(seen).map((s) => afterOf(s.url))).toEqual(["152"]);
    expect(await sourceState(id)).toMatchObject({ position: "154", counts: { added: 151, updated: 2 } });
    expect(await mirrorRows()).toEqual(upstreamRows());
  });
});
