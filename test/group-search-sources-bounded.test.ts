// A group's own search documents (groupSearchSources, re-read when the catalogue changes) cost
// one row per server, whatever the number of versions: claims → servers of each claimed
// namespace → each one's latest row, all by index; the answer is the latest non-deleted version
// of each of the group's servers and nothing of another group or the public catalogue.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { groupSearchSources } from "../worker/src/storage/d1-catalog.ts";
import { recordingD1 } from "./helpers/d1-queries.ts";
import { seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";
import { loadFixtures, type FixtureVersion } from "./helpers/registry.ts";

const VERSIONS = 120;
const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();

const many: FixtureVersion[] = Array.from({ length: VERSIONS }, (_, i) => ({
  name: "com.Bounded/many",
  version: `1.0.${i}`,
  publishedAt: at(i),
}));

beforeAll(async () => {
  await loadFixtures([{ name: "com.public-bounded/tool", version: "1.0.0", publishedAt: at(0) }]);
  await seedGroup({ name: "bounded", visibility: "private" });
  await seedGroup({ name: "other-bounded", visibility: "private" });
  await seedPrivate("bounded", [
    ...many,
    { name: "com.Bounded/gone", version: "1.0.0", status: "deleted", publishedAt: at(1) },
    { name: "com.bounded2/old-deleted", version: "1.0.0", status: "deleted", publishedAt: at(1) },
    { name: "com.bounded2/old-deleted", version: "2.0.0", publishedAt: at(2) },
  ]);
  await seedPrivate("other-bounded", [{ name: "com.other-bounded/tool", version: "1.0.0", publishedAt: at(0) }]);
});

async function recordedQuery(): Promise<string> {
  const db = recordingD1();
  await groupSearchSources(db, "bounded");
  expect(db.statements).toHaveLength(1);
  return db.statements[0]!;
}

describe("a group's own search documents", () => {
  it("are the latest non-deleted version of each of its servers, and nothing else", async () => {
    const sources = await groupSearchSources(env.DB, "bounded");
    expect(
      sources
        .map(({ name, version, status }) => ({ name, version, status }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    ).toEqual([
      { name: "com.Bounded/many", version: `1.0.${VERSIONS - 1}`, status: "active" },
      { name: "com.bounded2/old-deleted", version: "2.0.0", status: "active" },
    ]);
    expect(JSON.parse(sources[0]!.serverJson).name).toMatch(/^com\.[Bb]ounded/);
  });

  it("are read by index, one row per server, not per version", async () => {
    const sql = await recordedQuery();
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind("bounded").all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    expect(plan).toMatch(/SEARCH g USING (COVERING )?INDEX group_namespaces_by_group \(group_name=\?\)/);
    expect(plan).toMatch(/SEARCH s USING (COVERING )?INDEX servers_by_lower_namespace \(<expr>=\?\)/);
    expect(plan).toMatch(/SEARCH v USING INDEX server_versions_latest \(name=\?\)/);
    expect(plan).not.toMatch(/SCAN|server_versions_by_group/);
    const read = await env.DB.prepare(sql).bind("bounded").all();
    expect(read.meta.rows_read).toBeLessThan(20);
  });
});
