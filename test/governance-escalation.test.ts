// No privilege escalation: nobody grants a role or mints a token above their own rights,
// managers act in their own groups only, only administrators appoint managers, API tokens never
// mint personal tokens nor carry administrator rights. Refusals of callers who may see the group
// are 403 and audited; a group they may not see stays 404.
import { describe, expect, it } from "vitest";
import {
  createGroup,
  createToken,
  deleteGroup,
  getGroup,
  githubToken,
  groupAudit,
  groupWithMembers,
  listTokens,
  orgAdminToken,
  patchGroup,
  personalToken,
  putMember,
  removeMember,
  uniqueGroupName,
} from "./helpers/groups.ts";

const access = (group: string, role: string) => [{ group, role }];

describe("managers", () => {
  it("may not appoint, change or remove a manager (403, audited as denied)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:m1": "manager", "github:m2": "manager", "github:p": "publisher" });
    const m1 = await githubToken("m1");
    const appoint = await putMember(name, "github:p", "manager", m1);
    expect([appoint.status, appoint.body.detail]).toEqual([
      403,
      "Only an organisation administrator may appoint, change or remove a manager",
    ]);
    expect((await putMember(name, "github:new", "manager", m1)).status).toBe(403);
    expect((await putMember(name, "github:m2", "viewer", m1)).status).toBe(403);
    expect((await removeMember(name, "github:m2", m1)).status).toBe(403);
    expect((await putMember(name, "github:m1", "viewer", m1)).status).toBe(403);
    const denied = (await groupAudit(name)).filter((row) => row.outcome === "denied");
    expect(denied.map((row) => [row.action, row.version])).toEqual([
      ["member-put", "github:p"],
      ["member-put", "github:new"],
      ["member-put", "github:m2"],
      ["member-remove", "github:m2"],
      ["member-put", "github:m1"],
    ]);
    expect(denied[0]!.actorSubject).toBe("m1");
    // Nothing changed.
    expect((await putMember(name, "github:p", "publisher", m1)).status).toBe(200);
  });

  it("may manage viewers and publishers of their own group only", async () => {
    const mine = uniqueGroupName("mine");
    const theirs = uniqueGroupName("theirs");
    const publicOther = uniqueGroupName("pubother");
    await groupWithMembers(mine, { "github:mgr": "manager" });
    await groupWithMembers(theirs, { "github:victim": "viewer" });
    await createGroup({ name: publicOther, visibility: "public" });
    const mgr = await githubToken("mgr");
    expect((await putMember(mine, "github:friend", "publisher", mgr)).status).toBe(201);
    expect((await removeMember(mine, "github:friend", mgr)).status).toBe(200);
    for (const group of [theirs, publicOther]) {
      expect((await putMember(group, "github:mgr", "viewer", mgr)).status).toBe(404);
      expect((await removeMember(group, "github:victim", mgr)).status).toBe(404);
      expect((await patchGroup(group, { title: "mine now" }, mgr)).status).toBe(404);
    }
    expect((await deleteGroup(mine, mgr)).status).toBe(403);
  });

  it("viewers and publishers manage nothing", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:v": "viewer", "github:p": "publisher" });
    for (const login of ["v", "p"]) {
      const token = await githubToken(login);
      const put = await putMember(name, "github:x", "viewer", token);
      expect([put.status, put.body.detail]).toEqual([403, "Managing members requires the manager role in the group"]);
      expect(
        (await createToken({ name: "s", kind: "service", group: name, access: access(name, "viewer") }, token)).status,
      ).toBe(403);
      expect((await listTokens(token, `?group=${name}`)).status).toBe(403);
    }
  });
});

