// The denylist and private servers: a global maintainer's entries are organisation-wide and
// sweep (and block) private servers too; a scoped maintainer's never reach a private server at
// all: its reach check ignores them (no 403 revealing one), its sweeps (on add and from the
// cron) leave them, its entries do not block publishes into a group, and no answer of its lists
// a private name.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sweepDenylist } from "../worker/src/cron/sweep-denylist.ts";
import { createWriteGroup, groupPublish, member } from "./helpers/group-writes.ts";
import { adminGet, denylistAdd, denylistRemove, maintainerToken } from "./helpers/moderation.ts";
import { editAll, tokenFor, type Grant } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";

const edit = (...resources: string[]): Grant[] => resources.flatMap(editAll);

let alice: string;

/** The stored status of a version (undefined when absent). */
async function storedStatus(name: string, version = "1.0.0") {
  const row = await env.DB.prepare("SELECT status FROM server_versions WHERE name = ? AND version = ?")
    .bind(name, version)
    .first<{ status: string }>();
  return row?.status;
}

async function privateServer(name: string, extra: Record<string, unknown> = {}) {
  const published = await groupPublish("sec", alice, serverJson(name, "1.0.0", extra));
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}

beforeAll(async () => {
  await createWriteGroup({
    name: "sec",
    namespaces: ["com.priv.sec", "com.priv.case", "com.priv.glob", "com.priv.lift"],
    members: { "github:alice": "publisher" },
  });
  alice = await member("alice");
});

describe("a scoped maintainer's entries and private servers", () => {
  it("neither sweeps nor lists a private server, nor blocks publishing into the group", async () => {
    await privateServer("com.priv.sec/tool");
    const scoped = await tokenFor(edit("com.priv.sec/*", "com.priv.sec.*"), "oidc", "sec-maintainer");
    const server = await denylistAdd(scoped, { kind: "server", value: "com.priv.sec/tool", reason: "Scoped" });
    expect(server.status, JSON.stringify(server.body)).toBe(201);
    expect(server.body.deleted).toEqual({});
    const namespace = await denylistAdd(scoped, { kind: "namespace", value: "com.priv.sec", reason: "Scoped" });
    expect(namespace.status, JSON.stringify(namespace.body)).toBe(201);
    expect(namespace.body.deleted).toEqual({});
    expect(await storedStatus("com.priv.sec/tool")).toBe("active");

    // The cron's sweeps of these entries leave it too; publishing into the group goes on.
    await sweepDenylist(env);
    expect(await storedStatus("com.priv.sec/tool")).toBe("active");
    const next = await groupPublish("sec", alice, serverJson("com.priv.sec/tool", "2.0.0"));
    expect(next.status, JSON.stringify(next.body)).toBe(200);
  });

  it("its reach check ignores private names: no 403 tells one exists under another spelling", async () => {
    // Claims compare the lower-cased namespace: this name belongs to the group.
    await privateServer("Com.Priv.Case/Tool");
    const scoped = await tokenFor(edit("com.priv.case/*", "com.priv.case.*"), "oidc", "case-maintainer");
    const added = await denylistAdd(scoped, { kind: "namespace", value: "com.priv.case", reason: "Scoped" });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.deleted).toEqual({});
    expect(await storedStatus("Com.Priv.Case/Tool")).toBe("active");
  });
});

describe("a global maintainer's entries and private servers", () => {
  it("sweep and block private servers (the denylist is organisation-wide), listing them to the global maintainer", async () => {
    await privateServer("com.priv.glob/tool", {
      remotes: [{ type: "streamable-http", url: "https://bad.example/mcp" }],
    });
    const added = await denylistAdd(await maintainerToken(), {
      kind: "remote-host",
      value: "bad.example",
      reason: "Global",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.deleted).toEqual({ "com.priv.glob/tool": ["1.0.0"] });
    expect(await storedStatus("com.priv.glob/tool")).toBe("deleted");
    const blocked = await groupPublish(
      "sec",
      alice,
      serverJson("com.priv.glob/other", "1.0.0", {
        remotes: [{ type: "streamable-http", url: "https://mcp.bad.example/mcp" }],
      }),
    );
    expect(blocked.status).toBe(403);
    expect(blocked.body.detail).toContain("denylist");
  });
});

describe("a global maintainer's entry that reaches a private server", () => {
  it("is neither listed to nor removable by a scoped maintainer (403), so no scope lifts it from the group", async () => {
    await privateServer("Com.Priv.Lift/Tool");
    const added = await denylistAdd(await maintainerToken(), {
      kind: "namespace",
      value: "com.priv.lift",
      reason: "Org",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const scoped = await tokenFor(edit("com.priv.lift/*", "com.priv.lift.*"), "oidc", "lift-maintainer");
    const listed = await adminGet(scoped, "/x/admin/denylist");
    expect(JSON.stringify(listed.body)).not.toContain("com.priv.lift");
    const removed = await denylistRemove(scoped, { kind: "namespace", value: "com.priv.lift" });
    expect(removed.status).toBe(403);
    const blocked = await groupPublish("sec", alice, serverJson("com.priv.lift/other", "1.0.0"));
    expect(blocked.status).toBe(403);
  });
});
