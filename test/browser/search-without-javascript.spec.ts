// The search form is a plain GET form: with scripts off, a query and a facet still work.
import { expect, test } from "@playwright/test";
import { serverPath, TYPO_MATCH, TYPO_QUERY } from "./helpers/fixture-data.ts";

test.use({ javaScriptEnabled: false });

test("searching and filtering work with JavaScript disabled", async ({ page }) => {
  await page.goto("/");
  const query = page.getByRole("search").getByLabel("Search servers");
  await query.fill(TYPO_QUERY);
  await query.press("Enter");
  await expect(page).toHaveURL(new RegExp(`[?&]q=${TYPO_QUERY}(&|$)`));
  await expect(page.locator(`ol#results > li.card h2 a[href="${serverPath(TYPO_MATCH)}"]`)).toBeVisible();

  await page.locator('input[type="radio"][name="hosting"][value="remote"]').check();
  await page.getByRole("search").getByLabel("Search servers").press("Enter");
  await expect(page).toHaveURL(/hosting=remote/);
  const results = page.locator("ol#results > li.card");
  await expect(results.locator(`h2 a[href="${serverPath(TYPO_MATCH)}"]`)).toBeVisible();
  for (const card of await results.all()) await expect(card.locator(".badge.remote")).toBeVisible();
});
