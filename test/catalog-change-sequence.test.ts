// The catalogue's change sequence (d1-schema/0005_catalog_changes.sql, docs/storage.md): D1
// itself moves a name past the head of the sequence on every statement that writes one of its
// version rows, whoever runs it and whatever timestamps it writes; the overlay query reads it by
// index.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { catalogFingerprint, namesChangedAfter, searchChangesSince } from "../worker/src/storage/d1-catalog.ts";
import { loadFixtures, serverJson } from "./helpers/registry.ts";

const seqOf = async (name: string): Promise<number | null> =>
  (await env.DB.prepare("SELECT seq FROM catalog_changes WHERE name = ?").bind(name).first<number>("seq")) ?? null;
const head = async (): Promise<number> => (await catalogFingerprint(env.DB)).changeSeq;

const insertRow = (name: string, version: string, at = 1_600_000_000_000_000) =>
  env.DB.prepare(
    `INSERT INTO server_versions (name, version, status, status_message, status_changed_at, published_at,
                                  updated_at, is_latest, server_json)
     VALUES (?, ?, 'active', NULL, ?, ?, ?, 0, ?)`,
  ).bind(name, version, at, at, at, JSON.stringify(serverJson(name, version)));

describe("the change sequence", () => {
  it("moves a name past the head on every insert, update and delete, even by hand with old timestamps", async () => {
    const start = await head();
    await insertRow("com.seq/by-hand", "1.0.0").run();
    expect(await seqOf("com.seq/by-hand")).toBe(start + 1);
    expect(await head()).toBe(start + 1);

    // An update that leaves updated_at alone (or moves it back) still counts.
    await env.DB.prepare("UPDATE server_versions SET updated_at = 1 WHERE name = 'com.seq/by-hand'").run();
    expect(await seqOf("com.seq/by-hand")).toBe(start + 2);
    await env.DB.prepare("UPDATE server_versions SET is_latest = 1 WHERE name = 'com.seq/by-hand'").run();
    expect(await seqOf("com.seq/by-hand")).toBe(start + 3);

    // A renamed row changes both names.
    await env.DB.prepare("UPDATE server_versions SET name = 'com.seq/renamed' WHERE name = 'com.seq/by-hand'").run();
    expect(await seqOf("com.seq/renamed")).toBeGreaterThan(start + 3);
    expect(await seqOf("com.seq/by-hand")).toBeGreaterThan(start + 3);

    // A deleted row leaves its name in the sequence: the overlay learns it is gone.
    const before = await head();
    await env.DB.prepare("DELETE FROM server_versions WHERE name = 'com.seq/renamed'").run();
    expect(await seqOf("com.seq/renamed")).toBe(before + 1);
    expect(await searchChangesSince(env.DB, before)).toEqual([{ name: "com.seq/renamed", source: undefined }]);
  });

  it("gives each row of a multi-row statement its own number, in order", async () => {
    const start = await head();
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO server_versions (name, version, status, status_changed_at, published_at, updated_at, is_latest, server_json)
         VALUES ('com.seq/a', '1.0.0', 'active', 1, 1, 1, 1, '{}'), ('com.seq/b', '1.0.0', 'active', 1, 1, 1, 1, '{}'),
                ('com.seq/a', '2.0.0', 'active', 1, 1, 1, 0, '{}')`,
      ),
    ]);
    expect([await seqOf("com.seq/a"), await seqOf("com.seq/b")]).toEqual([start + 3, start + 2]);
    expect(await namesChangedAfter(env.DB, start)).toEqual(expect.arrayContaining(["com.seq/a", "com.seq/b"]));
    expect(await namesChangedAfter(env.DB, start + 2)).toEqual(["com.seq/a"]);
  });

  it("is untouched by a batch that fails (one transaction with the write)", async () => {
    await loadFixtures([{ name: "com.seq/atomic", version: "1.0.0", publishedAt: "2024-01-01T00:00:00Z" }]);
    const start = await head();
    await expect(
      env.DB.batch([
        env.DB.prepare("UPDATE server_versions SET status = 'deprecated' WHERE name = 'com.seq/atomic'"),
        insertRow("com.seq/atomic", "1.0.0"), // duplicate primary key: the batch fails
      ]),
    ).rejects.toThrow();
    expect(await head()).toBe(start);
  });

  it("is backfilled by the migration in the order of each name's last update", async () => {
    await loadFixtures([
      { name: "com.seq/older", version: "1.0.0", publishedAt: "2023-01-01T00:00:00Z" },
      { name: "com.seq/newer", version: "1.0.0", publishedAt: "2023-06-01T00:00:00Z" },
      { name: "com.seq/newer", version: "0.9.0", publishedAt: "2022-01-01T00:00:00Z" },
    ]);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0005_"));
    const backfill = migration?.queries.find(
      (q) => !q.includes("TRIGGER") && q.includes("INSERT INTO catalog_changes"),
    );
    expect(backfill).toBeDefined();
    const names = (await env.DB.prepare("SELECT DISTINCT name FROM server_versions").all<{ name: string }>()).results;
    await env.DB.prepare("DELETE FROM catalog_changes").run();
    await env.DB.prepare(backfill!).run();
    const rows = (
      await env.DB.prepare("SELECT name, seq FROM catalog_changes ORDER BY seq").all<{ name: string; seq: number }>()
    ).results;
    expect(rows.map((r) => r.name).sort()).toEqual(names.map((r) => r.name).sort());
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const order = rows.map((r) => r.name);
    expect(order.indexOf("com.seq/older")).toBeLessThan(order.indexOf("com.seq/newer"));
  });

  it("is read by index: the overlay query walks only the names after the watermark", async () => {
    const { results } = await env.DB.prepare(
      `EXPLAIN QUERY PLAN
       SELECT c.name AS name, l.version AS version, l.status AS status, l.server_json AS server_json
         FROM catalog_changes c
         LEFT JOIN server_versions l ON l.name = c.name AND l.is_latest = 1 AND l.status <> 'deleted'
        WHERE c.seq > ?`,
    )
      .bind(0)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    expect(plan).toMatch(/SEARCH c USING (COVERING )?INDEX catalog_changes_by_seq \(seq>\?\)/);
    expect(plan).toMatch(/SEARCH l USING INDEX server_versions_latest \(name=\?\)/);
    expect(plan).not.toMatch(/SCAN/);
  });
});
