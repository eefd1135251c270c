// A service token outlives its creator's membership, so a manager may mint one of at most
// `publisher`: a manager-level service token would keep managing the group (adding publishers,
// deciding approvals, revoking its tokens) after the manager was removed, which only an
// organisation administrator may allow. Refusals are 403 and audited in the group's stream.
import { describe, expect, it } from "vitest";
import {
  createToken,
  getGroup,
  githubToken,
  groupAudit,
  groupWithMembers,
  orgAdminToken,
  personalToken,
  putMember,
  removeMember,
  uniqueGroupName,
} from "./helpers/groups.ts";

const access = (group: string, role: string) => [{ group, role }];
const MANAGER_VAT_REFUSAL = "Only an organisation administrator may create a service token with the manager role";

describe("service tokens minted by a manager", () => {
  it("are refused with the manager role (403, audited), through a sign-in and through a PAT", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:lead": "manager" });
    const viaSignIn = await createToken(
      { name: "s", kind: "service", group: name, access: access(name, "manager") },
      await githubToken("lead"),
    );
    expect([viaSignIn.status, viaSignIn.body.detail]).toEqual([403, MANAGER_VAT_REFUSAL]);
    const pat = await personalToken("lead", access(name, "manager"));
    const viaPat = await createToken(
      { name: "s", kind: "service", group: name, access: access(name, "manager") },
      pat.token,
    );
    expect([viaPat.status, viaPat.body.detail]).toEqual([403, MANAGER_VAT_REFUSAL]);
    const denied = (await groupAudit(name)).filter((row) => row.action === "token-create");
    expect(denied.map((row) => [row.outcome, row.actorMethod, row.actorSubject])).toEqual([
      ["denied", "github-at", "lead"],
      ["denied", "pat", "github-at:lead"],
    ]);
  });

  it("hold at most publisher, and manage nothing once their creator is gone", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:leaving": "manager" });
    const vat = await createToken(
      { name: "deploy", kind: "service", group: name, access: access(name, "publisher") },
      await githubToken("leaving"),
    );
    expect(vat.status).toBe(201);
    expect((await removeMember(name, "github:leaving", await orgAdminToken())).status).toBe(200);
    expect((await getGroup(name, vat.body.token)).body.access).toBe("publisher");
    const added = await putMember(name, "github:friend", "publisher", vat.body.token);
    expect([added.status, added.body.detail]).toEqual([403, "Managing members requires the manager role in the group"]);
  });
});

describe("service tokens minted by an organisation administrator", () => {
  it("may carry the manager role", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const vat = await createToken(
      { name: "ops", kind: "service", group: name, access: access(name, "manager") },
      await orgAdminToken(),
    );
    expect(vat.status).toBe(201);
    expect((await getGroup(name, vat.body.token)).body.access).toBe("manager");
    expect((await putMember(name, "github:new", "publisher", vat.body.token)).status).toBe(201);
  });
});
