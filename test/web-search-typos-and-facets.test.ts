// Searching from the home page: the ranked, typo-tolerant order of /x/search, facet filters that
// narrow the list and recount, the URL the form submits without script (repeated checkbox values),
// and invalid choices answered 422 on the page with what the user typed echoed back, escaped.
import { beforeAll, describe, expect, it } from "vitest";
import { apiJson } from "./helpers/registry.ts";
import { getPage, queryAll, queryOne, seedDemoCatalogue } from "./helpers/web.ts";

beforeAll(seedDemoCatalogue);

async function cardNames(html: string): Promise<string[]> {
  return (await queryAll(html, "ol#results > li.card .card-name code")).map((c) => c.text);
}

describe("searching from the home page", () => {
  it.each([
    ["weather forcast", "dev.weatherly/forecast"],
    ["postgress explorer", "com.acme-data/postgres-explorer"],
    ["kubernets", "io.github.kenji-watanabe/k8s-pilot"],
  ])("ranks the intended server first for the typo %j", async (q, expected) => {
    const { html } = await getPage(`/?q=${encodeURIComponent(q)}`);
    const names = await cardNames(html);
    expect(names[0]).toBe(expected);
    const { body } = await apiJson(`/x/search?q=${encodeURIComponent(q)}`);
    expect(names).toEqual(body.results.map((r: any) => r.server.name));
    // What was typed is in the box.
    expect((await queryOne(html, "input#q")).attrs.value).toBe(q);
  });

  it("narrows by a facet, checks its box and shows the API's counts", async () => {
    const all = await getPage("/");
    const allTotal = Number.parseInt((await queryOne(all.html, "#result-count")).text, 10);
    const { html } = await getPage("/?registryType=oci");
    const { body } = await apiJson("/x/search?registryType=oci");
    expect(body.metadata.total).toBeLessThan(allTotal);
    expect(await cardNames(html)).toEqual(body.results.map((r: any) => r.server.name));
    expect((await queryOne(html, "#result-count")).text).toBe(`${body.metadata.total} servers`);
    for (const badge of await queryAll(html, "ol#results .badge.package")) expect(badge.text).toContain("oci");
    const checked = await queryAll(html, 'fieldset[name="registryType"] input[checked]');
    expect(checked.map((c) => c.attrs.value)).toEqual(["oci"]);
    for (const [facet, counts] of Object.entries(body.facets as Record<string, Record<string, number>>)) {
      for (const [value, count] of Object.entries(counts)) {
        const span = await queryOne(html, `fieldset[name="${facet}"] [data-count-for="${value}"]`);
        expect(span.text, `${facet}=${value}`).toBe(String(count));
      }
    }
  });

  it("reads the form's no-script submission: repeated values, hosting=any, both statuses", async () => {
    const form = await getPage(
      "/?q=&registryType=npm&registryType=pypi&transport=stdio&hosting=any&status=active&status=deprecated",
    );
    const { body } = await apiJson("/x/search?registryType=npm,pypi&transport=stdio");
    expect(body.metadata.total).toBeGreaterThan(0);
    expect(await cardNames(form.html)).toEqual(body.results.map((r: any) => r.server.name));
    const checked = await queryAll(form.html, "fieldset input[checked]");
    expect(checked.map((c) => `${c.attrs.name}=${c.attrs.value}`)).toEqual([
      "registryType=npm",
      "registryType=pypi",
      "transport=stdio",
      "hosting=any",
      "status=active",
      "status=deprecated",
    ]);
    // The comma form (search.js, links) is the same page.
    const comma = await getPage("/?registryType=pypi,npm&transport=stdio");
    expect(comma.html).toBe(form.html);
    const remote = await getPage("/?hosting=remote");
    for (const card of await queryAll(remote.html, "ol#results > li.card")) expect(card.text).toContain("remote");
    const deprecatedOnly = await getPage("/?status=deprecated");
    expect((await queryOne(deprecatedOnly.html, "#result-count")).text).toBe("No servers match");
    expect(await queryAll(deprecatedOnly.html, "#results-empty")).toHaveLength(1);
  });

  it("answers 422 with the validation message for an unknown facet value, echoing input escaped", async () => {
    const q = `"><b>bold</b>`;
    const page = await getPage(`/?q=${encodeURIComponent(q)}&registryType=npm,cargo&transport=<i>x</i>`, 422);
    const notice = await queryOne(page.html, ".notice.error");
    expect(notice.text).toContain("registryType");
    expect(notice.text).toContain('expected value to be one of "npm, pypi, oci, nuget, mcpb"');
    expect(notice.text).toContain("cargo");
    expect(notice.text).toContain("<i>x</i>");
    expect(page.html).not.toContain("<i>x</i>");
    expect(page.html).not.toContain("<b>bold</b>");
    expect((await queryOne(page.html, "input#q")).attrs.value).toBe(q);
    expect(
      (await queryAll(page.html, 'fieldset[name="registryType"] input[checked]')).map((c) => c.attrs.value),
    ).toEqual(["npm"]);
    expect(await queryAll(page.html, "ol#results > li")).toHaveLength(0);
    for (const bad of ["/?hosting=remote,package", "/?status=deleted", "/?cursor=!!!"]) await getPage(bad, 422);
  });
});
