// A private group's pages answer 404 until a member signs in; then they show its private
// server. The public pages never show it, not even to that signed-in member.
import { expect, type Page, test } from "@playwright/test";
import {
  fixtureSecrets,
  PRIVATE_GROUP,
  PRIVATE_NAMESPACE,
  PRIVATE_SERVER,
  PRIVATE_WORD,
  serverPath,
} from "./helpers/fixture-data.ts";
import { signIn } from "./helpers/sign-in.ts";

const GROUP_BASE = `/groups/${PRIVATE_GROUP}`;

async function expectStatus(page: Page, path: string, status: number): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(status);
}

/** Neither a link to the private server nor its name anywhere in the document (but the query). */
async function expectNoTraceOfPrivateServer(page: Page, query = ""): Promise<void> {
  await expect(page.locator(`a[href*="${PRIVATE_WORD}"]`)).toHaveCount(0);
  const content = await page.content();
  const html = query === "" ? content : content.replaceAll(query, "");
  expect(html).not.toContain(PRIVATE_SERVER);
  expect(html).not.toContain(PRIVATE_NAMESPACE);
}

/** The public home page and its search (with and without the facets) show nothing of the group. */
async function expectPublicPagesWithoutIt(page: Page): Promise<void> {
  await expectStatus(page, "/", 200);
  await expectNoTraceOfPrivateServer(page);
  for (const [query, facets] of [
    [PRIVATE_WORD, ""],
    ["zanzibr", ""],
    [PRIVATE_NAMESPACE, ""],
    [PRIVATE_WORD, "&hosting=remote"],
  ] as const) {
    // Fuzzy search may well find other servers: none of them is this one.
    await expectStatus(page, `/?q=${encodeURIComponent(query)}${facets}`, 200);
    await expectNoTraceOfPrivateServer(page, query);
  }
  await expectStatus(page, serverPath(PRIVATE_SERVER), 404);
}

test("a private group's pages need a member's token and never leak to public pages", async ({ page }) => {
  // Signed out: the group does not exist as far as the browser can tell.
  await expectStatus(page, `${GROUP_BASE}/`, 404);
  await expectNoTraceOfPrivateServer(page);
  await expectStatus(page, serverPath(PRIVATE_SERVER, GROUP_BASE), 404);
  await expectStatus(page, `${GROUP_BASE}/?q=${PRIVATE_WORD}`, 404);
  await expectPublicPagesWithoutIt(page);

  // A member (a viewer's personal token) signs in on the group's own maintainers' page.
  await signIn(page, fixtureSecrets().memberToken, GROUP_BASE);

  await expectStatus(page, `${GROUP_BASE}/`, 200);
  await expect(page.locator(`ol#results h2 a[href="${serverPath(PRIVATE_SERVER, GROUP_BASE)}"]`)).toBeVisible();
  // The group's search, with a typo, finds it too.
  const query = page.getByRole("search").getByLabel("Search servers");
  await query.fill("zanzibr");
  await query.press("Enter");
  await expect(page).toHaveURL(new RegExp(`^[^?]*${GROUP_BASE}/\\?(.*&)?q=zanzibr`));
  const link = page.locator(`ol#results h2 a[href="${serverPath(PRIVATE_SERVER, GROUP_BASE)}"]`);
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${serverPath(PRIVATE_SERVER, GROUP_BASE)}$`));
  await expect(page.locator("main")).toContainText(PRIVATE_SERVER);

  // Signed in or not, the public catalogue's pages know nothing of it.
  await expectPublicPagesWithoutIt(page);
});
