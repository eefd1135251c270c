// Group members over HTTP: managers and administrators list, add, change and remove them, in the
// canonical member form; a change holds from the next request on in the isolate that made it,
// and every change is one audit row of the group's stream.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  getGroup,
  githubToken,
  groupAudit,
  groupWithMembers,
  listMembers,
  orgAdminToken,
  putMember,
  removeMember,
  uniqueGroupName,
} from "./helpers/groups.ts";
import { api } from "./helpers/registry.ts";

describe("group members", () => {
  it("adds (201), changes (200) and lists members in canonical form", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:boss": "manager" });
    const boss = await githubToken("boss");
    const added = await putMember(name, " GitHub:Alice ", "viewer", boss);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ member: "github:alice", role: "viewer", addedBy: "github-at:boss" });
    const changed = await putMember(name, "github:alice", "publisher", boss);
    expect([changed.status, changed.body.role]).toEqual([200, "publisher"]);
    const same = await putMember(name, "github:alice", "publisher", boss);
    expect([same.status, same.body.addedAt]).toEqual([200, changed.body.addedAt]);
    expect((await putMember(name, "Dev@Example.COM", "viewer", boss)).body.member).toBe("dev@example.com");
    expect((await putMember(name, "idp:Platform Team".replace(" ", "-"), "viewer", boss)).body.member).toBe(
      "idp:Platform-Team",
    );
    const list = await listMembers(name, boss);
    expect(list.status).toBe(200);
    expect(list.body.members.map((m: any) => [m.member, m.role])).toEqual([
      ["dev@example.com", "viewer"],
      ["github:alice", "publisher"],
      ["github:boss", "manager"],
      ["idp:Platform-Team", "viewer"],
    ]);
    expect(list.body.metadata.count).toBe(4);
    const actions = (await groupAudit(name)).map((row) => [row.seq, row.action, row.version]);
    expect(actions).toEqual([
      [1, "group-create", null],
      [2, "member-put", "github:boss"],
      [3, "member-put", "github:alice"],
      [4, "member-put", "github:alice"],
      [5, "member-put", "dev@example.com"],
      [6, "member-put", "idp:Platform-Team"],
    ]);
  });

  it.each([
    ["github%3A", "path.member"],
    ["alice", "path.member"],
    ["github%3Aa%20b", "path.member"],
    ["unknown%3Ax", "path.member"],
  ])("refuses the member %s with 422 at %s", async (member, location) => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const response = await api(`/x/admin/groups/${name}/members/${member}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${await orgAdminToken()}`, "content-type": "application/json" },
      body: JSON.stringify({ role: "viewer" }),
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(422);
    expect(body.errors[0].location).toBe(location);
  });

  it("refuses a bad role with 422", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const { status, body } = await putMember(name, "github:x", "owner");
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      { message: 'expected value to be one of "viewer, publisher, manager"', location: "body.role", value: "owner" },
    ]);
  });

  it("lists members for managers only (403 to viewers and publishers)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:v": "viewer", "github:p": "publisher" });
    expect((await listMembers(name, await githubToken("v"))).status).toBe(403);
    expect((await listMembers(name, await githubToken("p"))).status).toBe(403);
    expect((await listMembers(name, await orgAdminToken())).status).toBe(200);
  });

  it("removes a member (404 when absent), and the removal holds at once", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:leaver": "viewer" });
    const leaver = await githubToken("leaver");
    expect((await getGroup(name, leaver)).status).toBe(200);
    expect((await api(`/groups/${name}/v0/health`, { headers: { authorization: `Bearer ${leaver}` } })).status).toBe(
      200,
    );
    const admin = await orgAdminToken();
    const removed = await removeMember(name, "GITHUB:leaver", admin);
    expect([removed.status, removed.body.member, removed.body.removed]).toEqual([200, "github:leaver", true]);
    expect((await getGroup(name, leaver)).status).toBe(404);
    expect((await api(`/groups/${name}/v0/health`, { headers: { authorization: `Bearer ${leaver}` } })).status).toBe(
      404,
    );
    const again = await removeMember(name, "github:leaver", admin);
    expect([again.status, again.body.detail]).toEqual([404, `github:leaver is not a member of group ${name}`]);
    const last = (await groupAudit(name)).at(-1);
    expect(last).toMatchObject({ action: "member-remove", outcome: "failed", version: "github:leaver" });
  });

  it("caps a group at 10,000 members: a new one is refused (409), a change of role is not", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:one": "viewer" });
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
       INSERT INTO group_members (group_name, member, role, added_at, added_by)
       SELECT ?, 'filler' || i || '@example.com', 'viewer', 1, 'test' FROM n`,
    )
      .bind(name)
      .run();
    const full = await putMember(name, "github:two", "viewer");
    expect([full.status, full.body.detail]).toEqual([409, "A group holds at most 10000 members"]);
    expect((await putMember(name, "github:one", "publisher")).status).toBe(200);
  });
});
