// The home page pages through every match exactly once by its "Next page" links (which carry the
// API's cursor and the query), and offers the way back: "Previous page" and "First page".
import { beforeAll, describe, expect, it } from "vitest";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { getPage, queryAll, queryOne, seedDemoCatalogue } from "./helpers/web.ts";

const PAGER = "io.modelcontextprotocol.anonymous";

beforeAll(async () => {
  await seedDemoCatalogue();
  // More matches of one query than a page holds (the demo catalogue has few per word).
  const token = await tokenFor(publishAll(`${PAGER}/*`));
  for (let i = 0; i < 25; i++) {
    const name = `${PAGER}/pager-${String(i).padStart(2, "0")}`;
    const { status } = await publish(token, serverJson(name, "1.0.0", { description: "Pager duty rota" }));
    expect(status).toBe(200);
  }
});

async function cardNames(html: string): Promise<string[]> {
  return (await queryAll(html, "ol#results > li.card .card-name code")).map((c) => c.text);
}

async function relLink(html: string, rel: string): Promise<string | undefined> {
  const links = await queryAll(html, `nav.paging a[rel="${rel}"]`);
  expect(links.length).toBeLessThanOrEqual(1);
  return links[0]?.attrs.href;
}

/** Every page from `start` by its Next links: the names, and each page's path. */
async function walk(start: string): Promise<{ names: string[]; paths: string[] }> {
  const names: string[] = [];
  const paths: string[] = [];
  let path: string | undefined = start;
  while (path !== undefined) {
    if (paths.length > 20) throw new Error("paging does not end");
    paths.push(path);
    const { html } = await getPage(path);
    names.push(...(await cardNames(html)));
    path = await relLink(html, "next");
  }
  return { names, paths };
}

describe("paging the home page", () => {
  it("walks every server once, 20 a page, in the API's order", async () => {
    const { body } = await apiJson("/x/search?limit=100");
    const { names, paths } = await walk("/");
    expect(names).toEqual(body.results.map((r: any) => r.server.name));
    expect(paths.length).toBe(Math.ceil(body.metadata.total / 20));
    const last = await getPage(paths.at(-1)!);
    expect((await queryOne(last.html, "#result-count")).text).toBe(
      `${body.metadata.total} servers (${(paths.length - 1) * 20 + 1}–${body.metadata.total} shown)`,
    );
    expect((await queryOne(last.html, "ol#results")).attrs.start).toBe(String((paths.length - 1) * 20 + 1));
  });

  it("keeps the query and filters in the paging links", async () => {
    const { body } = await apiJson(`/x/search?q=pager&namespace=${PAGER}&limit=100`);
    expect(body.metadata.total).toBe(25);
    const { names, paths } = await walk(`/?q=pager&namespace=${PAGER}`);
    expect(names).toEqual(body.results.map((r: any) => r.server.name));
    expect(paths).toHaveLength(2);
    expect(paths[1]).toMatch(new RegExp(`^/\\?q=pager&namespace=${PAGER.replace(/\./g, "\\.")}&cursor=[\\w-]+$`));
  });

  it("links back: Previous page, and First page from the third page on", async () => {
    const { paths } = await walk("/");
    expect(paths.length).toBeGreaterThanOrEqual(3);
    const first = await getPage(paths[0]!);
    expect(await queryAll(first.html, "nav.paging a:not([rel])")).toHaveLength(0);
    expect(await relLink(first.html, "prev")).toBeUndefined();
    const second = await getPage(paths[1]!);
    expect(await relLink(second.html, "prev")).toBe("/");
    const third = await getPage(paths[2]!);
    expect(await relLink(third.html, "prev")).toBe(paths[1]);
    const firstLink = await queryOne(third.html, "nav.paging a:not([rel])");
    expect(firstLink.text).toBe("First page");
    expect(firstLink.attrs.href).toBe("/");
  });
});
