// /x/search sees whatever enters D1, by any path, without waiting for the next index build and
// without trusting timestamps in the data (docs/storage.md, "Search index"): the overlay reads
// the names changed after the build from the change sequence D1 assigns at write time.
// The baseline and most writes below carry official timestamps from the past, older than
// anything the index build saw, as an import of historical data does.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSearchIndex, buildSearchIndexStep } from "../worker/src/cron/build-search-index.ts";
import { repairCaches } from "../worker/src/cron/repair-caches.ts";
import { sweepDenylist } from "../worker/src/cron/sweep-denylist.ts";
import { readSearchPointer } from "../worker/src/storage/search-store.ts";
import { maintainerToken, report, resolve } from "./helpers/moderation.ts";
import { editAll, patchStatus, putVersion, tokenFor } from "./helpers/publishing.ts";
import { apiJson, loadFixtures, official, serverJson } from "./helpers/registry.ts";

const names = async (q: string): Promise<string[]> => {
  const { status, body } = await apiJson(`/x/search?q=${encodeURIComponent(q)}&limit=100`);
  expect(status).toBe(200);
  return body.results.map((r: any) => r.server.name);
};
const hit = async (q: string, name: string) => {
  const { body } = await apiJson(`/x/search?q=${encodeURIComponent(q)}&limit=100`);
  return body.results.find((r: any) => r.server.name === name);
};

const OLD = "2025-06-01T00:00:00Z";
const OLDER = "2024-01-01T00:00:00Z";
/** The newest timestamp the index build sees; every write below is dated before it or now. */
const NEWEST = "2025-12-01T00:00:00Z";

/**
 * Writes that no request of this isolate routed (the cron's) reach it through the catalog
 * clock's flush and the generation token (within MEMORY_CACHE_TTL_MS of the flush).
 */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 100));
  }
}

beforeAll(async () => {
  await loadFixtures([
    { name: "com.fresh/anchor", version: "1.0.0", publishedAt: NEWEST },
    { name: "com.fresh/editable", version: "1.0.0", publishedAt: OLD },
    { name: "com.fresh/statusful", version: "1.0.0", publishedAt: OLD },
    { name: "com.fresh/reported", version: "1.0.0", publishedAt: OLD },
    { name: "com.fresh/sweepme", version: "1.0.0", publishedAt: OLD },
    { name: "com.fresh/handmade", version: "1.0.0", publishedAt: OLD },
    { name: "com.fresh/remirrored", version: "1.0.0", publishedAt: OLD },
  ]);
  // The build reads its first page of names; then an import lands before that page (by name),
  // dated long before anything the build saw: neither the index nor a clock-based overlay
  // would have it.
  expect((await buildSearchIndexStep(env, { chunkNames: 2 })).state).toBe("collecting");
  await loadFixtures([{ name: "com.fresh/aardvark-early", version: "1.0.0", publishedAt: OLDER }]);
  expect((await buildSearchIndex(env)).state).toBe("published");
  // The isolate loads the index now, so every change below must come from the overlay.
  expect(await names("anchor")).toEqual(["com.fresh/anchor"]);
});

describe("/x/search after an index build, without another build", () => {
  it("finds a server imported while the build was collecting, on a page it had read", async () => {
    expect(await names("aardvark")).toEqual(["com.fresh/aardvark-early"]);
  });

  it("finds imported servers whose official timestamps are older than the build", async () => {
    const pointer = await readSearchPointer(env.CACHE);
    await loadFixtures([
      { name: "com.fresh/wombat-historian", version: "1.0.0", publishedAt: OLDER },
      { name: "com.fresh/wombat-archivist", version: "2.0.0", publishedAt: OLDER, status: "deprecated" },
    ]);
    expect((await names("wombat")).sort()).toEqual(["com.fresh/wombat-archivist", "com.fresh/wombat-historian"]);
    // Served by the same build: the overlay, not a rebuild.
    expect((await readSearchPointer(env.CACHE))?.buildId).toBe(pointer?.buildId);
  });

  it("shows an import that rewrites a version's description with an old timestamp", async () => {
    expect(await names("platypus")).toEqual([]);
    await loadFixtures([
      {
        name: "com.fresh/remirrored",
        version: "1.0.0",
        publishedAt: OLD,
        updatedAt: "2025-06-02T00:00:00Z", // newer than the version's, older than the build
        extra: { description: "Platypus migration tracker" },
      },
    ]);
    expect(await names("platypus")).toEqual(["com.fresh/remirrored"]);
  });

  it("shows an administrator's edit (PUT)", async () => {
    const admin = await tokenFor(editAll("*"));
    const edited = serverJson("com.fresh/editable", "1.0.0", { description: "Narwhal sighting ledger" });
    expect((await putVersion(admin, "com.fresh/editable", "1.0.0", edited)).status).toBe(200);
    expect(await names("narwhal")).toEqual(["com.fresh/editable"]);
  });

  it("shows status changes: deprecate, then delete", async () => {
    const admin = await tokenFor(editAll("*"));
    expect(
      (await patchStatus(admin, "com.fresh/statusful", "1.0.0", { status: "deprecated", statusMessage: "old" })).status,
    ).toBe(200);
    expect(official(await hit("statusful", "com.fresh/statusful")).status).toBe("deprecated");
    expect((await patchStatus(admin, "com.fresh/statusful", undefined, { status: "deleted" })).status).toBe(200);
    expect(await names("statusful")).toEqual([]);
  });

  it("shows a report resolution", async () => {
    const filed = await report({ name: "com.fresh/reported", reason: "spam" }, { ip: "198.51.100.9" });
    expect(filed.status).toBe(201);
    const resolved = await resolve(await maintainerToken(), filed.body.id, { action: "delete", message: "spam" });
    expect(resolved.status).toBe(200);
    expect(await names("reported")).toEqual([]);
  });

  it("shows a denylist sweep by the cron", async () => {
    expect(await names("sweepme")).toEqual(["com.fresh/sweepme"]);
    await env.DB.prepare("INSERT INTO denylist (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)")
      .bind("server", "com.fresh/sweepme", "Malware", Date.now() * 1000, "oidc:moderator")
      .run();
    await sweepDenylist(env);
    expect(await eventually(async () => (await names("sweepme")).length === 0)).toBe(true);
  });

  it("shows a change made by hand in D1 that leaves updated_at alone, after the cache-repair cron", async () => {
    await repairCaches(env);
    await env.DB.prepare(
      `UPDATE server_versions SET server_json = json_set(server_json, '$.description', 'Axolotl breeding registry')
        WHERE name = 'com.fresh/handmade'`,
    ).run();
    // Nothing told the caches; the cron notices the change (it has no new timestamp).
    expect(await repairCaches(env)).toEqual({ changed: true, forgotten: 1 });
    expect(await names("axolotl")).toEqual(["com.fresh/handmade"]);
  });
});
