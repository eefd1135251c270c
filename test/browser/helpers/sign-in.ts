// Signing in and out as people do: the maintainers' page's sign-in form with a pasted token.
import { expect, type Page } from "@playwright/test";

/** Signs the browser in with `token` at `{base}/maintain` (the cookie then holds for the site). */
export async function signIn(page: Page, token: string, base = ""): Promise<void> {
  await page.goto(`${base}/maintain`);
  const form = page.locator("form#sign-in");
  await form.getByLabel("Token").fill(token);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form#sign-out")).toBeVisible();
}

export async function signOut(page: Page, base = ""): Promise<void> {
  await page.goto(`${base}/maintain`);
  await page.locator("form#sign-out").getByRole("button", { name: "Sign out" }).click();
  await expect(page.locator("form#sign-in")).toBeVisible();
}
