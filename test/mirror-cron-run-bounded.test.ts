// A cron run's mirroring work is bounded per run, not per source: MIRROR_PAGES_PER_RUN pages in
// total, shared among the sources (each an equal share of what is left, so one source with much
// to read does not take it all), least recently attempted sources first, and no page started
// after 20 s of wall time. A slow upstream then delays the others by one run at most: the next
// run starts with the sources it did not reach.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { deleteSource, registerSource, runMirrorCron, serveUpstreams, sourceState } from "./helpers/mirror.ts";
import { serverJson } from "./helpers/registry.ts";

const at = (minute: number) => Date.UTC(2025, 6, 1, 0, minute) * 1000;

/** An official-list upstream holding `count` versions: pages of 100, the last one short. */
function upstreamOf(slug: string, count: number): FakeUpstream {
  const upstream = new FakeUpstream(`https://${slug}.upstream.test`);
  for (let i = 0; i < count; i++) upstream.publish(serverJson(`com.${slug}/s${i}`, "1.0.0") as never, at(i));
  return upstream;
}

/** List pages each upstream answered since `marks` (their `seen` lengths then). */
function pagesSince(upstreams: FakeUpstream[], marks: number[]): number[] {
  return upstreams.map((u, i) => u.seen.slice(marks[i]).filter((s) => s.url.startsWith("/v0.1/servers")).length);
}

const marksOf = (upstreams: FakeUpstream[]) => upstreams.map((u) => u.seen.length);

describe("the page budget of a run", () => {
  const upstreams = ["budget-a", "budget-b", "budget-c"].map((slug) => upstreamOf(slug, 250));
  const ids: string[] = [];

  beforeAll(async () => {
    serveUpstreams(...upstreams);
    for (const upstream of upstreams) ids.push(await registerSource({ url: upstream.base, into: "public" }));
  });

  it("is shared among the sources, least recently attempted first", async () => {
    // 4 pages for 3 sources never attempted (in the order they were created): 2, 1, 1.
    let marks = marksOf(upstreams);
    await runMirrorCron(4);
    expect(pagesSince(upstreams, marks)).toEqual([2, 1, 1]);

    // 2 pages: a (attempted first), then b; c waits.
    marks = marksOf(upstreams);
    await runMirrorCron(2);
    expect(pagesSince(upstreams, marks)).toEqual([1, 1, 0]);

    // c, attempted longest ago, goes first now; then a.
    marks = marksOf(upstreams);
    await runMirrorCron(2);
    expect(pagesSince(upstreams, marks)).toEqual([1, 0, 1]);
    expect((await sourceState(ids[0]!)).caughtUp).toBe(true);

    // What a caught-up source leaves goes to the others.
    marks = marksOf(upstreams);
    await runMirrorCron(6);
    const pages = pagesSince(upstreams, marks);
    expect(pages.reduce((a, b) => a + b)).toBeLessThanOrEqual(6);
    for (const id of ids) expect(await sourceState(id)).toMatchObject({ caughtUp: true, lastError: null });
    for (const id of ids) expect((await deleteSource(id)).status).toBe(200);
  });
});

describe("the wall-time bound of a run", () => {
  const slow = upstreamOf("slow", 250);
  const fast = [upstreamOf("fast-a", 150), upstreamOf("fast-b", 150)];
  let slowId: string;
  const fastIds: string[] = [];

  beforeAll(async () => {
    serveUpstreams(slow, ...fast);
    slowId = await registerSource({ url: slow.base, into: "public" });
    for (const upstream of fast) fastIds.push(await registerSource({ url: upstream.base, into: "public" }));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts no page after 20 s; the next run begins with the sources it did not reach", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    // Each answer of the slow upstream takes 25 s.
    const handle = slow.handle.bind(slow);
    slow.handle = async (request) => {
      vi.setSystemTime(Date.now() + 25_000);
      return handle(request);
    };

    let marks = marksOf([slow, ...fast]);
    await runMirrorCron(20);
    expect(pagesSince([slow, ...fast], marks)).toEqual([1, 0, 0]);
    for (const id of fastIds) expect(await sourceState(id)).toMatchObject({ lastAttemptAt: null });

    marks = marksOf([slow, ...fast]);
    await runMirrorCron(20);
    // The fast sources first (never attempted), each to its end; then the slow one, one page.
    expect(pagesSince([slow, ...fast], marks)).toEqual([1, 2, 2]);
    for (const id of fastIds) expect(await sourceState(id)).toMatchObject({ caughtUp: true, lastError: null });
    expect(await sourceState(slowId)).toMatchObject({ caughtUp: false, lastError: null });
  });
});