describe("personal tokens (PAT)", () => {
  it("are never minted with another API token (403)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:holder": "manager" });
    const pat = await personalToken("holder", access(name, "manager"));
    const fromPat = await createToken({ name: "again", kind: "personal", access: access(name, "viewer") }, pat.token);
    expect(fromPat.status).toBe(403);
    const vat = await createToken(
      { name: "svc", kind: "service", group: name, access: access(name, "publisher") },
      await githubToken("holder"),
    );
    expect(vat.status).toBe(201);
    const fromVat = await createToken({ name: "p", kind: "personal", access: access(name, "viewer") }, vat.body.token);
    expect(fromVat.status).toBe(403);
    const vatFromVat = await createToken(
      { name: "s", kind: "service", group: name, access: access(name, "viewer") },
      vat.body.token,
    );
    expect([vatFromVat.status, vatFromVat.body.detail]).toEqual([403, "A service token cannot create tokens"]);
  });

  it("never carry more than their person holds: at creation (403) and at every use", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:sam": "publisher" });
    const sam = await githubToken("sam");
    const above = await createToken({ name: "x", kind: "personal", access: access(name, "manager") }, sam);
    expect([above.status, above.body.detail]).toEqual([
      403,
      `You cannot grant manager: you hold publisher in the group (${name})`,
    ]);
    const pat = await personalToken("sam", access(name, "publisher"));
    expect((await getGroup(name, pat.token)).body.access).toBe("publisher");
    // Demoted: the token follows the person down at once.
    await putMember(name, "github:sam", "viewer");
    expect((await getGroup(name, pat.token)).body.access).toBe("viewer");
    // Promoted again: never above what the token was given.
    await putMember(name, "github:sam", "manager");
    expect((await getGroup(name, pat.token)).body.access).toBe("publisher");
    expect((await putMember(name, "github:other", "viewer", pat.token)).status).toBe(403);
  });

  it("refuse groups their person cannot read (404) and carry no administrator rights (403)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const stranger = await createToken(
      { name: "x", kind: "personal", access: access(name, "viewer") },
      await githubToken("nobody"),
    );
    expect(stranger.status).toBe(404);
    const admin = await orgAdminToken("boss@example.test");
    const adminPat = await createToken({ name: "x", kind: "personal", access: access(name, "viewer") }, admin);
    expect([adminPat.status, adminPat.body.detail]).toEqual([
      403,
      `A personal token carries your member roles only, and you hold none in the group (${name})`,
    ]);
    // An administrator who is also a member gets a PAT of that role, never administrator rights.
    await putMember(name, "oidc:boss@example.test", "manager");
    const pat = await createToken({ name: "x", kind: "personal", access: access(name, "manager") }, admin);
    expect(pat.status).toBe(201);
    expect((await createGroup({ name: uniqueGroupName(), visibility: "private" }, pat.body.token)).status).toBe(403);
    expect((await putMember(name, "github:m", "manager", pat.body.token)).status).toBe(403);
    expect((await patchGroup(name, { visibility: "public" }, pat.body.token)).status).toBe(403);
  });
});

describe("service tokens (VAT)", () => {
  it("are minted by managers of their group only, for that group only, at most the minter's access", async () => {
    const mine = uniqueGroupName("mine");
    const other = uniqueGroupName("other");
    await groupWithMembers(mine, { "github:mgr": "manager" });
    await groupWithMembers(other, { "github:mgr": "viewer" });
    const mgr = await githubToken("mgr");
    const forOther = await createToken(
      { name: "s", kind: "service", group: other, access: access(other, "viewer") },
      mgr,
    );
    expect(forOther.status).toBe(403);
    const unreadable = uniqueGroupName("hidden");
    await groupWithMembers(unreadable);
    expect(
      (await createToken({ name: "s", kind: "service", group: unreadable, access: access(unreadable, "viewer") }, mgr))
        .status,
    ).toBe(404);
    const crossGroup = await createToken(
      { name: "s", kind: "service", group: mine, access: access(other, "viewer") },
      mgr,
    );
    expect(crossGroup.status).toBe(422);
    expect(crossGroup.body.errors[0]).toMatchObject({ location: "body.access[0].group", value: other });
    const vat = await createToken({ name: "s", kind: "service", group: mine, access: access(mine, "publisher") }, mgr);
    expect(vat.status).toBe(201);
    // Bound to its group: nothing anywhere else, not even where its minter has a role.
    expect((await getGroup(other, vat.body.token)).status).toBe(404);
    expect((await getGroup(mine, vat.body.token)).body.access).toBe("publisher");
    // A manager-level service token (an administrator's) still cannot appoint managers.
    const managerVat = await createToken(
      { name: "ops", kind: "service", group: mine, access: access(mine, "manager") },
      await orgAdminToken(),
    );
    expect((await putMember(mine, "github:x", "manager", managerVat.body.token)).status).toBe(403);
  });

  it("may be minted with a personal token only while it holds manager, and never above it", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:lead": "manager" });
    const weak = await personalToken("lead", access(name, "publisher"));
    const refused = await createToken(
      { name: "s", kind: "service", group: name, access: access(name, "viewer") },
      weak.token,
    );
    expect([refused.status, refused.body.detail]).toEqual([
      403,
      "Creating service tokens requires the manager role in the group",
    ]);
    const strong = await personalToken("lead", access(name, "manager"));
    const vat = await createToken(
      { name: "s", kind: "service", group: name, access: access(name, "publisher") },
      strong.token,
    );
    expect(vat.status).toBe(201);
    const audit = await groupAudit(name);
    expect(audit.filter((row) => row.action === "token-create").map((row) => row.outcome)).toEqual(["denied", "ok"]);
  });
});
