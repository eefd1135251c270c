// Publishing into a group that requires approval: the version is checked like a publish, stored
// pending (202) and invisible to every catalogue read, listed to the group's managers, and then
// approved (published in the batch that drops the pending row, audited "approve" by the manager
// and "publish" by the submitter) or rejected (dropped, audited with the message).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import {
  configureGroup,
  createWriteGroup,
  decide,
  groupPublish,
  listPendingOf,
  member,
  orgAdmin,
  storedGroups,
} from "./helpers/group-writes.ts";
import { api, serverJson } from "./helpers/registry.ts";

const GROUP = "prod-mcps";
const NS = "com.acme.prod";
const APPROVAL = "dev.mcp-registry-workers/approval";
const OFFICIAL = "io.modelcontextprotocol.registry/official";

const pendingRows = async (name: string) =>
  (
    await env.DB.prepare(
      "SELECT version, group_name, submitted_by FROM pending_versions WHERE name = ? ORDER BY version",
    )
      .bind(name)
      .all()
  ).results;

beforeAll(async () => {
  await createWriteGroup({
    name: GROUP,
    visibility: "public",
    namespaces: [NS],
    requireApproval: true,
    members: { "github:alice": "publisher", "github:victor": "viewer", "github:mona": "manager" },
  });
  await createWriteGroup({ name: "elsewhere", namespaces: ["com.elsewhere"], members: { "github:otto": "manager" } });
});

describe("submitting", () => {
  it("answers 202 with the server.json and its pending state; nothing is published", async () => {
    const server = serverJson(`${NS}/first`, "1.0.0");
    const submitted = await groupPublish(GROUP, await member("alice"), server);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    expect(submitted.body.server).toEqual(server);
    const approval = submitted.body._meta[APPROVAL];
    expect(approval).toEqual({ state: "pending", group: GROUP, submittedAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(approval.submittedAt))).toBe(false);
    expect(submitted.body._meta[OFFICIAL]).toBeUndefined();

    expect((await storedGroups(`${NS}/first`)).versions).toEqual([]);
    expect(await pendingRows(`${NS}/first`)).toEqual([
      { version: "1.0.0", group_name: GROUP, submitted_by: "github-at:alice" },
    ]);
    // No catalogue read shows it, in the group or at the root.
    for (const path of [
      `/groups/${GROUP}/v0/servers/${encodeURIComponent(`${NS}/first`)}/versions/1.0.0`,
      `/v0/servers/${encodeURIComponent(`${NS}/first`)}/versions/1.0.0`,
    ]) {
      expect((await api(path)).status, path).toBe(404);
    }
    const listed = await (await api(`/groups/${GROUP}/v0/servers?search=first`)).json<any>();
    expect(listed.servers).toEqual([]);
    const audit = await listStream(env.DB, NS);
    expect(audit.at(-1)).toMatchObject({ action: "submit", name: `${NS}/first`, version: "1.0.0", outcome: "ok" });
  });

  it("refuses a version already pending (409) and checks like a publish", async () => {
    const alice = await member("alice");
    const again = await groupPublish(GROUP, alice, serverJson(`${NS}/first`, "1.0.0"));
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ message: `${NS}/first@1.0.0 is already awaiting approval` }]);
    const viewer = await groupPublish(GROUP, await member("victor"), serverJson(`${NS}/v`, "1.0.0"));
    expect(viewer.status).toBe(403);
    const outside = await groupPublish(GROUP, alice, serverJson("com.elsewhere/tool", "1.0.0"));
    expect(outside.status).toBe(403);
    expect(outside.body.errors).toEqual([{ message: `namespace com.elsewhere is not claimed by group ${GROUP}` }]);
  });
});

