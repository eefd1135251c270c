// A maintainer page whose read the API refuses answers with that read's status and the API's
// reason as a notice, whichever section it is: the token list, a group's pending approvals, the
// audit trail.
import { beforeAll, describe, expect, it } from "vitest";
import { groupWithMembers, orgAdminToken } from "./helpers/groups.ts";
import { sessionPage } from "./helpers/web-maintain.ts";
import { queryAll, queryOne } from "./helpers/web.ts";

const GROUP = "web-refused-read";

describe("a section whose read the API refuses", () => {
  let admin: string;
  beforeAll(async () => {
    admin = await orgAdminToken();
    await groupWithMembers(GROUP);
  });

  it("answers with the read's status and says why", async () => {
    for (const path of [
      "/maintain/tokens?cursor=bad",
      `/maintain/groups/${GROUP}?pending=bad`,
      `/maintain/groups/${GROUP}?tokens=bad`,
      "/maintain/audit?cursor=zz",
    ]) {
      const page = await sessionPage(path, admin, 422);
      const notices = await queryAll(page.html, ".notice.error");
      expect(notices.length, path).toBeGreaterThan(0);
      expect(notices.map((n) => n.text).join(" "), path).toContain("cursor");
      await queryOne(page.html, "form#sign-out");
    }
  });

  it("answers 200 when every read succeeds", async () => {
    await sessionPage("/maintain/tokens", admin, 200);
    await sessionPage(`/maintain/groups/${GROUP}`, admin, 200);
  });
});
