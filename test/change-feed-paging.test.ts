// Paging the change feed resumes exactly: many changes committed with one timestamp (a bulk
// import shares one `now`, and a whole batch commits within a millisecond) and interleaved with
// single publishes, read with every page size from 1 to past the end and resumed from every
// entry's cursor, come out complete, in the same order, each once; in the public feed and in a
// group's feed, which merges the group's own changes with the public ones it includes.
import { beforeAll, describe, expect, it } from "vitest";
import { createWriteGroup, groupPublish, member } from "./helpers/group-writes.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { loadFixtures, serverJson, type FixtureVersion } from "./helpers/registry.ts";
import { drainFeed, feedPage, keyOf, OFFICIAL } from "./helpers/change-feed.ts";
import { inParallel } from "./helpers/parallel.ts";

const NS = "com.feed-paging";
const OTHER = "com.feed-paging-other";
const GROUP = "feed-paging";
const GNS = "com.feed-paging-group";
const TIE = "2025-06-01T12:00:00Z";
/** Readers paging at once (each reads its whole feed; the feed does not change meanwhile). */
const READERS = 8;

/** Versions imported in one batch, all with the same timestamps. */
const bulk = (namespace: string, count: number): FixtureVersion[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `${namespace}/bulk-${String(i).padStart(3, "0")}`,
    version: "1.0.0",
    publishedAt: TIE,
  }));

beforeAll(async () => {
  await createWriteGroup({
    name: GROUP,
    visibility: "public",
    namespaces: [GNS],
    include: [`${NS}/*`],
    members: { "github:gus": "publisher" },
  });
  const publisher = await tokenFor(publishAll("com.feed-paging*"), "github-at", "paula");
  const gus = await member("gus");
  // Public changes the group includes, public ones it does not, and the group's own, interleaved.
  for (let round = 0; round < 3; round++) {
    await loadFixtures([...bulk(NS, 20), ...bulk(OTHER, 10)].map((v) => ({ ...v, version: `1.${round}.0` })));
    await publish(publisher, serverJson(`${NS}/single`, `1.${round}.0`));
    await publish(publisher, serverJson(`${OTHER}/single`, `1.${round}.0`));
    const own = await groupPublish(GROUP, gus, serverJson(`${GNS}/own`, `1.${round}.0`));
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  }
});

/** The feed read with every page size, and resumed from every entry's cursor, reads alike. */
async function expectExactPaging(base: string, expectedCount: number) {
  const whole = await drainFeed(base, { limit: 500 });
  expect(whole.changes).toHaveLength(expectedCount);
  const cursors = whole.changes.map((c) => c.cursor);
  expect(new Set(cursors).size).toBe(cursors.length);
  const limits = Array.from({ length: expectedCount + 1 }, (_, i) => i + 1);
  await inParallel(limits, READERS, async (limit) => {
    const paged = await drainFeed(base, { limit });
    expect(paged.changes, `limit ${limit}`).toEqual(whole.changes);
    expect(paged.next, `limit ${limit}`).toBe(whole.next);
    // A page ends where its last entry is; a full page says there may be more.
    expect(paged.pages, `limit ${limit}`).toBe(Math.floor(expectedCount / limit) + 1);
  });
  await inParallel(whole.changes, READERS, async (change, i) => {
    const rest = await drainFeed(base, { after: change.cursor, limit: 500 });
    expect(rest.changes, `after ${change.cursor}`).toEqual(whole.changes.slice(i + 1));
  });
  return whole;
}

describe("paging the change feed", () => {
  it("the public feed: every page size and every resumption, with 90 changes sharing one timestamp", async () => {
    const whole = await expectExactPaging("", 3 * 32);
    const tied = whole.changes.filter((c) => c._meta[OFFICIAL].updatedAt === TIE);
    expect(tied).toHaveLength(90);
    // The public feed's cursors count its own changes: 1, 2, 3… without gaps.
    expect(whole.changes.map((c) => c.cursor)).toEqual(whole.changes.map((_, i) => String(i + 1)));
    // Within each import batch, at least some entries also share the commit time.
    const times = new Map<string, number>();
    for (const c of tied) times.set(c.time, (times.get(c.time) ?? 0) + 1);
    expect(Math.max(...times.values())).toBeGreaterThan(1);
  });

  it("a group's feed: its own changes merged with the public ones it includes, in commit order", async () => {
    const whole = await expectExactPaging(`/groups/${GROUP}`, 3 * 22);
    const publicFeed = (await drainFeed("", { limit: 500 })).changes.map(keyOf);
    const inGroup = whole.changes.map(keyOf);
    // The included public changes in the public feed's order, and the group's own in between.
    expect(inGroup.filter((k) => !k.startsWith(GNS))).toEqual(publicFeed.filter((k) => k.startsWith(`${NS}/`)));
    expect(inGroup.filter((k) => k.startsWith(GNS))).toEqual([0, 1, 2].map((r) => `${GNS}/own@1.${r}.0`));
    expect(inGroup.indexOf(`${GNS}/own@1.0.0`)).toBe(inGroup.indexOf(`${NS}/single@1.0.0`) + 1);
    expect(inGroup.indexOf(`${GNS}/own@1.1.0`)).toBe(inGroup.indexOf(`${NS}/single@1.1.0`) + 1);
  });

  it("a reader at the end: an empty page that keeps its cursor; new changes come after it", async () => {
    for (const base of ["", `/groups/${GROUP}`]) {
      const { next } = await drainFeed(base);
      const empty = await feedPage(base, next, 10);
      expect(empty).toEqual({ changes: [], metadata: { count: 0, nextCursor: next, more: false } });
    }
    const before = { public: (await drainFeed("")).next, group: (await drainFeed(`/groups/${GROUP}`)).next };
    await loadFixtures(bulk(NS, 3).map((v) => ({ ...v, version: "9.0.0" })));
    const publicNew = await drainFeed("", { after: before.public, limit: 2 });
    const groupNew = await drainFeed(`/groups/${GROUP}`, { after: before.group, limit: 2 });
    expect(publicNew.changes.map(keyOf)).toEqual(bulk(NS, 3).map((v) => `${v.name}@9.0.0`));
    expect(groupNew.changes.map(keyOf)).toEqual(publicNew.changes.map(keyOf));
  });
});
