// What a signed-in caller without the rights sees: each section the API refuses it is a clear
// notice with the API's reason and status, never the data; what it may do still works.
import { beforeAll, describe, expect, it } from "vitest";
import { githubToken } from "./helpers/groups.ts";
import { maintainerToken, report } from "./helpers/moderation.ts";
import { editAll, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { queryAll, queryOne, visibleText } from "./helpers/web.ts";

describe("sections refused by the API", () => {
  let publisher: string;
  let mine: any;
  let theirs: any;
  let nobody: string;
  let scoped: string;
  beforeAll(async () => {
    publisher = await tokenFor(publishAll("*"));
    await publish(publisher, serverJson("com.web-refusal/tool", "1.0.0"));
    await publish(publisher, serverJson("com.web-elsewhere/tool", "1.0.0"));
    mine = await report({ name: "com.web-refusal/tool", reason: "spam", details: "in scope" }, { ip: "203.0.113.1" });
    theirs = await report(
      { name: "com.web-elsewhere/tool", reason: "spam", details: "out of scope" },
      { ip: "203.0.113.2" },
    );
    nobody = await githubToken("web-nobody");
    scoped = await tokenFor(editAll("com.web-refusal/*"), "oidc", "scoped-moderator");
  });

  it("are notices, not data, for a signed-in user without moderation rights", async () => {
    for (const [section, table] of [
      ["reports", "table#reports"],
      ["denylist", "table#denylist"],
      ["audit", "table#audit"],
      ["sources", "table#sources"],
      ["webhooks", "table#webhooks"],
    ] as const) {
      const page = await sessionPage(`/maintain/${section}`, nobody, 403);
      const notice = await queryOne(page.html, ".notice.error");
      expect(notice.text, section).toContain("Your token may not see");
      expect(await queryAll(page.html, table), section).toHaveLength(0);
      expect(page.html).not.toContain("in scope");
      await queryOne(page.html, "form#sign-out");
    }
    const dashboard = await sessionPage("/maintain", nobody);
    expect(visibleText(dashboard.html)).toContain("You hold no role in any group.");
  });

  it("limit a scoped maintainer to its names, and the audit trail to global maintainers", async () => {
    const queue = await sessionPage("/maintain/reports", scoped);
    const ids = (await queryAll(queue.html, "tr[data-report-id]")).map((r) => r.attrs["data-report-id"]);
    expect(ids).toContain(mine.body.id);
    expect(ids).not.toContain(theirs.body.id);
    const audit = await sessionPage("/maintain/audit", scoped, 403);
    expect((await queryOne(audit.html, ".notice.error")).text).toContain('edit permission on "*"');

    const resolved = await sessionPost(`/maintain/reports/${theirs.body.id}/resolve`, scoped, {
      action: "delete",
      message: "not mine",
    });
    expect(resolved.status).toBe(403);
    const global = await maintainerToken();
    const still = await sessionPage("/maintain/reports", global);
    expect((await queryAll(still.html, "tr[data-report-id]")).map((r) => r.attrs["data-report-id"])).toContain(
      theirs.body.id,
    );
  });
});
