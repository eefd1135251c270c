// Whether a moderation decision shows in the public log is decided when it is written: a
// decision about a server or namespace a group claims at that moment is recorded private and
// never shows, also after the claim is released or the group purged; a public decision stays
// when its namespace is claimed later (its disappearance would tell). Rows without the flag
// (written before it) are public.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createGroup, deleteGroup, orgAdminToken, patchGroup } from "./helpers/groups.ts";
import { seedPrivate } from "./helpers/group-fixtures.ts";
import { auditOf, denylistAdd, denylistRemove, maintainerToken } from "./helpers/moderation.ts";
import { apiJson } from "./helpers/registry.ts";

let maintainer: string;
let admin: string;

/** Every public decision whose target value contains `marker`, as {action, value}. */
async function logged(marker: string): Promise<{ action: string; value: string }[]> {
  const out: { action: string; value: string }[] = [];
  let cursor = "";
  for (let i = 0; i < 100; i++) {
    const page = await apiJson(`/x/moderation-log?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    for (const d of page.body.decisions) {
      if (String(d.target.value).includes(marker)) out.push({ action: d.action, value: d.target.value });
    }
    cursor = page.body.metadata.nextCursor ?? "";
    if (!cursor) return out;
  }
  throw new Error("paging does not end");
}

async function ok(call: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const { status: got, body } = await call;
  expect(got, JSON.stringify(body)).toBe(status);
  return body;
}

beforeAll(async () => {
  maintainer = await maintainerToken();
  admin = await orgAdminToken();
});

describe("the public moderation log decides visibility when a decision is written", () => {
  it("keeps a decision written before a claim after the namespace is claimed", async () => {
    await ok(denylistAdd(maintainer, { kind: "namespace", value: "com.mlp-before", reason: "spam" }), 201);
    await ok(denylistAdd(maintainer, { kind: "server", value: "com.mlp-before/tool", reason: "malware" }), 201);
    const before = [
      { action: "denylist", value: "com.mlp-before" },
      { action: "denylist", value: "com.mlp-before/tool" },
    ];
    expect(await logged("com.mlp-before")).toEqual(before);
    await ok(createGroup({ name: "mlp-before", visibility: "private", namespaces: ["com.mlp-before"] }, admin), 201);
    expect(await logged("com.mlp-before")).toEqual(before);
  });

  it("never shows a decision about a claimed namespace, also after the claim is released", async () => {
    await ok(createGroup({ name: "mlp-claimed", visibility: "private", namespaces: ["com.mlp-claimed"] }, admin), 201);
    await ok(denylistAdd(maintainer, { kind: "namespace", value: "com.mlp-claimed", reason: "spam" }), 201);
    await ok(denylistAdd(maintainer, { kind: "server", value: "Com.MLP-Claimed/Tool", reason: "malware" }), 201);
    await ok(denylistRemove(maintainer, { kind: "server", value: "com.mlp-claimed/tool" }), 200);
    expect(await logged("mlp-claimed")).toEqual([]);
    const rows = (await auditOf("~moderation")).filter((r) => r.name?.startsWith("com.mlp-claimed"));
    expect(rows.map((r) => [r.action, r.outcome, r.detail?.private])).toEqual([
      ["denylist-add", "ok", true],
      ["denylist-add", "ok", true],
      ["denylist-remove", "ok", true],
    ]);

    await ok(patchGroup("mlp-claimed", { namespaces: [] }, admin), 200);
    expect(await logged("mlp-claimed")).toEqual([]);
    // Decisions written once the namespace is public again are public.
    await ok(denylistRemove(maintainer, { kind: "namespace", value: "com.mlp-claimed" }), 200);
    expect(await logged("mlp-claimed")).toEqual([{ action: "undenylist", value: "com.mlp-claimed" }]);
  });

  it("never shows a decision about a purged group's server", async () => {
    // The private server is seeded first (seedPrivate claims its namespace after loading it).
    await ok(createGroup({ name: "mlp-purged", visibility: "private" }, admin), 201);
    await seedPrivate("mlp-purged", [
      { name: "com.mlp-purged/secret", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
    ]);
    await ok(denylistAdd(maintainer, { kind: "server", value: "com.mlp-purged/secret", reason: "malware" }), 201);
    expect(await logged("mlp-purged")).toEqual([]);
    await ok(deleteGroup("mlp-purged", admin, "?purge=true"), 200);
    expect((await apiJson("/v0/servers/com.mlp-purged%2Fsecret/versions")).status).toBe(404);
    expect(await logged("mlp-purged")).toEqual([]);
  });

  it("shows rows written before the flag existed", async () => {
    await ok(createGroup({ name: "mlp-legacy", visibility: "private", namespaces: ["com.mlp-legacy"] }, admin), 201);
    await env.DB.prepare(
      `INSERT INTO audit_log (namespace, seq, at, actor_method, actor_subject, action, name, version, outcome, reason, request_id, detail)
       VALUES ('~moderation', (SELECT coalesce(max(seq), 0) + 1 FROM audit_log WHERE namespace = '~moderation'), ?,
               'oidc', 'moderator', 'denylist-add', 'com.mlp-legacy', NULL, 'ok', NULL, NULL, ?)`,
    )
      .bind(Date.now() * 1000, JSON.stringify({ kind: "namespace", value: "com.mlp-legacy", reason: "old" }))
      .run();
    expect(await logged("mlp-legacy")).toEqual([{ action: "denylist", value: "com.mlp-legacy" }]);
  });
});
