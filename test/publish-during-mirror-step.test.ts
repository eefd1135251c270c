// A mirror step is not serialized by the namespace's writer: it can commit a version of a name
// between a local publish's read of that name and the publish's commit. The publish's commit
// asserts that the name's state it read (version count, latest holder) is still the state; when
// a mirror page landed meanwhile, the batch aborts (nothing written) and the writer plans the
// publish once more on the new state, answering exactly what it would have answered after the
// mirror step. When the name changes under it a second time it answers 409 "retry", audited,
// with nothing written. The other direction (a publish inside a mirror step) is
// mirror-local-publish-race.test.ts.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { auditRowsIn, interceptWriterBatch } from "./helpers/faults.ts";
import { registerSource, serveUpstreams, stepOnce } from "./helpers/mirror.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://rev.upstream.test");
const at = (day: number) => Date.UTC(2025, 4, day) * 1000;

async function rowsOf(name: string) {
  const { results } = await env.DB.prepare(
    "SELECT version, is_latest, mirror_source FROM server_versions WHERE name = ? ORDER BY version",
  )
    .bind(name)
    .all();
  const summary = await env.DB.prepare("SELECT latest_version, version_count FROM servers WHERE name = ?")
    .bind(name)
    .first();
  return { versions: results, summary };
}

let id: string;

beforeAll(async () => {
  serveUpstreams(upstream);
  id = await registerSource({ url: upstream.base, into: "public" });
});

describe("a mirror page landing between a publish's read and its commit", () => {
  let answer: Awaited<ReturnType<typeof publish>>;
  let mirrored: Awaited<ReturnType<typeof stepOnce>>["summary"] = null;

  beforeAll(async () => {
    upstream.publish(serverJson("com.rev/tool", "2.0.0") as never, at(1));
    await interceptWriterBatch(env.STREAM_WRITER.getByName("com.rev") as DurableObjectStub, 1, async (send) => {
      // The publish read com.rev/tool as absent; the mirror now writes its upstream 2.0.0.
      mirrored = (await stepOnce(id, 5)).summary;
      return send();
    });
    const token = await tokenFor(publishAll("com.rev/*"));
    answer = await publish(token, serverJson("com.rev/tool", "1.0.0"));
  });

  it("the mirror step committed in between", () => {
    expect(mirrored).toMatchObject({ error: null, counts: { added: 1 } });
  });

  it("is published as it would have been after the mirror step: 2.0.0 stays latest", async () => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body._meta["io.modelcontextprotocol.registry/official"].isLatest).toBe(false);
    expect(await rowsOf("com.rev/tool")).toEqual({
      versions: [
        { version: "1.0.0", is_latest: 0, mirror_source: null },
        { version: "2.0.0", is_latest: 1, mirror_source: upstream.base },
      ],
      summary: { latest_version: "2.0.0", version_count: 2 },
    });
    const latest = await apiJson("/v0.1/servers/com.rev%2Ftool/versions/latest");
    expect(latest.body.server.version).toBe("2.0.0");
  });

  it("audits the publish once, without a gap", async () => {
    const entries = await listStream(env.DB, "com.rev");
    expect(entries.map((e) => [e.seq, e.action, e.version, e.outcome])).toEqual([[1, "publish", "1.0.0", "ok"]]);
  });
});

describe("a name that changes under the publish twice", () => {
  it("is answered 409 retry, audited, nothing written", async () => {
    upstream.publish(serverJson("com.twice/tool", "2.0.0") as never, at(2));
    let raced = 0;
    // Before each of the writer's commit attempts, the upstream gains a version and the mirror writes it.
    await interceptWriterCommits(env.STREAM_WRITER.getByName("com.twice") as DurableObjectStub, async () => {
      raced++;
      if (raced === 2) upstream.publish(serverJson("com.twice/tool", "3.0.0") as never, at(3));
      expect((await stepOnce(id, 5)).summary).toMatchObject({ error: null, counts: { added: 1 } });
    });
    const token = await tokenFor(publishAll("com.twice/*"));
    const refused = await publish(token, serverJson("com.twice/tool", "1.0.0"));
    expect(raced).toBe(2);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.detail).toMatch(/concurrent change.*retry/i);
    expect(await rowsOf("com.twice/tool")).toEqual({
      versions: [
        { version: "2.0.0", is_latest: 0, mirror_source: upstream.base },
        { version: "3.0.0", is_latest: 1, mirror_source: upstream.base },
      ],
      summary: { latest_version: "3.0.0", version_count: 2 },
    });
    const entries = await listStream(env.DB, "com.twice");
    expect(entries.map((e) => [e.seq, e.action, e.outcome])).toEqual([[1, "publish", "failed"]]);
  });
});

/**
 * Runs `before` ahead of each of a running writer's next two commit batches (a batch with
 * audit rows), then sends the batch for real. Every other batch goes through.
 */
async function interceptWriterCommits(stub: DurableObjectStub, before: () => Promise<void>): Promise<void> {
  await runInDurableObject(stub, (object: unknown) => {
    const instance = object as { env: Record<string, unknown> };
    const real = instance.env.DB as D1Database;
    let left = 2;
    const db = new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop !== "batch") return typeof value === "function" ? value.bind(target) : value;
        return async (statements: D1PreparedStatement[]) => {
          if (left > 0 && auditRowsIn(statements) > 0) {
            left--;
            await before();
          }
          return target.batch(statements);
        };
      },
    });
    instance.env = { ...instance.env, DB: db };
  });
}
