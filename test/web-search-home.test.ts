// The home page lists the catalogue server-side, from the same /x/search answer as the API: the
// search form of the page contract, one card per server with its badges, the count, HEAD, and
// the security headers of every page.
import { beforeAll, describe, expect, it } from "vitest";
import { reportsFromCrowd } from "./helpers/moderation.ts";
import { editAll, patchStatus, tokenFor } from "./helpers/publishing.ts";
import { apiJson } from "./helpers/registry.ts";
import {
  expectNothingExecutable,
  expectSecurityHeaders,
  fetchPage,
  getPage,
  queryAll,
  queryOne,
  seedDemoCatalogue,
} from "./helpers/web.ts";

beforeAll(seedDemoCatalogue);

/** The cards of a page: link, name shown and badge classes. */
async function cardsOf(html: string) {
  const links = await queryAll(html, "ol#results > li.card > h2 > a");
  const names = await queryAll(html, "ol#results > li.card .card-name code");
  return links.map((a, i) => ({ href: a.attrs.href, title: a.text, name: names[i]!.text }));
}

describe("home page", () => {
  it("renders the search form of the page contract", async () => {
    const { html } = await getPage("/");
    const form = await queryOne(html, 'form[role="search"]');
    expect(form.attrs).toMatchObject({ action: "/", method: "get" });
    expect((await queryOne(html, 'input[type="search"]#q')).attrs.name).toBe("q");
    expect((await queryOne(html, 'label[for="q"]')).text).toBe("Search servers");
    for (const name of ["registryType", "transport", "status"]) {
      const boxes = await queryAll(html, `fieldset[name="${name}"] input[type="checkbox"][name="${name}"]`);
      expect(boxes.length, name).toBeGreaterThan(1);
    }
    const hosting = await queryAll(html, 'fieldset[name="hosting"] input[type="radio"][name="hosting"]');
    expect(hosting.map((r) => r.attrs.value)).toEqual(["any", "remote", "package"]);
    expect(hosting[0]!.attrs.checked).toBe("");
    // Both statuses are the default, so both start checked.
    const status = await queryAll(html, 'fieldset[name="status"] input[checked]');
    expect(status.map((s) => s.attrs.value)).toEqual(["active", "deprecated"]);
    expect(html).toContain('<script type="module" src="/static/search.js"></script>');
  });

  it("lists the first page of servers by name, as /x/search does for an empty query", async () => {
    const { html } = await getPage("/");
    const { body } = await apiJson("/x/search");
    const cards = await cardsOf(html);
    expect(cards.map((c) => c.name)).toEqual(body.results.map((r: any) => r.server.name));
    expect(cards.length).toBe(20);
    for (const card of cards) expect(card.href).toBe(`/server/${card.name}`);
    const forecast = body.results.find((r: any) => r.server.title);
    expect(cards.find((c) => c.name === forecast.server.name)!.title).toBe(forecast.server.title);
    expect((await queryOne(html, "#result-count")).text).toBe(`${body.metadata.total} servers (1–20 shown)`);
    // Facet counts are the API's.
    const npm = await queryOne(html, 'fieldset[name="registryType"] [data-count-for="npm"]');
    expect(npm.text).toBe(String(body.facets.registryType.npm));
  });

  it("shows remote, package, deprecated and under-review badges", async () => {
    await reportsFromCrowd("dev.weatherly/forecast", 5);
    const forecast = await getPage("/?q=dev.weatherly/forecast");
    const card = (await queryAll(forecast.html, "ol#results > li.card"))[0]!;
    expect(card.text).toContain("dev.weatherly/forecast");
    const badges = await queryAll(forecast.html, "ol#results > li.card:first-child .badge");
    expect(badges.map((b) => [b.attrs.class, b.text])).toEqual([
      ["badge remote", "remote"],
      ["badge package", "package: pypi"],
      ["badge review", "under review"],
    ]);
    const edit = await tokenFor(editAll("*"), "oidc", "moderator@example.test");
    expect((await patchStatus(edit, "com.linkhaven/bookmarks", undefined, { status: "deprecated" })).status).toBe(200);
    const bookmarks = await getPage("/?q=com.linkhaven/bookmarks");
    const first = await queryAll(bookmarks.html, "ol#results > li.card:first-child .badge");
    expect(first.map((b) => b.attrs.class)).toContain("badge deprecated");
  });

  it("answers with the security headers, public caching and no inline code", async () => {
    const { html, headers } = await getPage("/");
    expectSecurityHeaders(headers);
    expect(headers.get("cache-control")).toBe("no-cache");
    expectNothingExecutable(html);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const head = await fetchPage("/?q=weather", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.html).toBe("");
    expect(head.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expectSecurityHeaders(head.headers);
  });

  it("keeps the home page small", async () => {
    const { html } = await getPage("/");
    expect(new TextEncoder().encode(html).length).toBeLessThan(40 * 1024);
  });
});
