// Every page passes axe-core's WCAG 2 A/AA rules without a serious or critical violation (both
// colour schemes where it matters most), and is photographed at a desktop and a phone size.
import { expect, test } from "@playwright/test";
import { expectNoSeriousViolations, LAYOUT_RULES } from "./helpers/accessibility.ts";
import {
  fixtureSecrets,
  PRIVATE_GROUP,
  PRIVATE_SERVER,
  SNIPPET_SERVER,
  serverPath,
  TYPO_MATCH,
  TYPO_QUERY,
} from "./helpers/fixture-data.ts";
import { adminToken } from "./helpers/local-registry.ts";
import { SCREEN_SIZES, screenshotAtEachSize } from "./helpers/screenshots.ts";
import { signIn } from "./helpers/sign-in.ts";

const GROUP_BASE = `/groups/${PRIVATE_GROUP}`;
const [DESKTOP, PHONE] = SCREEN_SIZES;

interface PageCase {
  /** The screenshots' file name prefix. */
  slug: string;
  path: string;
  /** Who is signed in: an organisation administrator, or a viewer of the private group. */
  as?: "administrator" | "member";
  status?: number;
  /** Also checked (and photographed) in the dark colour scheme: one page per stylesheet part. */
  dark?: boolean;
}

const MAINTAIN_SECTIONS = ["reports", "denylist", "audit", "groups", "tokens", "sources", "webhooks"];

const PAGES: PageCase[] = [
  { slug: "home", path: "/", dark: true },
  { slug: "search-results", path: `/?q=${TYPO_QUERY}` },
  { slug: "server-npm-package", path: serverPath(SNIPPET_SERVER.name), dark: true },
  { slug: "server-remote-and-package", path: serverPath(TYPO_MATCH) },
  { slug: "guide", path: "/guide", dark: true },
  // The API reference is long: light only (its dark axe run and screenshots cost ~12 s).
  { slug: "docs", path: "/docs" },
  { slug: "maintain-signed-out", path: "/maintain" },
  { slug: "maintain", path: "/maintain", as: "administrator" },
  ...MAINTAIN_SECTIONS.map(
    (section): PageCase => ({
      slug: `maintain-${section}`,
      path: `/maintain/${section}`,
      as: "administrator",
      dark: section === "reports",
    }),
  ),
  { slug: "group-signed-out-not-found", path: `${GROUP_BASE}/`, status: 404 },
  { slug: "group-home", path: `${GROUP_BASE}/`, as: "member" },
  { slug: "group-server", path: serverPath(PRIVATE_SERVER, GROUP_BASE), as: "member" },
  { slug: "group-maintain", path: `${GROUP_BASE}/maintain`, as: "member" },
];

// axe over the API reference's long page takes a while on a busy 2-CPU machine.
test.describe.configure({ timeout: 90_000 });

for (const target of PAGES) {
  test(`${target.slug} (${target.path}${target.as === undefined ? "" : `, signed in as ${target.as}`})`, async ({
    page,
  }, testInfo) => {
    if (target.as === "administrator") await signIn(page, adminToken());
    if (target.as === "member") await signIn(page, fixtureSecrets().memberToken, GROUP_BASE);
    const response = await page.goto(target.path);
    expect(response?.status()).toBe(target.status ?? 200);

    // axe's checks are soft: a violation still leaves the screenshots and the dark scheme to do.
    await expectNoSeriousViolations(page, testInfo, `${target.slug}-light`);
    // What scrolls on a phone (wide tables, code) must still be reachable by keyboard.
    await page.setViewportSize(PHONE);
    await expectNoSeriousViolations(page, testInfo, `${target.slug}-phone`, LAYOUT_RULES);
    await page.setViewportSize(DESKTOP);
    await screenshotAtEachSize(page, target.slug);
    if (target.dark) {
      await page.emulateMedia({ colorScheme: "dark" });
      await expectNoSeriousViolations(page, testInfo, `${target.slug}-dark`);
      await screenshotAtEachSize(page, `${target.slug}-dark`);
    }
  });
}
