// The install snippets are meant to be read before they are copied: at a desktop and at a phone
// width each snippet's code gets a good share of the page's width (not a sliver beside its
// heading) and its wrapped text stays inside its box.
import { expect, test } from "@playwright/test";
import { SNIPPET_SERVER, serverPath } from "./helpers/fixture-data.ts";
import { SCREEN_SIZES } from "./helpers/screenshots.ts";

const SNIPPETS = ["snippet-vscode", "snippet-claude-desktop", "snippet-cursor", "snippet-generic"];

for (const size of SCREEN_SIZES) {
  test(`install snippets are readable at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto(serverPath(SNIPPET_SERVER.name));
    // The width the page's content gets: main's box without its padding.
    const content = await page.locator("main").evaluate((main) => {
      const style = getComputedStyle(main);
      return main.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    });
    for (const id of SNIPPETS) {
      const pre = page.locator(`pre:has(> code#${id})`);
      const box = await pre.boundingBox();
      expect(box, id).not.toBeNull();
      // Two columns side by side pass; a code box squeezed beside its heading does not.
      const message = `${id} is ${Math.round(box!.width)} px wide beside ${Math.round(content)} px of content`;
      expect(box!.width, message).toBeGreaterThanOrEqual(content * 0.4);
      const overflow = await pre.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow, `${id} overflows its box`).toBeLessThanOrEqual(1);
    }
  });
}
