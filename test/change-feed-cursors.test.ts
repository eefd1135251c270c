// Change feed cursors: the public feed's is one count ("P"), a group feed's a pair ("P.G");
// each entry's cursor is where a reader stands after it (a group's entry also passes the public
// changes before it); a page that is not full ends where the view's catalogues end, never behind
// the cursor asked for. A cursor at the end comes back unchanged with an empty page; one ahead of
// the end (the registry was restored or reset since it was issued) answers 410 "read the feed
// again from after=0". A malformed cursor or limit is a 422 problem in the official shape that
// reads nothing.
import { describe, expect, it } from "vitest";
import {
  FEED_START,
  formatFeedCursor,
  includeFingerprint,
  nextPosition,
  parseFeedCursor,
  positionsAfter,
  type FeedEntry,
} from "../worker/src/domain/change-feed.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { createWriteGroup } from "./helpers/group-writes.ts";
import { drainFeed, feedPage } from "./helpers/change-feed.ts";

const entry = (group: string | null, pos: number, publicPos: number): FeedEntry => ({
  seq: 0,
  pos,
  publicPos,
  at: 0,
  name: "com.example/x",
  version: "1.0.0",
  action: "publish",
  cause: null,
  group,
  status: "active",
  statusMessage: null,
  statusChangedAt: 0,
  publishedAt: 0,
  updatedAt: 0,
  isLatest: true,
  serverJson: null,
});

describe("cursor text", () => {
  it.each([
    [null, false, FEED_START],
    ["", true, FEED_START],
    ["0", true, FEED_START],
    ["0", false, FEED_START],
    ["17", false, { public: 17, group: 0 }],
    ["17.4", true, { public: 17, group: 4 }],
    ["17.4.0badcafe", true, { public: 17, group: 4, includes: "0badcafe" }],
    ["0.4", true, { public: 0, group: 4 }],
    ["999999999999999", false, { public: 999_999_999_999_999, group: 0 }],
  ])("%j (group feed: %s) reads as %j and back", (raw, grouped, position) => {
    expect(parseFeedCursor(raw, grouped)).toEqual(position);
    if (raw !== null && raw !== "" && raw !== "0") {
      const { includes, ...at } = position as { includes?: string };
      expect(formatFeedCursor(at as typeof FEED_START, grouped, includes)).toBe(raw);
    }
  });

  it.each([
    ["17.4", false],
    ["17", true],
    ["-1", false],
    ["01", false],
    ["1.04", true],
    ["1e3", false],
    [" 1", false],
    ["1.", true],
    ["1.2.0BADCAFE", true],
    ["1.2.badcafe", true],
    ["1.2.0badcafe.1", true],
    ["1000000000000000", false],
    ["abc", false],
  ])("%j (group feed: %s) is no cursor", (raw, grouped) => {
    expect(parseFeedCursor(raw, grouped)).toBeUndefined();
  });
});

describe("include fingerprints", () => {
  it("tell include lists apart, whatever their order", () => {
    const a = includeFingerprint(["com.example/*", "io.github.x/tool"]);
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(includeFingerprint(["io.github.x/tool", "com.example/*"])).toBe(a);
    expect(includeFingerprint(["com.example/*"])).not.toBe(a);
    expect(includeFingerprint([])).not.toBe(includeFingerprint(["*"]));
  });
});

describe("positions", () => {
  it("move each half with its catalogue's changes; a group's change passes the public ones before it", () => {
    const start = { public: 5, group: 2 };
    const page = [entry(null, 6, 6), entry("g", 3, 9), entry(null, 11, 11), entry("g", 4, 11)];
    expect(positionsAfter(start, page)).toEqual([
      { public: 6, group: 2 },
      { public: 9, group: 3 },
      { public: 11, group: 3 },
      { public: 11, group: 4 },
    ]);
  });

  it("a full page ends at its last entry; any other page at the heads, never behind the start", () => {
    const start = { public: 5, group: 2 };
    const positions = positionsAfter(start, [entry("g", 3, 9)]);
    expect(nextPosition(start, positions, true, { public: 40, group: 7 })).toEqual({ public: 9, group: 3 });
    expect(nextPosition(start, positions, false, { public: 40, group: 3 })).toEqual({ public: 40, group: 3 });
    expect(nextPosition(start, [], false, { public: 1, group: 0 })).toEqual(start);
  });
});

