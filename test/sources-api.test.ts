// /x/admin/sources: organisation administrators register, list, sync and delete upstream
// sources. Every bad input is a 422 naming its field (nothing stored), URLs are kept in one
// canonical form with one source per URL (409), and the changes are audited on "~sync".
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_SOURCE_PATTERNS } from "../worker/src/domain/sources.ts";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { seedGroup } from "./helpers/group-fixtures.ts";
import { githubToken } from "./helpers/groups.ts";
import { createSource, deleteSource, listSources, serveUpstreams, syncSource } from "./helpers/mirror.ts";
import { publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";

const storedCount = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())?.n ?? 0;

/** A create that must fail validation at `location`, storing nothing. */
async function refused(body: Record<string, unknown>, location: string) {
  const before = await storedCount();
  const { status, body: problem } = await createSource(body);
  expect(status, JSON.stringify(body)).toBe(422);
  expect(problem.errors.map((e: any) => e.location)).toContain(location);
  expect(await storedCount()).toBe(before);
}

describe("/x/admin/sources", () => {
  beforeAll(async () => {
    await seedGroup({ name: "sources-acme", visibility: "private", namespaces: ["com.acme"] });
  });

  it("registers a source in its canonical form and lists its state", async () => {
    const created = await createSource({
      url: "HTTPS://Registry.Example.TEST:443/v0.1/",
      into: "public",
      include: ["io.github.*", " com.example/server "],
      exclude: ["io.github.spam/*"],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: "https://registry.example.test",
      into: "public",
      include: ["io.github.*", "com.example/server"],
      exclude: ["io.github.spam/*"],
      createdBy: "oidc:admin@example.test",
      mode: null,
      position: null,
      caughtUp: false,
      lastSuccessAt: null,
      lagSeconds: null,
      lastError: null,
      counts: { added: 0, updated: 0, unchanged: 0, skipped: 0 },
      recentSkips: [],
    });
    const { status, body } = await listSources();
    expect(status).toBe(200);
    expect(body.sources.find((s: any) => s.id === created.body.id)).toEqual(created.body);
    expect(body.metadata.count).toBe(body.sources.length);
  });

  it("keeps one source per canonical URL", async () => {
    expect((await createSource({ url: "http://dup.example.test/", into: "public" })).status).toBe(201);
    const again = await createSource({ url: "http://DUP.example.test/v0", into: "public" });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already exists/);
    // Another scheme, port or path is another upstream.
    expect((await createSource({ url: "http://dup.example.test:8788", into: "public" })).status).toBe(201);
  });

  it("mirrors into an existing group only", async () => {
    const ok = await createSource({ url: "https://into-group.example.test", into: "sources-acme" });
    expect(ok.status).toBe(201);
    expect(ok.body.into).toBe("sources-acme");
    await refused({ url: "https://into-missing.example.test", into: "no-such-group" }, "body.into");
    await refused({ url: "https://into-bad.example.test", into: "Not A Group!" }, "body.into");
  });

  it("refuses bad URLs, patterns and bodies with the field's location", async () => {
    for (const url of [
      "ftp://files.example.test",
      "https://user:secret@registry.example.test",
      "https://registry.example.test/?page=2",
      "https://registry.example.test/#top",
      "not a url",
      `https://registry.example.test/${"a".repeat(2100)}`,
      "javascript:alert(1)",
    ]) {
      await refused({ url, into: "public" }, "body.url");
    }
    await refused({ url: "https://p.example.test", into: "public", include: ["a*b*"] }, "body.include[0]");
    await refused({ url: "https://p.example.test", into: "public", exclude: ["ok/*", "no spaces"] }, "body.exclude[1]");
    const many = Array.from({ length: MAX_SOURCE_PATTERNS + 1 }, (_, i) => `com.example/s${i}`);
    await refused({ url: "https://p.example.test", into: "public", include: many }, "body.include");
    await refused({ into: "public" }, "body");
    await refused({ url: "https://p.example.test", into: "public", extra: true }, "body.extra");
    await refused({ url: 42, into: "public" }, "body.url");
  });

  it("answers 401 without a token and 403 to anyone but an organisation administrator", async () => {
    const before = await storedCount();
    const anonymous = await createSource({ url: "https://anon.example.test", into: "public" }, "");
    expect(anonymous.status).toBe(401);
    for (const token of [await githubToken("someone"), await tokenFor(publishAll("*"))]) {
      expect((await createSource({ url: "https://nope.example.test", into: "public" }, token)).status).toBe(403);
      expect((await listSources(token)).status).toBe(403);
      expect((await deleteSource(crypto.randomUUID(), token)).status).toBe(403);
      expect((await syncSource(crypto.randomUUID(), token)).status).toBe(403);
    }
    expect((await listSources("")).status).toBe(401);
    expect(await storedCount()).toBe(before);
  });

  it("syncs a source on request and answers its state and the step", async () => {
    const upstream = new FakeUpstream("https://sync-now.example.test");
    upstream.publish(serverJson("com.sync-now/one", "1.0.0") as never, Date.UTC(2025, 0, 1) * 1000);
    serveUpstreams(upstream);
    const { body: source } = await createSource({ url: upstream.base, into: "public" });
    const { status, body } = await syncSource(source.id);
    expect(status).toBe(200);
    expect(body.step).toMatchObject({ pages: 1, added: 1, caughtUp: true, error: null });
    expect(body.source).toMatchObject({ id: source.id, mode: "list", caughtUp: true, counts: { added: 1 } });
    expect(body.source.lagSeconds).toBe(0);
  });

  it("deletes a source (404 for unknown ids) and audits the changes on ~sync", async () => {
    const { body: source } = await createSource({ url: "https://short-lived.example.test", into: "public" });
    expect((await deleteSource(source.id)).status).toBe(200);
    expect((await deleteSource(source.id)).status).toBe(404);
    expect((await deleteSource("not-a-source")).status).toBe(404);
    expect((await syncSource(source.id)).status).toBe(404);
    const { body } = await listSources();
    expect(body.sources.some((s: any) => s.id === source.id)).toBe(false);

    const audit = await listStream(env.DB, "~sync");
    const mine = audit.filter((row) => row.name === source.id);
    expect(mine.map((row) => [row.action, row.outcome])).toEqual([
      ["source-create", "ok"],
      ["source-delete", "ok"],
      ["source-delete", "failed"],
    ]);
    expect(audit.some((row) => row.action === "source-create" && row.outcome === "failed")).toBe(true);
  });
});
