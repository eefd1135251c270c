// The server page stays under 100 KB: with the real dataset (../shared/data), the servers with
// most versions and the largest server.json versions (every target); and a server with more
// versions than the table shows (the newest 50, the rest counted and left to the API).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { installTargets, targetKey } from "../worker/src/domain/install-config.ts";
import type { ServerJson } from "../worker/src/domain/server-json/framework-schema.ts";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { MAX_VERSION_ROWS } from "../worker/src/web/server-view.ts";
import { REAL_DATASET_ABSENT } from "./helpers/real-dataset.ts";
import { type FixtureVersion, loadFixtures, ndjsonEntries } from "./helpers/registry.ts";
import { getPage, queryAll, visibleText } from "./helpers/web.ts";
import { serverPagePath } from "./helpers/web-server-page.ts";

const MAX_PAGE_BYTES = 100 * 1024;

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe.skipIf(REAL_DATASET_ABSENT)("server pages of the real dataset", () => {
  const servers: ServerJson[] = REAL_DATASET_ABSENT
    ? []
    : env.TEST_REAL_SERVERS.split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as ServerJson);

  beforeAll(async () => {
    await importEntries(env, ndjsonEntries(env.TEST_REAL_SERVERS, env.TEST_REAL_META, "servers.ndjson"));
  }, 120_000);

  it("are under 100 KB for the 20 servers with most versions", async () => {
    const counts = new Map<string, number>();
    for (const server of servers) counts.set(server.name, (counts.get(server.name) ?? 0) + 1);
    const most = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 20);
    expect(most[0]![1]).toBeGreaterThan(MAX_VERSION_ROWS);
    let largest = { path: "", size: 0 };
    for (const [name] of most) {
      const path = serverPagePath(name);
      const page = await getPage(path);
      const size = bytes(page.html);
      if (size > largest.size) largest = { path, size };
    }
    console.log(`largest page of the servers with most versions: ${largest.path} ${largest.size} bytes`);
    expect(largest.size).toBeLessThan(MAX_PAGE_BYTES);
  });

  it("are under 100 KB for the largest server.json versions, every target", async () => {
    const biggest = [...servers].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length).slice(0, 10);
    let largest = { path: "", size: 0 };
    for (const server of biggest) {
      for (const target of installTargets(server)) {
        const path = `${serverPagePath(server.name)}?version=${encodeURIComponent(server.version)}&target=${targetKey(target)}`;
        const page = await getPage(path);
        const size = bytes(page.html);
        if (size > largest.size) largest = { path, size };
      }
    }
    console.log(`largest page of the largest server.json versions: ${largest.path} ${largest.size} bytes`);
    expect(largest.size).toBeLessThan(MAX_PAGE_BYTES);
  }, 120_000);
});

describe("a server with more versions than the table shows", () => {
  const NAME = "com.page-size/many";
  const COUNT = 150;

  beforeAll(async () => {
    const versions: FixtureVersion[] = Array.from({ length: COUNT }, (_, i) => ({
      name: NAME,
      version: `1.0.${i}`,
      publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    }));
    await loadFixtures(versions);
  });

  it("shows the newest 50, counts the rest and links the API for them", async () => {
    const page = await getPage(serverPagePath(NAME));
    const rows = await queryAll(page.html, "table#versions tbody th a");
    expect(rows).toHaveLength(MAX_VERSION_ROWS);
    expect(rows[0]!.text).toBe(`1.0.${COUNT - 1}`);
    expect(rows.at(-1)!.text).toBe(`1.0.${COUNT - MAX_VERSION_ROWS}`);
    expect(visibleText(page.html)).toContain(`${COUNT - MAX_VERSION_ROWS} more versions not shown`);
    expect(await queryAll(page.html, `a[href="/v0.1/servers/${encodeURIComponent(NAME)}/versions"]`)).toHaveLength(1);
    expect(bytes(page.html)).toBeLessThan(MAX_PAGE_BYTES);
    // An older version is still reachable by its link.
    await getPage(`${serverPagePath(NAME)}?version=1.0.3`);
  });
});