describe("the pending list", () => {
  it("is the managers' (and administrators'): oldest first, paged", async () => {
    const alice = await member("alice");
    for (const name of ["b-second", "a-third"]) {
      expect((await groupPublish(GROUP, alice, serverJson(`${NS}/${name}`, "1.0.0"))).status).toBe(202);
    }
    const mona = await member("mona");
    const all = await listPendingOf(GROUP, mona);
    expect(all.status).toBe(200);
    expect(all.body.pending.map((p: any) => p.server.name)).toEqual([`${NS}/first`, `${NS}/b-second`, `${NS}/a-third`]);
    expect(all.body.pending[0]._meta[APPROVAL]).toMatchObject({
      state: "pending",
      group: GROUP,
      submittedBy: "github-at:alice",
    });
    expect(all.body.metadata).toEqual({ count: 3 });

    const first = await listPendingOf(GROUP, mona, "?limit=2");
    expect(first.body.pending).toHaveLength(2);
    expect(first.body.metadata.nextCursor).toEqual(expect.any(String));
    const second = await listPendingOf(GROUP, mona, `?limit=2&cursor=${first.body.metadata.nextCursor}`);
    expect(second.body.pending.map((p: any) => p.server.name)).toEqual([`${NS}/a-third`]);
    expect(second.body.metadata).toEqual({ count: 1 });

    expect((await listPendingOf(GROUP, await orgAdmin())).body.pending).toHaveLength(3);
    expect((await listPendingOf(GROUP, mona, "?cursor=%%%")).status).toBe(422);
  });

  it("pages past a version that is not Latin-1 text (cursors are UTF-8)", async () => {
    const alice = await member("alice");
    const name = `${NS}/unicode-versions`;
    for (const version of ["1.0.0-β", "1.0.0-γ"]) {
      expect((await groupPublish(GROUP, alice, serverJson(name, version))).status).toBe(202);
    }
    const mona = await member("mona");
    const all = (await listPendingOf(GROUP, mona)).body.pending.map((p: any) => `${p.server.name}@${p.server.version}`);
    const seen: string[] = [];
    let cursor = "";
    do {
      const page = await listPendingOf(GROUP, mona, `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.pending.map((p: any) => `${p.server.name}@${p.server.version}`));
      cursor = page.body.metadata.nextCursor ?? "";
    } while (cursor !== "");
    expect(seen).toEqual(all);
    for (const version of ["1.0.0-β", "1.0.0-γ"]) {
      expect((await decide(GROUP, mona, name, version, { decision: "reject" })).status).toBe(200);
    }
  });

  it("answers 403 to publishers and viewers, 404 to strangers and other groups' managers, 401 without a token", async () => {
    expect((await listPendingOf(GROUP, await member("alice"))).status).toBe(403);
    expect((await listPendingOf(GROUP, await member("victor"))).status).toBe(403);
    const stranger = await listPendingOf(GROUP, await member("stranger"));
    const missing = await listPendingOf("no-such-group", await member("stranger"));
    expect(stranger.status).toBe(404);
    expect(stranger.body).toEqual(missing.body);
    expect((await listPendingOf(GROUP, await member("otto"))).status).toBe(404);
    expect((await api(`/x/admin/groups/${GROUP}/pending`)).status).toBe(401);
  });
});

describe("deciding", () => {
  it("approve publishes the stored server.json in one batch with the manager's and the submitter's audit rows", async () => {
    const mona = await member("mona");
    const before = (await listStream(env.DB, NS)).length;
    const approved = await decide(GROUP, mona, `${NS}/first`, "1.0.0", { decision: "approve", message: "looks good" });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.server).toEqual(serverJson(`${NS}/first`, "1.0.0"));
    expect(approved.body._meta[OFFICIAL]).toMatchObject({ status: "active", isLatest: true });
    expect(await storedGroups(`${NS}/first`)).toEqual({
      versions: [{ version: "1.0.0", group_name: GROUP }],
      summary: { group_name: GROUP, version_count: 1 },
    });
    expect(await pendingRows(`${NS}/first`)).toEqual([]);
    const audit = await listStream(env.DB, NS);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(audit.slice(before)).toMatchObject([
      { action: "approve", actorMethod: "github-at", actorSubject: "mona", outcome: "ok", name: `${NS}/first` },
      { action: "publish", actorMethod: "github-at", actorSubject: "alice", outcome: "ok", name: `${NS}/first` },
    ]);
    // Readable through the group now, and the same answer as the approval's.
    const read = await api(`/groups/${GROUP}/v0/servers/${encodeURIComponent(`${NS}/first`)}/versions/1.0.0`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(approved.body);
    // Decided once: a second decision finds nothing pending.
    const twice = await decide(GROUP, mona, `${NS}/first`, "1.0.0", { decision: "approve" });
    expect(twice.status).toBe(404);
  });

  it("reject drops the pending version with the message in the audit trail", async () => {
    const rejected = await decide(GROUP, await member("mona"), `${NS}/b-second`, "1.0.0", {
      decision: "reject",
      message: "not reviewed",
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({ name: `${NS}/b-second`, version: "1.0.0", decision: "reject" });
    expect(await pendingRows(`${NS}/b-second`)).toEqual([]);
    expect((await storedGroups(`${NS}/b-second`)).versions).toEqual([]);
    expect((await listStream(env.DB, NS)).at(-1)).toMatchObject({
      action: "reject",
      actorSubject: "mona",
      outcome: "ok",
      reason: "not reviewed",
    });
  });

  it("only managers decide; unknown, other groups' and malformed decisions change nothing", async () => {
    const name = `${NS}/a-third`;
    expect((await decide(GROUP, await member("alice"), name, "1.0.0", { decision: "approve" })).status).toBe(403);
    expect((await decide(GROUP, await member("otto"), name, "1.0.0", { decision: "approve" })).status).toBe(404);
    expect((await decide("elsewhere", await member("otto"), name, "1.0.0", { decision: "approve" })).status).toBe(404);
    expect((await decide(GROUP, await member("mona"), name, "9.9.9", { decision: "approve" })).status).toBe(404);
    expect((await decide(GROUP, await member("mona"), name, "1.0.0", { decision: "maybe" })).status).toBe(422);
    expect(await pendingRows(name)).toHaveLength(1);
  });

  it("approving a version published meanwhile is refused as a duplicate; the pending row stays to be rejected", async () => {
    const name = `${NS}/a-third`;
    await configureGroup(GROUP, { requireApproval: false });
    expect(
      (await groupPublish(GROUP, await member("alice"), serverJson(name, "1.0.0", { title: "direct" }))).status,
    ).toBe(200);
    await configureGroup(GROUP, { requireApproval: true });
    const mona = await member("mona");
    const refused = await decide(GROUP, mona, name, "1.0.0", { decision: "approve" });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toContain("cannot publish duplicate version");
    expect(await pendingRows(name)).toHaveLength(1);
    expect((await listStream(env.DB, NS)).at(-1)).toMatchObject({ action: "approve", outcome: "failed" });
    expect((await decide(GROUP, mona, name, "1.0.0", { decision: "reject" })).status).toBe(200);
  });

  it("a submission of an already published version is refused like a duplicate publish", async () => {
    const dup = await groupPublish(GROUP, await member("alice"), serverJson(`${NS}/first`, "1.0.0"));
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0].message).toContain("cannot publish duplicate version");
  });

  it("approval checks the group's admission policy as it is now; a refused one stays pending", async () => {
    const name = `${NS}/policy-later`;
    const remotes = [{ type: "streamable-http", url: "https://mcp.acme.example/x" }];
    expect((await groupPublish(GROUP, await member("alice"), serverJson(name, "1.0.0", { remotes }))).status).toBe(202);
    await configureGroup(GROUP, { policy: { remoteHosts: ["mcp.other.example"] } });
    await new Promise((resolve) => setTimeout(resolve, 600)); // the governance cache's TTL
    const mona = await member("mona");
    const refused = await decide(GROUP, mona, name, "1.0.0", { decision: "approve" });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toContain("mcp.acme.example");
    expect(await pendingRows(name)).toHaveLength(1);
    await configureGroup(GROUP, { policy: null });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await decide(GROUP, mona, name, "1.0.0", { decision: "approve" })).status).toBe(200);
  });

  it("a pending row can only be stored for the group that claims its namespace (D1 trigger)", async () => {
    const insert = (name: string) =>
      env.DB.prepare(
        "INSERT INTO pending_versions (name, version, group_name, server_json, submitted_at, submitted_by) VALUES (?, '9.9.9', ?, '{}', 1, 'x')",
      )
        .bind(name, GROUP)
        .run();
    await expect(insert("com.unclaimed.ns/x")).rejects.toThrow(/namespace claim changed/);
    await expect(insert("com.elsewhere/x")).rejects.toThrow(/namespace claim changed/);
  });
});

describe("the queue's bounds", () => {
  const BOUNDED = "bounded";
  /** `count` pending versions of `name` (or of `count` names `<name>-<i>`), straight into D1. */
  const fill = (name: string, count: number, manyNames: boolean) =>
    env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?3)
       INSERT INTO pending_versions (name, version, group_name, server_json, submitted_at, submitted_by)
       SELECT CASE WHEN ?4 THEN ?1 || '-' || i ELSE ?1 END, '0.0.' || i, ?2, '{}', i, 'github-at:alice' FROM n`,
    )
      .bind(name, BOUNDED, count, manyNames ? 1 : 0)
      .run();

  it("holds at most 100 versions of one name and 1,000 in one group (409, nothing stored)", async () => {
    await createWriteGroup({
      name: BOUNDED,
      namespaces: ["com.bounded.one", "com.bounded.many"],
      requireApproval: true,
      members: { "github:alice": "publisher", "github:mona": "manager" },
    });
    const alice = await member("alice");
    await fill("com.bounded.one/tool", 100, false);
    const perName = await groupPublish(BOUNDED, alice, serverJson("com.bounded.one/tool", "1.0.0"));
    expect(perName.status).toBe(409);
    expect(perName.body.errors).toEqual([
      {
        message:
          "too many versions of com.bounded.one/tool awaiting approval (at most 100): a manager must decide on some first",
      },
    ]);
    // A decision makes room.
    expect(
      (await decide(BOUNDED, await member("mona"), "com.bounded.one/tool", "0.0.1", { decision: "reject" })).status,
    ).toBe(200);
    expect((await groupPublish(BOUNDED, alice, serverJson("com.bounded.one/tool", "1.0.0"))).status).toBe(202);

    await fill("com.bounded.many/tool", 900, true); // 100 + 900 in the group
    const perGroup = await groupPublish(BOUNDED, alice, serverJson("com.bounded.many/new", "1.0.0"));
    expect(perGroup.status).toBe(409);
    expect(perGroup.body.errors).toEqual([
      {
        message: `too many versions awaiting approval in group ${BOUNDED} (at most 1000): a manager must decide on some first`,
      },
    ]);
    expect(await pendingRows("com.bounded.many/new")).toEqual([]);
    expect((await listStream(env.DB, "com.bounded.many")).at(-1)).toMatchObject({
      action: "submit",
      name: "com.bounded.many/new",
      outcome: "failed",
    });
  });
});
