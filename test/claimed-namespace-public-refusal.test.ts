// A namespace a group claims cannot be published into publicly: 403 for everyone (organisation
// administrators included), with a message that names the namespace as reserved but never the
// group. The claim is read by the namespace's writer from D1; a claim that changes between that
// read and the commit is caught by the D1 trigger and answered with the same clean refusal, for
// a publish alone and for a group commit (each job retried alone), never a 500.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { interceptWriterBatch } from "./helpers/faults.ts";
import { auditRows, createWriteGroup, groupPublish, member, storedGroups } from "./helpers/group-writes.ts";
import { editAll, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";

const RESERVED = (namespace: string) => `namespace ${namespace} is reserved for a private registry`;

beforeAll(async () => {
  await createWriteGroup({ name: "secret-team", namespaces: ["com.acme.internal"] });
});

describe("public publishes into a claimed namespace", () => {
  it("are refused 403 for a publisher of every name, without naming the group", async () => {
    const token = await tokenFor(publishAll("*"));
    const refused = await publish(token, serverJson("com.acme.internal/tool", "1.0.0"));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe("Failed to publish server");
    expect(refused.body.errors).toEqual([{ message: RESERVED("com.acme.internal") }]);
    expect(JSON.stringify(refused.body)).not.toContain("secret-team");
    expect((await storedGroups("com.acme.internal/tool")).versions).toEqual([]);
    expect((await auditRows("com.acme.internal")).at(-1)).toMatchObject({
      action: "publish",
      outcome: "denied",
      reason: RESERVED("com.acme.internal"),
    });
  });

  it("are refused for organisation administrators too, and whatever the namespace's case", async () => {
    const admin = await tokenFor([...editAll("*"), ...publishAll("*")], "oidc", "root@example.test");
    for (const name of ["com.acme.internal/admin", "COM.Acme.Internal/admin"]) {
      const refused = await publish(admin, serverJson(name, "1.0.0"));
      expect(refused.status, name).toBe(403);
      expect(refused.body.errors).toEqual([{ message: RESERVED(name.split("/")[0]!) }]);
      expect(JSON.stringify(refused.body)).not.toContain("secret-team");
    }
  });

  it("leave unclaimed namespaces public: rows without a group", async () => {
    const token = await tokenFor(publishAll("com.acme.public/*"));
    expect((await publish(token, serverJson("com.acme.public/tool", "1.0.0"))).status).toBe(200);
    expect(await storedGroups("com.acme.public/tool")).toEqual({
      versions: [{ version: "1.0.0", group_name: null }],
      summary: { group_name: null, version_count: 1 },
    });
  });
});

describe("a claim that changes between the writer's read and its commit", () => {
  it("claimed meanwhile: a public publish is refused 403 by the trigger's backstop, nothing written", async () => {
    const namespace = "com.race-claim";
    await interceptWriterBatch(env.STREAM_WRITER.getByName(namespace) as DurableObjectStub, 1, async (send) => {
      // The claim lands after the writer read the namespace as unclaimed.
      await env.DB.batch([
        env.DB.prepare(
          `INSERT INTO groups (name, visibility, created_at, created_by, updated_at)
           VALUES ('late-claimer', 'private', 1, 'test', 1)`,
        ),
        env.DB.prepare("INSERT INTO group_namespaces (namespace, group_name) VALUES (?, 'late-claimer')").bind(
          namespace,
        ),
      ]);
      return send();
    });
    const token = await tokenFor(publishAll(`${namespace}/*`));
    const refused = await publish(token, serverJson(`${namespace}/tool`, "1.0.0"));
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.errors).toEqual([{ message: RESERVED(namespace) }]);
    expect(JSON.stringify(refused.body)).not.toContain("late-claimer");
    expect((await storedGroups(`${namespace}/tool`)).versions).toEqual([]);
    // The refusal is audited, numbered without a gap.
    const entries = await listStream(env.DB, namespace);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.at(-1)).toMatchObject({ action: "publish", outcome: "denied" });
  });

  it("released meanwhile: a group commit of group publishes is refused job by job, never a 500", async () => {
    const namespace = "com.race-release";
    await createWriteGroup({ name: "racers", namespaces: [namespace], members: { "github:rita": "publisher" } });
    const token = await member("rita");
    // A first publish runs alone and keeps the next ones queued behind it: they form a group.
    expect((await groupPublish("racers", token, serverJson(`${namespace}/warm`, "1.0.0"))).status).toBe(200);
    await interceptWriterBatch(env.STREAM_WRITER.getByName(namespace) as DurableObjectStub, 2, async (send) => {
      await env.DB.prepare("DELETE FROM group_namespaces WHERE namespace = ?").bind(namespace).run();
      return send();
    });
    const jobs = Array.from({ length: 16 }, (_, i) => serverJson(`${namespace}/tool-${i % 4}`, `1.${i}.0`));
    const results = await Promise.all(jobs.map((job) => groupPublish("racers", token, job)));
    const refused = results.filter((r) => r.status === 403);
    expect(refused.length).toBeGreaterThan(1);
    for (const [i, result] of results.entries()) {
      expect([200, 403], JSON.stringify(result.body)).toContain(result.status);
      const name = jobs[i]!.name as string;
      const rows = (await storedGroups(name)).versions.filter((v) => v.version === jobs[i]!.version);
      if (result.status === 403) {
        expect(result.body.errors).toEqual([{ message: `namespace ${namespace} is not claimed by group racers` }]);
        expect(rows).toEqual([]);
      } else expect(rows).toEqual([{ version: jobs[i]!.version, group_name: "racers" }]);
    }
    const entries = await listStream(env.DB, namespace);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries).toHaveLength(1 + jobs.length);
  });
});
