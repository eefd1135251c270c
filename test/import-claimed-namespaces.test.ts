// The bulk import (npm run import, seeding) writes the public catalogue only: an entry whose
// namespace a group claims is rejected with a reason, whatever its case, never inserted, never
// merged into the group's private server; the other entries of the run are imported.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { createWriteGroup, groupPublish, member, storedGroups } from "./helpers/group-writes.ts";
import { serverJson } from "./helpers/registry.ts";

const RESERVED = "namespace com.acme.internal is reserved for a private registry";

beforeAll(async () => {
  await createWriteGroup({
    name: "dev-mcps",
    namespaces: ["com.acme.internal"],
    members: { "github:alice": "publisher" },
  });
  const published = await groupPublish(
    "dev-mcps",
    await member("alice"),
    serverJson("com.acme.internal/tool", "1.0.0"),
  );
  expect(published.status).toBe(200);
});

describe("importing into a claimed namespace", () => {
  it("rejects those entries with a reason and imports the rest", async () => {
    const report = await importEntries(env, [
      { source: "a:1", server: serverJson("com.acme.internal/new", "1.0.0") },
      { source: "a:2", server: serverJson("com.public.import/tool", "1.0.0") },
      { source: "a:3", server: serverJson("COM.ACME.Internal/other", "1.0.0") },
    ]);
    expect(report.inserted).toBe(1);
    expect(report.rejected).toEqual([
      { source: "a:1", name: "com.acme.internal/new", version: "1.0.0", reasons: [RESERVED] },
      {
        source: "a:3",
        name: "COM.ACME.Internal/other",
        version: "1.0.0",
        reasons: ["namespace COM.ACME.Internal is reserved for a private registry"],
      },
    ]);
    expect((await storedGroups("com.acme.internal/new")).versions).toEqual([]);
    expect((await storedGroups("com.public.import/tool")).versions).toEqual([{ version: "1.0.0", group_name: null }]);
  });

  it("never merges an entry into a private server, even with official metadata", async () => {
    const before = await env.DB.prepare("SELECT * FROM server_versions WHERE name = ?")
      .bind("com.acme.internal/tool")
      .all();
    const report = await importEntries(env, [
      {
        source: "b:1",
        server: serverJson("com.acme.internal/tool", "1.0.0", { title: "Overwritten" }),
        official: { status: "deprecated", publishedAt: "2025-01-01T00:00:00Z" },
      },
      {
        source: "b:2",
        server: serverJson("com.acme.internal/tool", "2.0.0"),
        official: { publishedAt: "2025-01-01T00:00:00Z" },
      },
    ]);
    expect(report).toMatchObject({ inserted: 0, updated: 0, unchanged: 0 });
    expect(report.rejected.map((r) => r.reasons)).toEqual([[RESERVED], [RESERVED]]);
    const after = await env.DB.prepare("SELECT * FROM server_versions WHERE name = ?")
      .bind("com.acme.internal/tool")
      .all();
    expect(after.results).toEqual(before.results);
  });
});
