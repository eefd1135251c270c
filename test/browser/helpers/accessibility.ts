// axe-core on the page as it is now: WCAG 2.0/2.1 A and AA rules, failing on any serious or
// critical violation, with each offending element in the message so a page's owner can fix it.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BLOCKING = new Set(["serious", "critical"]);

/** The rule whose outcome changes with the viewport: what scrolls at one width may not at another. */
export const LAYOUT_RULES = ["scrollable-region-focusable"];

/** An element's markup, shortened to a line for the report. */
function oneLine(markup: string): string {
  const flat = markup.replace(/\s+/g, " ");
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

/**
 * Fails (softly) on any serious or critical violation of the WCAG rules, or of just `rules` when
 * given (a second look at a phone width needs only the rules that depend on the layout).
 */
export async function expectNoSeriousViolations(
  page: Page,
  testInfo: TestInfo,
  label: string,
  rules?: readonly string[],
): Promise<void> {
  const builder = new AxeBuilder({ page });
  const results = await (rules === undefined ? builder.withTags(WCAG_TAGS) : builder.withRules([...rules])).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ""));
  const report = blocking.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    elements: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html, summary: n.failureSummary })),
  }));
  if (report.length > 0) {
    await testInfo.attach(`axe-${label}.json`, {
      body: JSON.stringify(report, null, 2),
      contentType: "application/json",
    });
  }
  const lines = report.flatMap((v) => [
    `${v.impact} ${v.rule}: ${v.help}`,
    ...v.elements.map((e) => `  ${e.target}  ${oneLine(e.html)}\n    ${(e.summary ?? "").replaceAll("\n", "\n    ")}`),
  ]);
  // Soft: the test goes on (the other colour scheme, the screenshots) and reports every violation.
  expect.soft(lines, `axe (${label}) at ${page.url()}:\n${lines.join("\n")}`).toEqual([]);
}
