// Governance writes serialize per group: concurrent changes of one group all commit, each with
// one audit row, numbered 1..n without gaps; concurrent claims of one namespace by different
// groups (different writers) let exactly one win; the batch backstop aborts what a writer of
// another stream made stale.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { abortWhenStatement, isGovernanceConflict } from "../worker/src/storage/d1-governance.ts";
import { serverKey } from "../worker/src/storage/kv-keys.ts";
import { interceptWriterBatch, sleep } from "./helpers/faults.ts";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import {
  createGroup,
  createToken,
  deleteGroup,
  githubToken,
  groupAudit,
  groupWithMembers,
  listMembers,
  orgAdminToken,
  patchGroup,
  putMember,
  uniqueGroupName,
} from "./helpers/groups.ts";

function expectGapless(rows: { seq: number; at: number }[]) {
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  for (let i = 1; i < rows.length; i++) expect(rows[i]!.at).toBeGreaterThan(rows[i - 1]!.at);
}

describe("concurrent governance writes", () => {
  it("commits 20 parallel member changes of one group, audited 1..n without gaps", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const admin = await orgAdminToken();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        putMember(name, `github:parallel-${i}`, i % 2 ? "viewer" : "publisher", admin),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect((await listMembers(name, admin)).body.metadata.count).toBe(20);
    const audit = await groupAudit(name);
    expect(audit.length).toBe(21);
    expectGapless(audit);
    expect(new Set(audit.slice(1).map((r) => r.version))).toEqual(
      new Set(Array.from({ length: 20 }, (_, i) => `github:parallel-${i}`)),
    );
  });

  it("serializes a mix of configuration, member and service-token changes of one group", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:mixer": "manager" });
    const admin = await orgAdminToken();
    const mixer = await githubToken("mixer");
    const writes = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => patchGroup(name, { title: `t${i}` }, mixer)),
      ...Array.from({ length: 5 }, (_, i) => putMember(name, `viewer${i}@example.com`, "viewer", mixer)),
      ...Array.from({ length: 5 }, (_, i) =>
        createToken(
          { name: `bot${i}`, kind: "service", group: name, access: [{ group: name, role: "viewer" }] },
          mixer,
        ),
      ),
      patchGroup(name, { requireApproval: true }, admin),
    ]);
    expect(writes.map((w) => w.status)).toEqual([
      ...Array(5).fill(200),
      ...Array(5).fill(201),
      ...Array(5).fill(201),
      200,
    ]);
    const audit = await groupAudit(name);
    expect(audit.length).toBe(2 + 16);
    expectGapless(audit);
    // Every PATCH gave the group a new configuration version.
    const updatedAts = writes.slice(0, 5).map((w) => w.body.updatedAt);
    expect(new Set(updatedAts).size).toBe(5);
  });

  it("numbers parallel personal tokens of many people in the ~tokens stream without gaps", async () => {
    const name = uniqueGroupName();
    const people = Array.from({ length: 10 }, (_, i) => `tokener${i}`);
    await groupWithMembers(name, Object.fromEntries(people.map((p) => [`github:${p}`, "viewer" as const])));
    const before = (await listStream(env.DB, "~tokens")).length;
    const minted = await Promise.all(
      people.map(async (p) =>
        createToken(
          { name: "laptop", kind: "personal", access: [{ group: name, role: "viewer" }] },
          await githubToken(p),
        ),
      ),
    );
    expect(minted.map((m) => m.status)).toEqual(Array(10).fill(201));
    const stream = await listStream(env.DB, "~tokens");
    expect(stream.length).toBe(before + 10);
    expectGapless(stream);
  });

  it("lets exactly one of several groups claim the same namespace at once", async () => {
    const ns = `com.race.${uniqueGroupName()}`;
    const names = Array.from({ length: 6 }, () => uniqueGroupName("racer"));
    const results = await Promise.all(
      names.map((name) => createGroup({ name, visibility: "private", namespaces: [ns] })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const claims = await env.DB.prepare("SELECT group_name FROM group_namespaces WHERE namespace = ?").bind(ns).all();
    expect(claims.results.length).toBe(1);
    const winner = names[results.findIndex((r) => r.status === 201)]!;
    expect(claims.results[0]).toEqual({ group_name: winner });
    for (const [i, result] of results.entries()) {
      if (result.status === 409) {
        expect(result.body.detail).toBe(`namespace ${ns} is already claimed by group ${winner}`);
        expect((await groupAudit(names[i]!)).map((r) => [r.seq, r.action, r.outcome])).toEqual([
          [1, "group-create", "failed"],
        ]);
      }
    }
  });

  it("backstop: a batch whose writer's check went stale aborts whole, recognised as a conflict", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const db = env.DB;
    let error: unknown;
    try {
      await db.batch([
        db.prepare("UPDATE groups SET title = 'changed' WHERE name = ?").bind(name),
        abortWhenStatement(db, name, "1 = 1"),
      ]);
    } catch (err) {
      error = err;
    }
    expect(isGovernanceConflict(error)).toBe(true);
    const row = await db.prepare("SELECT title, require_approval FROM groups WHERE name = ?").bind(name).first();
    expect(row).toEqual({ title: null, require_approval: 0 });
    await db.batch([abortWhenStatement(db, name, "1 = 0")]);
  });

  /** A server row of `group` (null: public) committed by "another writer" in `namespace`. */
  const serverLands = (namespace: string, group: string | null) =>
    env.DB.prepare(
      `INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at, group_name)
       VALUES (?, ?, '1.0.0', 1, 1, 1, ?)`,
    )
      .bind(`${namespace}/late`, namespace, group)
      .run();
  const groupWriter = (group: string) => env.STREAM_WRITER.getByName(`~group:${group}`) as DurableObjectStub;

  it("refuses a claim when a public server lands between the writer's check and its batch", async () => {
    const name = uniqueGroupName();
    const ns = `com.late.${name}`;
    await interceptWriterBatch(groupWriter(name), 1, async (send) => {
      await serverLands(ns, null);
      return send();
    });
    const { status, body } = await createGroup({ name, visibility: "private", namespaces: [ns] });
    expect([status, body.detail]).toEqual([409, `namespace ${ns} already has public servers`]);
    expect((await groupAudit(name)).map((r) => [r.seq, r.outcome])).toEqual([[1, "failed"]]);
  });

  it("keeps a namespace claimed when the group's server lands before the release commits", async () => {
    const name = uniqueGroupName();
    const ns = `com.release.${name}`;
    await groupWithMembers(name, {}, { namespaces: [ns] });
    await interceptWriterBatch(groupWriter(name), 1, async (send) => {
      await serverLands(ns, name);
      return send();
    });
    const { status, body } = await patchGroup(name, { namespaces: [] }, await orgAdminToken());
    expect([status, body.detail]).toEqual([
      409,
      `namespace ${ns} still holds servers or pending versions of the group`,
    ]);
    const claim = await env.DB.prepare("SELECT group_name FROM group_namespaces WHERE namespace = ?").bind(ns).first();
    expect(claim).toEqual({ group_name: name });
  });

  it("purges exactly what it deletes, and flushes it, also a server landing before its batch", async () => {
    const name = uniqueGroupName();
    const ns = `com.purgerace.${name}`;
    await groupWithMembers(name, {}, { namespaces: [ns] });
    // More names than an answer lists.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
       INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at, group_name)
       SELECT ?1 || '/s' || printf('%03d', i), ?1, '1.0.0', 1, 1, 1, ?2 FROM n`,
    )
      .bind(ns, name)
      .run();
    await interceptWriterBatch(groupWriter(name), 1, async (send) => {
      await serverLands(ns, name);
      return send();
    });
    // Cached documents of a name read before the purge and of the late one: both are flushed.
    const cached = [`${ns}/late`, `${ns}/s001`];
    for (const server of cached) await env.CACHE.put(serverKey(server), "stale");
    const { status, body } = await deleteGroup(name, await orgAdminToken(), "?purge=true");
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.purgedCount).toBe(121);
    expect(body.purged).toHaveLength(100);
    expect(body.purged[0]).toBe(`${ns}/late`);
    for (let wait = 0; wait < 50; wait++) {
      if ((await Promise.all(cached.map((server) => env.CACHE.get(serverKey(server))))).every((v) => v === null)) break;
      await sleep(100);
    }
    for (const server of cached) expect(await env.CACHE.get(serverKey(server)), server).toBeNull();
    const left = await env.DB.prepare("SELECT count(*) AS n FROM servers WHERE namespace = ?").bind(ns).first();
    expect(left).toEqual({ n: 0 });
    const audit = await groupAudit(name);
    expect(audit.at(-1)).toMatchObject({ action: "group-delete", outcome: "ok" });
    expect(audit.at(-1)?.detail).toMatchObject({ servers: 121 });
  });

  it("keeps a group when its server lands before an unpurged delete commits", async () => {
    const name = uniqueGroupName();
    const ns = `com.keep.${name}`;
    await groupWithMembers(name, {}, { namespaces: [ns] });
    await interceptWriterBatch(groupWriter(name), 1, async (send) => {
      await serverLands(ns, name);
      return send();
    });
    const { status, body } = await deleteGroup(name, await orgAdminToken());
    expect(status).toBe(409);
    expect(body.detail).toContain("still holds 1 servers");
    expect(await env.DB.prepare("SELECT name FROM groups WHERE name = ?").bind(name).first()).toEqual({ name });
  });
});
