// The denylist page adds and removes entries through its forms (the API's refusals shown as
// notices), and the audit trail page filters with GET form fields and pages with the API's cursor.
import { beforeAll, describe, expect, it } from "vitest";
import { adminGet, maintainerToken } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { crossSitePost, locationOf, sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { expectNothingExecutable, queryAll, queryOne } from "./helpers/web.ts";

describe("the denylist page", () => {
  let admin: string;
  let publisher: string;
  beforeAll(async () => {
    admin = await maintainerToken();
    publisher = await tokenFor(publishAll("*"));
    await publish(publisher, serverJson("com.web-deny/bad", "1.0.0"));
  });

  it("adds an entry through its form: the API blocks and deletes matches", async () => {
    const page = await sessionPost("/maintain/denylist", admin, {
      kind: "server",
      value: "com.web-deny/bad",
      registryType: "",
      reason: "Malware <i>confirmed</i>",
    });
    expect(page.status).toBe(303);
    expect(locationOf(page).search).toBe("?done=added");
    const { body } = await adminGet(admin, "/x/admin/denylist");
    expect(body.entries).toContainEqual(
      expect.objectContaining({ kind: "server", value: "com.web-deny/bad", reason: "Malware <i>confirmed</i>" }),
    );
    const version = await apiJson("/v0.1/servers/com.web-deny%2Fbad/versions/1.0.0?include_deleted=true");
    expect(official(version.body).status).toBe("deleted");

    const list = await sessionPage("/maintain/denylist?done=added", admin);
    expectNothingExecutable(list.html);
    expect(list.html).not.toContain("<i>confirmed</i>");
    const rows = await queryAll(list.html, "table#denylist tbody tr");
    expect(rows.some((r) => r.text.includes("com.web-deny/bad") && r.text.includes("Malware <i>confirmed</i>"))).toBe(
      true,
    );
    await queryOne(list.html, ".notice.ok");
  });

  it("shows the API's refusal of an entry it cannot take, keeping the page", async () => {
    const page = await sessionPost("/maintain/denylist", admin, {
      kind: "package",
      value: "left-pad",
      registryType: "",
      reason: "no type",
    });
    expect(page.status).toBe(422);
    expect((await queryOne(page.html, ".notice.error")).text).toContain("body.value");
    await queryOne(page.html, "form#denylist-add");
  });

  it("refuses an entry posted from another site (403) and adds nothing", async () => {
    const page = await crossSitePost("/maintain/denylist", admin, {
      kind: "namespace",
      value: "com.web-cross-site",
      reason: "forged",
    });
    expect(page.status).toBe(403);
    const { body } = await adminGet(admin, "/x/admin/denylist");
    expect(body.entries.some((e: { value: string }) => e.value === "com.web-cross-site")).toBe(false);
  });

  it("removes an entry through its row's form", async () => {
    const list = await sessionPage("/maintain/denylist", admin);
    const forms = await queryAll(list.html, 'table#denylist form[action="/maintain/denylist/remove"]');
    expect(forms.length).toBeGreaterThan(0);
    const page = await sessionPost("/maintain/denylist/remove", admin, { kind: "server", value: "com.web-deny/bad" });
    expect(page.status).toBe(303);
    expect(locationOf(page).search).toBe("?done=removed");
    const { body } = await adminGet(admin, "/x/admin/denylist");
    expect(body.entries.some((e: { value: string }) => e.value === "com.web-deny/bad")).toBe(false);
  });
});

describe("the audit trail page", () => {
  let admin: string;
  let publisher: string;
  beforeAll(async () => {
    admin = await maintainerToken();
    publisher = await tokenFor(publishAll("*"), "none", "audit-page-publisher");
    for (let i = 0; i < 3; i++) await publish(publisher, serverJson("com.web-audit/tool", `1.0.${i}`));
    await publish(publisher, serverJson("com.web-audit-other/tool", "1.0.0"));
  });

  it("filters by the API's fields, sent as a GET form", async () => {
    const { html } = await sessionPage("/maintain/audit?namespace=com.web-audit&action=publish", admin);
    const form = await queryOne(html, "form.filters");
    expect(form.attrs).toMatchObject({ method: "get", action: "/maintain/audit" });
    for (const name of ["namespace", "actor", "action", "since"])
      await queryOne(html, `form.filters input[name=${name}]`);
    expect((await queryOne(html, "input[name=namespace]")).attrs.value).toBe("com.web-audit");
    const rows = await queryAll(html, "table#audit tbody tr");
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.text).toContain("com.web-audit/tool");
      expect(row.text).toContain("none:audit-page-publisher");
    }
  });

  it("pages with the API's cursor, keeping the filters", async () => {
    const seen: string[] = [];
    let path: string | undefined = "/maintain/audit?namespace=com.web-audit&limit=2";
    for (let pages = 0; path !== undefined && pages < 5; pages++) {
      const { html } = await sessionPage(path, admin);
      const rows = await queryAll(html, "table#audit tbody tr");
      expect(rows.length).toBeLessThanOrEqual(2);
      seen.push(...rows.map((r) => r.text));
      const next = await queryAll(html, 'nav.pager a[rel="next"]');
      path = next[0]?.attrs.href;
      if (path !== undefined) {
        const url = new URL(path, "http://registry.test");
        expect(url.searchParams.get("namespace")).toBe("com.web-audit");
        expect(url.searchParams.get("limit")).toBe("2");
      }
    }
    // Three publishes: two pages, the second one short (the API's nextCursor only on full pages).
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it("shows the API's refusal of a bad filter as a notice", async () => {
    const page = await sessionPage("/maintain/audit?since=yesterday", admin, 422);
    expect((await queryOne(page.html, ".notice.error")).text).toContain("query.since");
    expect(await queryAll(page.html, "table#audit")).toHaveLength(0);
  });
});
