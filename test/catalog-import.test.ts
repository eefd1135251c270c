// Bulk import (worker/src/writes/import-entries.ts): validation with reasons, official metadata,
// idempotency, isLatest recomputation across imports.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";

const entry = (server: unknown, source: string, officialMeta?: Record<string, unknown>) => ({
  server,
  source,
  ...(officialMeta ? { official: officialMeta } : {}),
});

describe("importEntries", () => {
  it("reports rejected entries with reasons and imports the rest", async () => {
    const report = await importEntries(env, [
      entry(serverJson("com.imp/ok", "1.0.0"), "a:1"),
      entry({ name: "com.imp/no-schema", description: "x", version: "1.0.0" }, "a:2"),
      entry(serverJson("com.imp/range", "^1.0.0"), "a:3"),
      entry(serverJson("com.imp/extra", "1.0.0", { status: "active" }), "a:4"),
      entry("not an object", "a:5"),
      entry(serverJson("com.imp/bad-meta", "1.0.0"), "a:6", { status: "gone", publishedAt: "yesterday" }),
    ]);
    expect(report.inserted).toBe(1);
    const bySource = Object.fromEntries(report.rejected.map((r) => [r.source, r]));
    expect(Object.keys(bySource).sort()).toEqual(["a:2", "a:3", "a:4", "a:5", "a:6"]);
    expect(bySource["a:2"]!.reasons.join()).toContain("$schema");
    expect(bySource["a:3"]).toMatchObject({ name: "com.imp/range", version: "^1.0.0" });
    expect(bySource["a:3"]!.reasons.join()).toMatch(/range/);
    expect(bySource["a:4"]!.reasons.join()).toContain("unexpected property");
    expect(bySource["a:6"]!.reasons).toHaveLength(2);
    expect((await apiJson("/v0.1/servers/com.imp%2Fok/versions/1.0.0")).status).toBe(200);
    expect((await apiJson("/v0.1/servers/com.imp%2Frange/versions")).status).toBe(404);
  });

  it("is idempotent, and without metadata keeps what is stored", async () => {
    const first = await importEntries(env, [entry(serverJson("com.imp/idem", "1.0.0"), "b:1")]);
    expect(first.inserted).toBe(1);
    const before = await apiJson("/v0.1/servers/com.imp%2Fidem/versions/1.0.0");
    const again = await importEntries(env, [entry(serverJson("com.imp/idem", "1.0.0", { title: "Changed" }), "b:1")]);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const after = await apiJson("/v0.1/servers/com.imp%2Fidem/versions/1.0.0");
    expect(after.body).toEqual(before.body);
  });

  it("applies official metadata as a mirror does, and recomputes latest", async () => {
    const meta = { publishedAt: "2025-01-01T00:00:00Z" };
    await importEntries(env, [
      entry(serverJson("com.imp/mirror", "1.0.0"), "c:1", meta),
      entry(serverJson("com.imp/mirror", "2.0.0"), "c:2", { publishedAt: "2025-01-02T00:00:00Z" }),
    ]);
    expect((await apiJson("/v0.1/servers/com.imp%2Fmirror/versions/latest")).body.server.version).toBe("2.0.0");

    // Upstream deleted 2.0.0: the next sync carries it with its new status.
    const sync = await importEntries(env, [
      entry(serverJson("com.imp/mirror", "2.0.0"), "c:3", {
        status: "deleted",
        statusMessage: "yanked",
        publishedAt: "2025-01-02T00:00:00Z",
        updatedAt: "2025-02-01T00:00:00Z",
      }),
    ]);
    expect(sync).toMatchObject({ inserted: 0, updated: 1 });
    const latest = await apiJson("/v0.1/servers/com.imp%2Fmirror/versions/latest");
    expect(latest.body.server.version).toBe("1.0.0");
    const deleted = await apiJson("/v0.1/servers/com.imp%2Fmirror/versions/2.0.0?include_deleted=true");
    expect(official(deleted.body)).toEqual({
      status: "deleted",
      statusChangedAt: "2025-02-01T00:00:00Z",
      statusMessage: "yanked",
      publishedAt: "2025-01-02T00:00:00Z",
      updatedAt: "2025-02-01T00:00:00Z",
      isLatest: false,
    });
  });

  it("keeps one latest per name when a name's versions arrive in different chunks", async () => {
    const versions = ["0.1.0", "0.3.0", "0.2.0", "1.0.0-rc.1", "0.9.9"];
    const report = await importEntries(
      env,
      versions.map((v, i) =>
        entry(serverJson("com.imp/chunks", v), `d:${i}`, { publishedAt: `2025-01-0${i + 1}T00:00:00Z` }),
      ),
      { chunkSize: 2 },
    );
    expect(report.inserted).toBe(5);
    const { body } = await apiJson("/v0.1/servers/com.imp%2Fchunks/versions");
    const flagged = body.servers.filter((i: any) => official(i).isLatest).map((i: any) => i.server.version);
    expect(flagged).toEqual(["1.0.0-rc.1"]);
  });
});
