// Changing stored servers through views: under /groups/{group}/ the group's publishers change the
// status of its own servers and its managers edit them; at the root a group's private server is
// as absent as a missing one, for everyone (organisation administrators included), and so it is
// for reports.
import { beforeAll, describe, expect, it } from "vitest";
import { report } from "./helpers/moderation.ts";
import {
  auditRows,
  createWriteGroup,
  editAt,
  groupPublish,
  member,
  orgAdmin,
  statusAt,
} from "./helpers/group-writes.ts";
import { editAll, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { official, serverJson } from "./helpers/registry.ts";

const PRIVATE = "com.acme.internal/tool";
const PUBLIC = "com.example.public/tool";
const G = "/groups/dev-mcps";

beforeAll(async () => {
  await createWriteGroup({
    name: "dev-mcps",
    namespaces: ["com.acme.internal"],
    include: ["com.example.public/*"],
    members: { "github:alice": "publisher", "github:victor": "viewer", "github:mona": "manager" },
  });
  await createWriteGroup({
    name: "other-team",
    namespaces: ["com.other.secret"],
    members: { "github:otto": "manager" },
  });
  const alice = await member("alice");
  const published = [
    await groupPublish("dev-mcps", alice, serverJson(PRIVATE, "1.0.0")),
    await groupPublish("dev-mcps", alice, serverJson(PRIVATE, "2.0.0")),
    await groupPublish("other-team", await member("otto"), serverJson("com.other.secret/tool", "1.0.0")),
    await publish(await tokenFor(publishAll("com.example.public/*")), serverJson(PUBLIC, "1.0.0")),
  ];
  for (const result of published) expect(result.status, JSON.stringify(result.body)).toBe(200);
});

describe("status changes through a group", () => {
  it("a publisher changes one version's and every version's status of the group's own server", async () => {
    const alice = await member("alice");
    const one = await statusAt(G, alice, PRIVATE, "1.0.0", { status: "deprecated", statusMessage: "use 2" });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(official(one.body)).toMatchObject({ status: "deprecated", statusMessage: "use 2" });
    const all = await statusAt(G, alice, PRIVATE, undefined, { status: "active" });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.updatedCount).toBe(1);
    expect((await auditRows("com.acme.internal")).at(-1)).toMatchObject({ action: "status-all", outcome: "ok" });
  });

  it("a viewer is refused 403", async () => {
    const refused = await statusAt(G, await member("victor"), PRIVATE, "1.0.0", { status: "deprecated" });
    expect(refused.status).toBe(403);
  });

  it("another group's server is a missing server; a public one the group includes is 403", async () => {
    const alice = await member("alice");
    const other = await statusAt(G, alice, "com.other.secret/tool", "1.0.0", { status: "deleted" });
    const missing = await statusAt(G, alice, "com.acme.internal/none", "1.0.0", { status: "deleted" });
    expect(other.status).toBe(404);
    expect(other.body.detail).toBe("Server version not found");
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe("Server version not found");
    const included = await statusAt(G, alice, PUBLIC, "1.0.0", { status: "deleted" });
    expect(included.status).toBe(403);
    // Even an administrator cannot reach another group's server through this group.
    const admin = await statusAt(G, await orgAdmin(), "com.other.secret/tool", undefined, { status: "deleted" });
    expect(admin.status).toBe(404);
    expect(admin.body.detail).toBe("Server not found");
  });
});

describe("a private server at the public routes", () => {
  it("is not found by status changes, for organisation administrators too, exactly like a missing one", async () => {
    const admin = await orgAdmin();
    const everything = await tokenFor([...publishAll("*"), ...editAll("*")]);
    for (const token of [admin, everything]) {
      const version = await statusAt("", token, PRIVATE, "1.0.0", { status: "deleted" });
      const missingVersion = await statusAt("", token, "com.acme.internal/none", "1.0.0", { status: "deleted" });
      expect(version.status).toBe(404);
      expect(version.body).toEqual(missingVersion.body);
      const all = await statusAt("", token, PRIVATE, undefined, { status: "deleted" });
      const missingAll = await statusAt("", token, "com.acme.internal/none", undefined, { status: "deleted" });
      expect(all.status).toBe(404);
      expect(all.body).toEqual(missingAll.body);
    }
  });

  it("is not found by edits, for organisation administrators too, exactly like a missing one", async () => {
    const admin = await orgAdmin();
    const edited = await editAt("", admin, PRIVATE, "1.0.0", serverJson(PRIVATE, "1.0.0", { title: "x" }));
    const missing = await editAt(
      "",
      admin,
      "com.acme.internal/none",
      "1.0.0",
      serverJson("com.acme.internal/none", "1.0.0"),
    );
    expect(edited.status).toBe(404);
    expect(edited.body).toEqual(missing.body);
    // Without any permission the answers are equal too (the miss comes first).
    const nobody = await tokenFor([]);
    const a = await editAt("", nobody, PRIVATE, "1.0.0", serverJson(PRIVATE, "1.0.0"));
    const b = await editAt(
      "",
      nobody,
      "com.acme.internal/none",
      "1.0.0",
      serverJson("com.acme.internal/none", "1.0.0"),
    );
    expect(a.status).toBe(404);
    expect(a.body).toEqual(b.body);
  });

  it("cannot be reported: 404 as if absent", async () => {
    const server = await report({ name: PRIVATE, reason: "spam" }, { ip: "198.51.100.7" });
    const missing = await report({ name: "com.acme.internal/none", reason: "spam" }, { ip: "198.51.100.8" });
    expect(server.status).toBe(404);
    expect(server.body).toEqual(missing.body);
    const version = await report({ name: PRIVATE, version: "1.0.0", reason: "spam" }, { ip: "198.51.100.9" });
    expect(version.status).toBe(404);
    expect(version.body.detail).toBe("Server version not found");
    expect((await report({ name: PUBLIC, reason: "spam" }, { ip: "198.51.100.10" })).status).toBe(201);
  });
});

describe("edits through a group", () => {
  it("a manager edits the group's own version; a publisher is refused 403", async () => {
    const edited = serverJson(PRIVATE, "2.0.0", { title: "Edited" });
    const byPublisher = await editAt(G, await member("alice"), PRIVATE, "2.0.0", edited);
    expect(byPublisher.status).toBe(403);
    const byManager = await editAt(G, await member("mona"), PRIVATE, "2.0.0", edited);
    expect(byManager.status, JSON.stringify(byManager.body)).toBe(200);
    expect(byManager.body.server).toEqual(edited);
    expect((await auditRows("com.acme.internal")).at(-1)).toMatchObject({
      action: "edit",
      outcome: "ok",
      actor_subject: "mona",
    });
  });

  it("another group's server and a missing version are not found; the body must match the path", async () => {
    const mona = await member("mona");
    const other = await editAt(G, mona, "com.other.secret/tool", "1.0.0", serverJson("com.other.secret/tool", "1.0.0"));
    expect(other.status).toBe(404);
    expect(other.body.detail).toBe("Server not found");
    const missing = await editAt(G, mona, PRIVATE, "9.9.9", serverJson(PRIVATE, "9.9.9"));
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe("Server not found");
    const renamed = await editAt(G, mona, PRIVATE, "2.0.0", serverJson("com.acme.internal/other", "2.0.0"));
    expect(renamed.status).toBe(400);
    expect(renamed.body.detail).toBe("Cannot rename server");
  });
});
