// The real registry pull (3,148 versions of 1,234 names), imported as an operator would and
// served through the API. Skips when ../shared/data is absent.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ImportReport } from "../worker/src/writes/import-entries.ts";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { apiJson, ndjsonEntries, official, walkList } from "./helpers/registry.ts";
import { REAL_DATASET_ABSENT } from "./helpers/real-dataset.ts";

const REFUSED = [
  "io.github.bytedance/mcp-server-browser",
  "io.github.bytedance/mcp-server-commands",
  "io.github.bytedance/mcp-server-filesystem",
  "io.github.bytedance/mcp-server-search",
  "io.github.ycjcl868/mcp-server-fear-greed",
];

describe.skipIf(REAL_DATASET_ABSENT)("the real dataset", () => {
  let report: ImportReport;
  const metaLines = REAL_DATASET_ABSENT
    ? []
    : env.TEST_REAL_META.split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));

  beforeAll(async () => {
    report = await importEntries(env, ndjsonEntries(env.TEST_REAL_SERVERS, env.TEST_REAL_META, "servers.ndjson"));
  }, 120_000);

  it("refuses exactly the 5 entries whose package version is 'latest', with the reason", () => {
    expect(report.rejected.map((r) => r.name).sort()).toEqual(REFUSED);
    for (const rejected of report.rejected) {
      expect(rejected.reasons.join(" ")).toMatch(/packages\[0\]\.version: .*latest/);
    }
    expect(report.inserted).toBe(3143);
  });

  it("serves 3,143 versions of 1,230 names", async () => {
    const all = await walkList("", 100);
    expect(all.items).toHaveLength(3143);
    const latest = await walkList("version=latest", 100);
    expect(latest.items).toHaveLength(1230);
    expect(new Set(latest.items.map((i) => i.server.name)).size).toBe(1230);
  });

  it("computes isLatest as the official registry did for every name", async () => {
    const expected = new Map<string, string>();
    for (const m of metaLines) if (m.isLatest) expected.set(m.name, m.version);
    // The refused 1.0.2 of fear-greed leaves 1.0.1 latest; the other refused names are absent.
    expected.set("io.github.ycjcl868/mcp-server-fear-greed", "1.0.1");
    for (const name of REFUSED.slice(0, 4)) expected.delete(name);

    const { items } = await walkList("version=latest", 100);
    const actual = new Map(items.map((i) => [i.server.name, i.server.version]));
    expect(actual.size).toBe(expected.size);
    const mismatches = [...expected].filter(([name, version]) => actual.get(name) !== version);
    expect(mismatches).toEqual([]);
  });

  it("keeps the official timestamps and server.json bytes", async () => {
    const line = env.TEST_REAL_SERVERS.split("\n")[0]!;
    const meta = metaLines[0];
    const { body } = await apiJson(
      `/v0.1/servers/${encodeURIComponent(meta.name)}/versions/${encodeURIComponent(meta.version)}`,
    );
    expect(JSON.stringify(body.server)).toBe(line);
    expect(official(body)).toMatchObject({
      publishedAt: meta.publishedAt,
      updatedAt: meta.updatedAt,
      status: "active",
    });
  });

  it("changes nothing when imported again", async () => {
    const again = await importEntries(env, ndjsonEntries(env.TEST_REAL_SERVERS, env.TEST_REAL_META, "servers.ndjson"));
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3143 });
    expect(again.rejected).toHaveLength(5);
  }, 120_000);
});
