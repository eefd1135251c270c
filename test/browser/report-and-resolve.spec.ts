// Anyone reports a server with the server page's form; a maintainer signs in with a token, finds
// the report in the review queue and resolves it; the API then shows it resolved.
import { expect, test } from "@playwright/test";
import { REPORTED_SERVER, serverPath } from "./helpers/fixture-data.ts";
import { adminToken, expectApi } from "./helpers/local-registry.ts";
import { signIn } from "./helpers/sign-in.ts";

const RESOLUTION_MESSAGE = "Deprecated after a browser-test report";

test("a report filed on the server page is resolved by a maintainer", async ({ page }) => {
  const details = `Browser test report ${Date.now()}: the relay drops every message.`;
  await page.goto(serverPath(REPORTED_SERVER));
  const form = page.locator("form#report");
  await expect(form).toHaveAttribute("method", "post");
  await expect(form).toHaveAttribute("action", `${serverPath(REPORTED_SERVER)}/report`);
  // The form may be folded away (<details>): open whatever holds it.
  if (!(await form.isVisible())) await page.locator("details:has(form#report) > summary").click();
  await form.locator('select[name="reason"]').selectOption("broken");
  await form.locator('textarea[name="details"]').fill(details);
  await form.getByRole("button", { name: "Send report" }).click();
  await expect(page.locator(".notice.ok")).toBeVisible();

  const admin = adminToken();
  const open = await expectApi(
    200,
    "GET",
    `/x/admin/reports?status=open&name=${encodeURIComponent(REPORTED_SERVER)}`,
    admin,
  );
  const filed = (open.reports as { id: string; details?: string }[]).find((r) => r.details === details);
  expect(filed, "the API lists the report the form sent").toBeDefined();

  await signIn(page, admin);
  await page.goto("/maintain/reports");
  const row = page.locator(`tr[data-report-id="${filed!.id}"]`);
  await expect(row).toContainText(REPORTED_SERVER);
  await row.locator('select[name="action"]').selectOption("deprecate");
  await row.locator('input[name="message"]').fill(RESOLUTION_MESSAGE);
  await row.getByRole("button", { name: "Resolve" }).click();
  await expect(page.locator(".notice.ok")).toBeVisible();
  await expect(page.locator(`tr[data-report-id="${filed!.id}"] select[name="action"]`)).toHaveCount(0);

  const resolved = await expectApi(
    200,
    "GET",
    `/x/admin/reports?status=resolved&name=${encodeURIComponent(REPORTED_SERVER)}`,
    admin,
  );
  const report = (
    resolved.reports as { id: string; status: string; resolution?: { action?: string; message?: string } }[]
  ).find((r) => r.id === filed!.id);
  expect(report?.status).toBe("resolved");
  expect(report?.resolution).toMatchObject({ action: "deprecate", message: RESOLUTION_MESSAGE });
  const latest = await expectApi(200, "GET", `/v0.1/servers/${encodeURIComponent(REPORTED_SERVER)}/versions/latest`);
  expect(latest._meta["io.modelcontextprotocol.registry/official"].status).toBe("deprecated");
});
