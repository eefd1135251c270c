// The review queue page: a filed report shows in the queue (its hostile text escaped), its
// resolve form of the page contract resolves it through the API, refusals come back as notices,
// and a form posted from another site changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { groupWithMembers } from "./helpers/groups.ts";
import { adminGet, maintainerToken, report } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { crossSitePost, locationOf, sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { expectNothingExecutable, getPage, queryAll, queryOne, visibleText } from "./helpers/web.ts";

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)"> "quoted" & 'single'`;

describe("the review queue page", () => {
  let publisher: string;
  let admin: string;
  let filed: any;
  let other: any;
  beforeAll(async () => {
    publisher = await tokenFor(publishAll("*"));
    admin = await maintainerToken();
    await publish(publisher, serverJson("com.web-queue/target", "1.0.0"));
    await publish(publisher, serverJson("com.web-queue/other", "1.0.0"));
    filed = await report(
      { name: "com.web-queue/target", reason: "malicious", details: HOSTILE },
      { ip: "198.51.100.7" },
    );
    other = await report({ name: "com.web-queue/other", reason: "spam" }, { ip: "198.51.100.8" });
    await groupWithMembers("web-queue-group");
    expect(filed.status).toBe(201);
  });

  it("lists open reports with hostile text escaped, each with the resolve form", async () => {
    const { html } = await sessionPage("/maintain/reports", admin);
    expectNothingExecutable(html);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    const row = await queryOne(html, `tr[data-report-id="${filed.body.id}"]`);
    expect(row.text).toContain(HOSTILE);
    expect(row.text).toContain("com.web-queue/target");
    const form = await queryOne(html, `tr[data-report-id="${filed.body.id}"] form`);
    expect(form.attrs).toMatchObject({
      method: "post",
      action: `/maintain/reports/${filed.body.id}/resolve`,
    });
    const options = await queryAll(html, `tr[data-report-id="${filed.body.id}"] select[name=action] option`);
    expect(options.map((o) => o.attrs.value)).toEqual(["dismiss", "deprecate", "delete", "denylist"]);
    await queryOne(html, `tr[data-report-id="${filed.body.id}"] input[name=message]`);
    expect((await queryOne(html, `tr[data-report-id="${filed.body.id}"] button`)).text).toBe("Resolve");
  });

  it("filters by server name", async () => {
    const { html } = await sessionPage("/maintain/reports?name=com.web-queue%2Fother", admin);
    const rows = await queryAll(html, "tr[data-report-id]");
    expect(rows.map((r) => r.attrs["data-report-id"])).toEqual([other.body.id]);
  });

  it("links each report to its server's page at the root, also under a group (the queue is the registry's)", async () => {
    for (const base of ["", "/groups/web-queue-group"]) {
      const { html } = await sessionPage(`${base}/maintain/reports`, admin);
      const link = await queryOne(html, `tr[data-report-id="${other.body.id}"] a`);
      expect(link.attrs.href, base).toBe("/server/com.web-queue/other");
      await getPage(link.attrs.href!);
    }
  });

  it("shows the API's refusal of a bad resolution and changes nothing", async () => {
    const page = await sessionPost(`/maintain/reports/${filed.body.id}/resolve`, admin, {
      action: "deprecate",
      message: "",
    });
    expect(page.status).toBe(422);
    expect(page.html).toContain('class="notice error"');
    const { body } = await adminGet(admin, "/x/admin/reports?name=com.web-queue%2Ftarget");
    expect(body.reports[0].status).toBe("open");
  });

  it("refuses a resolution posted from another site (403) and changes nothing", async () => {
    const page = await crossSitePost(`/maintain/reports/${filed.body.id}/resolve`, admin, {
      action: "delete",
      message: "gone",
    });
    expect(page.status).toBe(403);
    const { body } = await adminGet(admin, "/x/admin/reports?name=com.web-queue%2Ftarget");
    expect(body.reports[0].status).toBe("open");
  });

  it("resolves through the form, then redirects with the result", async () => {
    const page = await sessionPost(`/maintain/reports/${filed.body.id}/resolve`, admin, {
      action: "deprecate",
      message: "Known malware <b>do not use</b>",
    });
    expect(page.status).toBe(303);
    const location = locationOf(page);
    expect(`${location.pathname}${location.search}`).toBe("/maintain/reports?done=resolved");
    const after = await sessionPage(`${location.pathname}${location.search}`, admin);
    expect((await queryOne(after.html, ".notice.ok")).text).toContain("Resolved");
    expect(await queryAll(after.html, `tr[data-report-id="${filed.body.id}"]`)).toHaveLength(0);

    const resolved = await adminGet(admin, "/x/admin/reports?status=resolved&name=com.web-queue%2Ftarget");
    expect(resolved.body.reports[0]).toMatchObject({
      id: filed.body.id,
      status: "resolved",
      resolution: { action: "deprecate", message: "Known malware <b>do not use</b>" },
    });
    const version = await apiJson("/v0.1/servers/com.web-queue%2Ftarget/versions/1.0.0");
    expect(official(version.body).status).toBe("deprecated");

    const list = await sessionPage("/maintain/reports?status=resolved", admin);
    const row = await queryOne(list.html, `tr[data-report-id="${filed.body.id}"]`);
    expect(row.text).toContain("Known malware <b>do not use</b>");
    expect(list.html).not.toContain("<b>do not use</b>");
    expect(await queryAll(list.html, `tr[data-report-id="${filed.body.id}"] form`)).toHaveLength(0);
    expect(visibleText(list.html)).toContain("deprecate");
  });
});
