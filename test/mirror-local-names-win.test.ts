// Local names win: an upstream entry for a name published or imported here, mirrored from
// another source, or in a namespace a group claims is skipped and reported (counts and recent
// skips with reasons), never merged; so are invalid and denylisted entries. Everything else of
// the upstream is mirrored, and the local servers are exactly as they were.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { seedGroup } from "./helpers/group-fixtures.ts";
import { mirrorUntilCaughtUp, registerSource, serveUpstreams, sourceState } from "./helpers/mirror.ts";
import { denylistAdd, maintainerToken } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";

const main = new FakeUpstream("https://main.upstream.test");
const other = new FakeUpstream("https://other.upstream.test");
const at = (day: number) => Date.UTC(2025, 2, day) * 1000;
const versionsOf = (name: string) => apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions?include_deleted=true`);

describe("local names win over a mirror", () => {
  let id: string;
  let localBefore: Record<string, unknown>;

  beforeAll(async () => {
    serveUpstreams(main, other);
    // Published here, imported here, claimed by a private group, denylisted.
    const token = await tokenFor(publishAll("com.local/*"));
    expect((await publish(token, serverJson("com.local/owned", "1.0.0"))).status).toBe(200);
    const imported = await importEntries(env, [{ source: "t", server: serverJson("com.imported/kept", "0.1.0") }]);
    expect(imported.inserted).toBe(1);
    await seedGroup({ name: "acme", visibility: "private", namespaces: ["com.claimed"] });
    const denied = await denylistAdd(await maintainerToken(), {
      kind: "namespace",
      value: "com.banned",
      reason: "Malware",
    });
    expect(denied.status).toBe(201);
    // Another source mirrors com.shared/tool first.
    other.publish(serverJson("com.shared/tool", "1.0.0") as never, at(1));
    await mirrorUntilCaughtUp(await registerSource({ url: other.base, into: "public" }), 5);
    localBefore = {
      owned: (await versionsOf("com.local/owned")).body,
      kept: (await versionsOf("com.imported/kept")).body,
      shared: (await versionsOf("com.shared/tool")).body,
    };

    main.publish(serverJson("com.local/owned", "1.0.0", { title: "Upstream's" }) as never, at(2));
    main.publish(serverJson("com.local/owned", "9.0.0") as never, at(3));
    main.publish(serverJson("com.imported/kept", "0.2.0") as never, at(4));
    main.publish(serverJson("com.claimed/secret", "1.0.0") as never, at(5));
    main.publish(serverJson("com.banned/evil", "1.0.0") as never, at(6));
    main.publish(serverJson("com.shared/tool", "2.0.0") as never, at(7));
    main.publish(serverJson("com.invalid/range", "^1.0.0") as never, at(8));
    main.publish(serverJson("com.upstream/free", "1.0.0") as never, at(9));
    id = await registerSource({ url: main.base, into: "public" });
    await mirrorUntilCaughtUp(id, 5);
  });

  it("mirrors what is not local", async () => {
    const { status, body } = await versionsOf("com.upstream/free");
    expect(status).toBe(200);
    expect(body.servers.map((s: any) => s.server.version)).toEqual(["1.0.0"]);
  });

  it("leaves local names as they were", async () => {
    expect((await versionsOf("com.local/owned")).body).toEqual(localBefore.owned);
    expect((await versionsOf("com.imported/kept")).body).toEqual(localBefore.kept);
    expect((await versionsOf("com.shared/tool")).body).toEqual(localBefore.shared);
    expect((await versionsOf("com.claimed/secret")).status).toBe(404);
    expect((await versionsOf("com.banned/evil")).status).toBe(404);
    expect((await versionsOf("com.invalid/range")).status).toBe(404);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM server_versions WHERE mirror_source = ?")
      .bind(main.base)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("reports every skip with its reason", async () => {
    const state = await sourceState(id);
    expect(state.counts).toMatchObject({ added: 1, updated: 0, skipped: 7 });
    const reasons = Object.fromEntries(state.recentSkips.map((s: any) => [`${s.name}@${s.version}`, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual([
      "com.banned/evil@1.0.0",
      "com.claimed/secret@1.0.0",
      "com.imported/kept@0.2.0",
      "com.invalid/range@^1.0.0",
      "com.local/owned@1.0.0",
      "com.local/owned@9.0.0",
      "com.shared/tool@2.0.0",
    ]);
    expect(reasons["com.local/owned@9.0.0"]).toMatch(/local names win/);
    expect(reasons["com.imported/kept@0.2.0"]).toMatch(/local names win/);
    expect(reasons["com.shared/tool@2.0.0"]).toMatch(/local names win/);
    expect(reasons["com.claimed/secret@1.0.0"]).toMatch(/reserved for a private registry/);
    expect(reasons["com.banned/evil@1.0.0"]).toMatch(/Malware/);
    expect(reasons["com.invalid/range@^1.0.0"]).toMatch(/range/);
    for (const skip of state.recentSkips) expect(Date.parse(skip.at)).not.toBeNaN();
  });
});
