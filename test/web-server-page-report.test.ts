// The server page's report form: a same-origin post files the report through POST /x/reports and
// redirects to the page with the thanks; the API's refusals (422, 404, 429) come back on the
// page, escaped, with what was typed; cross-origin posts are refused and file nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { adminGet, maintainerToken } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { api, ORIGIN, serverJson } from "./helpers/registry.ts";
import { formPost, getPage, queryOne, visibleText } from "./helpers/web.ts";
import { serverPagePath } from "./helpers/web-server-page.ts";

const NS = "com.page-report";
const NAME = `${NS}/relay`;
const PATH = serverPagePath(NAME);

async function reportsOf(name: string): Promise<{ reason: string; version?: string; details?: string }[]> {
  const { status, body } = await adminGet(
    await maintainerToken(),
    `/x/admin/reports?status=open&name=${encodeURIComponent(name)}`,
  );
  expect(status).toBe(200);
  return body.reports;
}

/** A form post to the page's report action from `ip`. */
function postReport(fields: Record<string, string>, ip: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", ip);
  return api(`${PATH}/report`, formPost(fields, { ...init, headers }));
}

beforeAll(async () => {
  const token = await tokenFor(publishAll(`${NS}/*`));
  for (const version of ["1.0.0", "1.1.0"]) expect((await publish(token, serverJson(NAME, version))).status).toBe(200);
});

describe("the report form", () => {
  it("is on the page with the contract's fields", async () => {
    const page = await getPage(PATH);
    const form = await queryOne(page.html, "form#report");
    expect(form.attrs).toMatchObject({ method: "post", action: `${PATH}/report` });
    const reasons = await queryOne(page.html, 'form#report select[name="reason"]');
    for (const reason of ["spam", "malicious", "impersonation", "broken", "inappropriate", "other"]) {
      expect(reasons.text.length).toBeGreaterThan(0);
      await queryOne(page.html, `form#report select[name="reason"] option[value="${reason}"]`);
    }
    await queryOne(page.html, 'form#report textarea[name="details"]');
    await queryOne(page.html, 'form#report input[name="version"]');
    expect((await queryOne(page.html, 'form#report button[type="submit"]')).text).toBe("Send report");
  });

  it("files the report and redirects to the page, which thanks the reporter", async () => {
    const details = "Drops every message <b>silently</b>";
    const posted = await postReport({ reason: "broken", version: "1.1.0", details }, "192.0.2.10");
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`${PATH}?reported=1`);
    const page = await getPage(posted.headers.get("location")!);
    expect((await queryOne(page.html, ".notice.ok")).text).toContain("Thank you — your report was received");
    const filed = (await reportsOf(NAME)).find((r) => r.details === details);
    expect(filed).toMatchObject({ reason: "broken", version: "1.1.0", details });
  });

  it("shows the API's validation errors with what was typed, escaped, and files nothing", async () => {
    const before = (await reportsOf(NAME)).length;
    const details = `</textarea><script>alert(1)</script>`;
    const response = await postReport({ reason: "", version: "", details }, "192.0.2.11");
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).not.toContain("<script>alert(1)");
    expect((await queryOne(html, "#report-errors")).text).toContain("Reason");
    expect((await queryOne(html, 'form#report textarea[name="details"]')).text).toBe(details);
    const tooLong = await postReport({ reason: "other", details: "x".repeat(2001) }, "192.0.2.11");
    expect(tooLong.status).toBe(422);
    expect((await queryOne(await tooLong.text(), "#report-errors")).text).toContain("Details");
    const unknownVersion = await postReport({ reason: "spam", version: "9.9.9" }, "192.0.2.11");
    expect(unknownVersion.status).toBe(404);
    const unknownHtml = await unknownVersion.text();
    expect((await queryOne(unknownHtml, "#report-errors")).text).toContain("version not found");
    expect((await queryOne(unknownHtml, 'form#report input[name="version"]')).attrs.value).toBe("9.9.9");
    expect((await reportsOf(NAME)).length).toBe(before);
  });

  it("shows the API's 429 once the reporter is over the hourly limit", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) {
      last = await postReport({ reason: "spam", details: `flood ${i}` }, "192.0.2.99");
      if (last.status !== 303) break;
    }
    expect(last!.status).toBe(429);
    expect(visibleText(await last!.text())).toContain("The report was not sent");
  });

  it("refuses cross-origin posts with 403 and files nothing", async () => {
    const before = (await reportsOf(NAME)).length;
    const evil = await api(`${PATH}/report`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: "reason=spam&details=cross-site",
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const fetchSite = await api(`${PATH}/report`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
      body: "reason=spam",
    });
    expect(fetchSite.status).toBe(403);
    expect((await reportsOf(NAME)).length).toBe(before);
  });

  it("answers 404 for a report about an unknown server and 415 for a body that is not a form", async () => {
    const unknown = await api(`${serverPagePath(`${NS}/nothing`)}/report`, formPost({ reason: "spam" }));
    expect(unknown.status).toBe(404);
    const json = await api(`${PATH}/report`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ reason: "spam" }),
    });
    expect(json.status).toBe(415);
  });
});
