// The denylist: a new entry deletes every matching version (mirrors syncing with updated_since
// see the deletions), removes them from every read path at once, and refuses publishing and
// restoring matches with 403; removing it unblocks publishing and restores nothing.
import { describe, expect, it } from "vitest";
import { auditOf, denylistAdd, denylistRemove, maintainerToken, adminGet } from "./helpers/moderation.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor, withRemote } from "./helpers/publishing.ts";
import { env } from "cloudflare:workers";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { MODERATION_STREAM } from "../worker/src/domain/denylist.ts";

const enc = encodeURIComponent;

/** Whether `name` still shows on any public read path. */
async function visibleOn(name: string) {
  const list = await apiJson(`/v0.1/servers?search=${enc(name)}`);
  const latestList = await apiJson(`/v0.1/servers?version=latest&search=${enc(name)}`);
  const versions = await apiJson(`/v0.1/servers/${enc(name)}/versions`);
  const detail = await apiJson(`/v0.1/servers/${enc(name)}/versions/1.0.0`);
  const latest = await apiJson(`/v0.1/servers/${enc(name)}/versions/latest`);
  const search = await apiJson(`/x/search?q=${enc(name)}&limit=50`);
  return {
    list: list.body.servers.some((s: any) => s.server.name === name),
    latestList: latestList.body.servers.some((s: any) => s.server.name === name),
    versions: versions.status === 200,
    detail: detail.status === 200,
    latest: latest.status === 200,
    search: search.body.results.some((r: any) => r.server.name === name),
  };
}

const everywhere = { list: true, latestList: true, versions: true, detail: true, latest: true, search: true };
const nowhere = { list: false, latestList: false, versions: false, detail: false, latest: false, search: false };

