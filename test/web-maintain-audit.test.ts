// The audit trail page filters with GET form fields (the API's own filters), pages with the
// API's cursor keeping the filters, and shows the API's refusal of a bad filter as a notice.
import { beforeAll, describe, expect, it } from "vitest";
import { maintainerToken } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { sessionPage } from "./helpers/web-maintain.ts";
import { queryAll, queryOne } from "./helpers/web.ts";

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
