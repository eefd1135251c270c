// Form fields that go into API paths (a member, a pending server and version, a token id) cannot
// name another API path: "." and ".." (which encoding leaves alone and the URL parser folds away)
// and empty values are refused with 422 before the API is called, and nothing changes.
import { beforeAll, describe, expect, it } from "vitest";
import { groupWithMembers, listMembers, listTokens, orgAdminToken } from "./helpers/groups.ts";
import { sessionPost } from "./helpers/web-maintain.ts";
import { visibleText } from "./helpers/web.ts";

const GROUP = "web-dots";
const PAGE = `/maintain/groups/${GROUP}`;
const DOTS = [".", ".."];

describe("form fields naming a path segment", () => {
  let admin: string;
  beforeAll(async () => {
    admin = await orgAdminToken();
    await groupWithMembers(GROUP, { "github:dora": "viewer" });
  });

  async function expectRefused(path: string, fields: Record<string, string>): Promise<void> {
    const page = await sessionPost(path, admin, fields);
    expect(page.status, `${path} ${JSON.stringify(fields)}`).toBe(422);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(visibleText(page.html)).toMatch(/must not be empty, "\." or "\.\."/);
  }

  it("refuses a member of . or .. (adding or removing), leaving the members as they were", async () => {
    const before = (await listMembers(GROUP, admin)).body.members;
    for (const member of [...DOTS, ""]) {
      await expectRefused(`${PAGE}/members/remove`, { member });
      await expectRefused(`${PAGE}/members`, { member, role: "viewer" });
      await expectRefused(`/groups/${GROUP}${PAGE}/members/remove`, { member });
    }
    expect((await listMembers(GROUP, admin)).body.members).toEqual(before);
  });

  it("refuses a pending server or version of . or ..", async () => {
    for (const dots of DOTS) {
      await expectRefused(`${PAGE}/pending`, { name: dots, version: "1.0.0", decision: "approve" });
      await expectRefused(`${PAGE}/pending`, { name: "com.web-dots/tool", version: dots, decision: "reject" });
    }
  });

  it("refuses a token id of . or .., revoking nothing", async () => {
    const before = (await listTokens(admin)).body;
    for (const id of [...DOTS, ""]) {
      await expectRefused("/maintain/tokens/revoke", { id });
      await expectRefused(`${PAGE}/tokens/revoke`, { id });
    }
    expect((await listTokens(admin)).body).toEqual(before);
  });
});
