// Screenshots of pages at a desktop and a phone size, for people to look at (not compared): a
// folder the global setup empties at the start of each run, never committed.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";

export const SCREENSHOT_DIR = fileURLToPath(new URL("../screenshots/", import.meta.url));

export const SCREEN_SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** Long pages (the API reference) are cut here: enough to judge the layout, quick to take. */
const MAX_HEIGHT = 6_000;

/** `<slug>-1280x800.png` and `<slug>-390x844.png` of the page as it is now (whole page, up to MAX_HEIGHT). */
export async function screenshotAtEachSize(page: Page, slug: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of SCREEN_SIZES) {
    await page.setViewportSize(size);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({
      path: join(SCREENSHOT_DIR, `${slug}-${size.width}x${size.height}.png`),
      fullPage: true,
      clip: { x: 0, y: 0, width: size.width, height: Math.min(height, MAX_HEIGHT) },
      timeout: 20_000,
    });
  }
  if (before !== null) await page.setViewportSize(before);
}
