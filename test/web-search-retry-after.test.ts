// A page the API could not answer now (an outage: 503; too many requests: 429) is an error page
// that says when to retry, with the API answer's own Retry-After: the home/search page, the
// guide of a group, a maintainer section and a maintainer's form post.
import { beforeAll, describe, expect, it } from "vitest";
import { callWith, D1_OUTAGES, failingD1 } from "./helpers/faults.ts";
import { orgAdminToken } from "./helpers/groups.ts";
import { formPost, queryOne, withSession } from "./helpers/web.ts";
import { pageWith } from "./helpers/web-session.ts";

describe("a page the API cannot answer now", () => {
  let admin: string;
  beforeAll(async () => {
    admin = await orgAdminToken();
  });

  it("carries the API's Retry-After", async () => {
    const outage = { DB: failingD1(D1_OUTAGES[0]) };
    // What the API itself answers, which the pages must repeat.
    const api = await callWith(outage, "/groups/outage-home/x/search?q=weather");
    expect(api.status).toBe(503);
    const retryAfter = api.response.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);

    const pages = [
      await pageWith(outage, "/groups/outage-home/?q=weather"),
      await pageWith(outage, "/groups/outage-guide/guide"),
      await pageWith(outage, "/maintain/denylist", withSession(admin)),
      await pageWith(
        outage,
        "/maintain/denylist",
        formPost({ kind: "namespace", value: "com.outage", reason: "x" }, withSession(admin)),
      ),
    ];
    for (const page of pages) {
      expect(page.status, page.html.slice(0, 300)).toBe(503);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("retry-after")).toBe(retryAfter);
      expect((await queryOne(page.html, "main h1")).text).toBe("Temporarily unavailable");
    }
  });
});
