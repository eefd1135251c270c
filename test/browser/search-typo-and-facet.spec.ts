// Searching with a typo still finds the server, and a facet narrows the results to exactly what
// the search API answers for the same filter.
import { expect, test } from "@playwright/test";
import { serverPath, TYPO_MATCH, TYPO_QUERY } from "./helpers/fixture-data.ts";
import { expectApi } from "./helpers/local-registry.ts";

/** The server names the search API answers for `query` (one page, up to 100). */
async function apiNames(query: string): Promise<string[]> {
  const body = await expectApi(200, "GET", `/x/search?${query}&limit=100`);
  return (body.results as { server: { name: string } }[]).map((r) => r.server.name);
}

test("a typo finds the server, and a registry-type facet narrows the results", async ({ page }) => {
  const unfiltered = await apiNames(`q=${TYPO_QUERY}`);
  const filtered = await apiNames(`q=${TYPO_QUERY}&registryType=pypi`);
  // The data this test relies on: the facet must really narrow the typo's results.
  expect(filtered).toContain(TYPO_MATCH);
  expect(filtered.length).toBeLessThan(unfiltered.length);

  await page.goto("/");
  const search = page.getByRole("search");
  await search.getByLabel("Search servers").fill(TYPO_QUERY);
  await search.getByLabel("Search servers").press("Enter");
  await expect(page).toHaveURL(new RegExp(`[?&]q=${TYPO_QUERY}(&|$)`));

  const results = page.locator("ol#results > li.card");
  const resultLinks = results.locator("h2 a");
  await expect(resultLinks).toHaveCount(unfiltered.length);
  await expect(results.locator(`h2 a[href="${serverPath(TYPO_MATCH)}"]`)).toBeVisible();
  await expect(page.locator("#result-count")).toContainText(String(unfiltered.length));

  // The facet, as the page offers it; it applies on change or on submit.
  await page.locator('fieldset input[type="checkbox"][name="registryType"][value="pypi"]').click();
  await page.waitForURL(/registryType=pypi/, { timeout: 2_000 }).catch(async () => {
    await search.getByLabel("Search servers").press("Enter");
    await page.waitForURL(/registryType=pypi/);
  });
  await expect(page.locator('input[name="registryType"][value="pypi"]')).toBeChecked();
  await expect(resultLinks).toHaveCount(filtered.length);
  // The script re-renders the results in place: compare once they have settled.
  const hrefs = () => resultLinks.evaluateAll((links) => links.map((a) => a.getAttribute("href")).sort());
  await expect.poll(hrefs).toEqual(filtered.map((name) => serverPath(name)).sort());
  await expect(results.first().locator(".badge.package")).toBeVisible();
  await expect(page.locator("#result-count")).toContainText(String(filtered.length));
});