describe("denylist entries", async () => {
  const publisher = await tokenFor(publishAll("*").concat(editAll("*")));
  const admin = await maintainerToken();

  it.each([
    [
      "namespace",
      "com.deny-ns",
      () => [serverJson("com.deny-ns/alpha", "1.0.0"), serverJson("com.deny-ns.sub/beta", "1.0.0")],
      "com.deny-ns/gamma",
    ],
    ["server", "com.deny-server/bad", () => [serverJson("com.deny-server/bad", "1.0.0")], "com.deny-server/bad"],
    [
      "remote-host",
      "evil-host.example",
      () => [withRemote("com.deny-host/remote", "1.0.0", "https://mcp.evil-host.example/mcp")],
      "com.deny-host2/remote",
    ],
    [
      "package",
      "oci:ghcr.io/evil/mcp",
      () => [
        serverJson("com.deny-pkg/pkg", "1.0.0", {
          packages: [{ registryType: "oci", identifier: "ghcr.io/evil/mcp:1.2", transport: { type: "stdio" } }],
        }),
      ],
      "com.deny-pkg2/pkg",
    ],
  ] as const)(
    "%s: deletes matches everywhere, refuses republishing, and unblocks when removed",
    async (kind, value, servers, other) => {
      const since = new Date(Date.now() - 1000).toISOString();
      const published = servers();
      for (const s of published) expect((await publish(publisher, s)).body).toMatchObject({ server: { name: s.name } });
      const names = published.map((s) => s.name as string);
      for (const name of names) expect(await visibleOn(name)).toEqual(everywhere);

      const added = await denylistAdd(admin, { kind, value, reason: "Malware distribution" });
      expect(added.status).toBe(201);
      expect(Object.keys(added.body.deleted).sort()).toEqual([...names].sort());

      for (const name of names) {
        expect(await visibleOn(name)).toEqual(nowhere);
        // Mirrors that sync incrementally see the removal, with the moderation reason.
        const sync = await apiJson(`/v0.1/servers?updated_since=${enc(since)}&search=${enc(name)}`);
        const item = sync.body.servers.find((s: any) => s.server.name === name);
        expect(official(item).status).toBe("deleted");
        expect(official(item).statusMessage).toContain("Malware distribution");
        expect((await auditOf(name.split("/")[0]!)).at(-1)).toMatchObject({
          action: "denylist-sweep",
          name,
          outcome: "ok",
        });
      }

      // Republishing a match (or a new server that matches) is refused with the reason.
      const blocked = { ...published[0]!, name: other, version: "2.0.0" };
      const refused = await publish(publisher, blocked);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain("Malware distribution");
      expect((await auditOf(other.split("/")[0]!)).at(-1)).toMatchObject({ action: "publish", outcome: "denied" });
      // Restoring a removed version is refused too.
      expect((await patchStatus(publisher, names[0]!, "1.0.0", { status: "active" })).status).toBe(403);

      const removed = await denylistRemove(admin, { kind, value });
      expect(removed.status).toBe(200);
      expect((await publish(publisher, blocked)).status).toBe(200);
      // Nothing comes back by itself.
      expect((await visibleOn(names[0]!)).versions).toBe(names[0] === other);
    },
  );

  it("applies to imports too: mirrored entries that match are rejected with the reason", async () => {
    expect(
      (await denylistAdd(admin, { kind: "namespace", value: "com.deny-import", reason: "Typosquatting" })).status,
    ).toBe(201);
    const report = await importEntries(env, [
      { source: "mirror:1", server: serverJson("com.deny-import/clone", "1.0.0") },
      { source: "mirror:2", server: serverJson("com.allowed-import/tool", "1.0.0") },
    ]);
    expect(report.inserted).toBe(1);
    expect(report.rejected).toEqual([
      {
        source: "mirror:1",
        name: "com.deny-import/clone",
        version: "1.0.0",
        reasons: [expect.stringContaining("Typosquatting")],
      },
    ]);
  });

  it("refuses duplicates (409), unknown kinds and bad values (422), and removing what is not there (404)", async () => {
    expect((await denylistAdd(admin, { kind: "server", value: "com.dup/x", reason: "r" })).status).toBe(201);
    expect((await denylistAdd(admin, { kind: "server", value: "COM.DUP/X", reason: "r" })).status).toBe(409);
    expect((await denylistAdd(admin, { kind: "user", value: "x", reason: "r" })).status).toBe(422);
    expect(
      (await denylistAdd(admin, { kind: "remote-host", value: "https://x.example/mcp", reason: "r" })).status,
    ).toBe(422);
    expect((await denylistAdd(admin, { kind: "server", value: "no-slash", reason: "r" })).status).toBe(422);
    expect((await denylistAdd(admin, { kind: "server", value: "com.x/y" })).status).toBe(422);
    expect((await denylistRemove(admin, { kind: "server", value: "com.never/x" })).status).toBe(404);
  });

  it("lets a scoped maintainer manage entries inside their namespace only", async () => {
    // A namespace entry also covers the namespaces below it: the scope must cover them too.
    const scoped = await tokenFor(editAll("com.deny-scope/*").concat(editAll("com.deny-scope.*")), "oidc", "scoped");
    expect((await denylistAdd(scoped, { kind: "server", value: "com.deny-scope/x", reason: "r" })).status).toBe(201);
    expect((await denylistAdd(scoped, { kind: "namespace", value: "com.deny-scope", reason: "r" })).status).toBe(201);
    expect((await denylistAdd(scoped, { kind: "server", value: "com.other-scope/x", reason: "r" })).status).toBe(403);
    expect((await denylistAdd(scoped, { kind: "remote-host", value: "x.example", reason: "r" })).status).toBe(403);
    expect(
      (await denylistAdd(publisher.replace(/./, "x"), { kind: "server", value: "com.x/y", reason: "r" })).status,
    ).toBe(401);
    const listed = await adminGet(scoped, "/x/admin/denylist");
    expect(listed.body.entries.map((e: any) => e.value).sort()).toEqual(["com.deny-scope", "com.deny-scope/x"]);
    expect((await auditOf(MODERATION_STREAM)).some((e) => e.outcome === "denied" && e.actorSubject === "scoped")).toBe(
      true,
    );
  });
});
