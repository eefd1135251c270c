// Migration 0004 brings denylist rows stored by the earlier code into the canonical forms as
// far as SQL can: it runs here, statement for statement, on a copy of the 0003 table filled with
// rows as the old code stored them (the real table is left alone). What it converts must be
// exactly what the Worker would store; what it cannot convert stays as it was.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { isCanonicalValue, normalizeDenylistValue, type DenylistKind } from "../worker/src/domain/denylist.ts";

const TABLE = "legacy_denylist_probe";

/** A migration's statements with the denylist tables renamed to this test's copies. */
function statementsOf(prefix: string): string[] {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith(prefix));
  if (!migration) throw new Error(`no migration ${prefix}`);
  return migration.queries.map((q) => q.replace(/\bdenylist(?=\b|_0004)/g, TABLE));
}

// As the old normalizeDenylistValue stored them: lower case, one trailing dot removed, package
// identifiers lower-cased with an image's tag or digest removed (only when a "/" came first).
const LEGACY: [DenylistKind, string, number][] = [
  ["namespace", "com.legacy", 1],
  ["namespace", "com.zz.", 2],
  ["server", "com.legacy/tool", 3],
  ["server", "a..b/x", 4],
  ["remote-host", "evil.example", 5],
  ["remote-host", "dot.example.", 6],
  ["remote-host", "evil.example.", 7], // same host as row 5, newer: dropped
  ["remote-host", "[2001:db8:0::1]", 8],
  ["package", "ghcr.io/evil/mcp", 9],
  ["package", "index.docker.io/p/img", 10],
  ["package", "p/img", 11], // same image as row 10, newer: dropped
  ["package", "nginx:1.0", 12],
  ["package", "@scope/pkg", 13],
  ["package", "https://example.com/x.mcpb", 14],
  ["package", "pypi:foo__bar", 15],
  ["package", "probe_pkg", 16],
  ["package", "my.pkg", 17],
  ["package", "localhost:5000/tool", 18],
];

afterAll(async () => {
  await env.DB.prepare(`DROP TABLE IF EXISTS ${TABLE}`).run();
});

describe("migration 0004", () => {
  it("has been applied: the denylist has a scope column", async () => {
    const { results } = await env.DB.prepare("PRAGMA table_info(denylist)").all<{ name: string }>();
    expect(results.map((c) => c.name)).toContain("scope");
  });

  it("converts rows of the old code into the canonical forms as far as SQL can", async () => {
    const create = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0003"))!
      .queries.find((q) => /CREATE TABLE denylist\b/.test(q))!
      .replace(/\bdenylist\b/, TABLE);
    await env.DB.prepare(`DROP TABLE IF EXISTS ${TABLE}`).run();
    await env.DB.prepare(create).run();
    await env.DB.batch(
      LEGACY.map(([kind, value, at]) =>
        env.DB.prepare(
          `INSERT INTO ${TABLE} (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, 'oidc:old')`,
        ).bind(kind, value, `reason ${at}`, at),
      ),
    );
    for (const statement of statementsOf("0004")) await env.DB.prepare(statement).run();

    const { results } = await env.DB.prepare(
      `SELECT kind, value, reason, scope FROM ${TABLE} ORDER BY kind, value`,
    ).all<{ kind: DenylistKind; value: string; reason: string; scope: string | null }>();
    const rows = results.map((r) => `${r.kind} ${r.value} (${r.reason})`);
    expect(rows).toEqual([
      "namespace com.legacy (reason 1)",
      "namespace com.zz. (reason 2)",
      "package cargo:probe-pkg (reason 16)",
      "package mcpb:https://example.com/x.mcpb (reason 14)",
      "package npm:@scope/pkg (reason 13)",
      "package npm:my.pkg (reason 17)",
      "package npm:probe_pkg (reason 16)",
      "package nuget:my.pkg (reason 17)",
      "package nuget:probe_pkg (reason 16)",
      "package oci:docker.io/library/my.pkg (reason 17)",
      "package oci:docker.io/library/nginx (reason 12)",
      "package oci:docker.io/library/probe_pkg (reason 16)",
      "package oci:docker.io/p/img (reason 10)",
      "package oci:ghcr.io/evil/mcp (reason 9)",
      "package oci:localhost:5000/tool (reason 18)",
      "package pypi:foo-bar (reason 15)",
      "package pypi:my-pkg (reason 17)",
      "package pypi:probe-pkg (reason 16)",
      "remote-host [2001:db8:0::1] (reason 8)",
      "remote-host dot.example (reason 6)",
      "remote-host evil.example (reason 5)",
      "server a..b/x (reason 4)",
      "server com.legacy/tool (reason 3)",
    ]);
    expect(results.every((r) => r.scope === null)).toBe(true);

    // Everything converted is what the Worker stores for it; the rest is what SQL cannot do.
    const notCanonical = results.filter((r) => !isCanonicalValue(r)).map((r) => `${r.kind} ${r.value}`);
    expect(notCanonical).toEqual(["namespace com.zz.", "remote-host [2001:db8:0::1]", "server a..b/x"]);
    expect(normalizeDenylistValue("remote-host", "[2001:db8:0::1]")).toEqual({ value: "[2001:db8::1]" });
  });
});