describe("GET /x/changes cursors and limits", async () => {
  await createWriteGroup({ name: "feed-cursors", visibility: "public", namespaces: ["com.feed-cursors-own"] });
  const token = await tokenFor(publishAll("com.feed-cursors/*"));
  for (const slug of ["one", "two", "three"]) {
    expect((await publish(token, serverJson(`com.feed-cursors/${slug}`, "1.0.0"))).status).toBe(200);
  }

  it("a cursor ahead of the feed (a restored or reset registry): 410, read the feed again from after=0", async () => {
    const head = (await drainFeed("")).next;
    const group = (await drainFeed("/groups/feed-cursors")).next;
    const [publicHead, groupHead] = group.split(".").map(Number) as [number, number];
    const includes = includeFingerprint([]);
    const ahead = [
      ["", String(Number(head) + 1)],
      ["", "999999"],
      ["/groups/feed-cursors", `${publicHead + 1}.${groupHead}`],
      ["/groups/feed-cursors", `${publicHead}.${groupHead + 1}.${includes}`],
      ["/groups/feed-cursors", "999999.5"],
    ];
    for (const [base, after] of ahead) {
      const { status, body, response } = await apiJson(`${base}/x/changes?after=${after}&limit=10`);
      expect(status, `${base} after=${after}`).toBe(410);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(body).toEqual({ title: "Gone", status: 410, detail: expect.stringContaining("from after=0") });
    }
    // A cursor exactly at the head is where a caught-up reader stands: an empty page that keeps it.
    expect(await feedPage("", head, 10)).toEqual({
      changes: [],
      metadata: { count: 0, nextCursor: head, more: false },
    });
    expect(await feedPage("/groups/feed-cursors", group, 10)).toEqual({
      changes: [],
      metadata: { count: 0, nextCursor: group, more: false },
    });
  });

  it("a full page says there may be more; the page after the last entry is empty", async () => {
    const page = await feedPage("", "0", 3);
    expect(page.metadata).toEqual({ count: 3, nextCursor: "3", more: true });
    expect(page.changes.map((c) => c.cursor)).toEqual(["1", "2", "3"]);
    expect(await feedPage("", "3", 3)).toEqual({ changes: [], metadata: { count: 0, nextCursor: "3", more: false } });
  });

  it.each([
    ["", "?after=abc", [{ message: "invalid cursor: pass back a nextCursor", location: "query.after", value: "abc" }]],
    ["", "?after=1.1", [{ message: "invalid cursor: pass back a nextCursor", location: "query.after", value: "1.1" }]],
    [
      "/groups/feed-cursors",
      "?after=3",
      [{ message: "invalid cursor: pass back a nextCursor", location: "query.after", value: "3" }],
    ],
    ["", "?limit=0", [{ message: "expected number >= 1", location: "query.limit", value: 0 }]],
    ["", "?limit=501", [{ message: "expected number <= 500", location: "query.limit", value: 501 }]],
    [
      "/groups/feed-cursors",
      "?limit=x&after=-1",
      [
        { message: "invalid integer", location: "query.limit", value: "x" },
        { message: "invalid cursor: pass back a nextCursor", location: "query.after", value: "-1" },
      ],
    ],
  ])("%s/x/changes%s → 422", async (base, query, errors) => {
    const { status, body, response } = await apiJson(`${base}/x/changes${query}`);
    expect(status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toEqual({ title: "Unprocessable Entity", status: 422, detail: "validation failed", errors });
  });
});
