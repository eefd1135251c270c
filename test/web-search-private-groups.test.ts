// A group's home page is its view, read through the API as the caller: a private group's page is
// the HTML 404 to anyone without a role (also HEAD, also after a member's page was rendered), a
// member signed in sees its private servers, and those never show on the public home page, its
// counts or its facets, whoever asks.
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, githubUser, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";
import { apiJson } from "./helpers/registry.ts";
import { fetchPage, getPage, queryAll, queryOne, seedDemoCatalogue, visibleText, withSession } from "./helpers/web.ts";

const GROUP = "secret-team";
const PRIVATE = ["com.hushhush/weather-vault", "com.hushhush/ledger"];
let member: string;
let outsider: string;

beforeAll(async () => {
  await seedDemoCatalogue();
  await seedGroup({ name: GROUP, visibility: "private", include: ["dev.weatherly/*"] });
  await seedPrivate(GROUP, [
    {
      name: PRIVATE[0]!,
      version: "1.0.0",
      publishedAt: "2025-01-01T00:00:00Z",
      extra: {
        packages: [
          {
            registryType: "nuget",
            identifier: "Hush.Weather",
            version: "1.0.0",
            transport: { type: "sse", url: "https://h.example/sse" },
          },
        ],
      },
    },
    { name: PRIVATE[1]!, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
  ]);
  await addMember(GROUP, "github:mia", "viewer");
  member = await githubUser("mia");
  outsider = await githubUser("oscar");
});

async function cardNames(html: string): Promise<string[]> {
  return (await queryAll(html, "ol#results > li.card .card-name code")).map((c) => c.text);
}

describe("a private group's home page", () => {
  it("shows a signed-in member the group's view, kept by no shared cache", async () => {
    const page = await getPage(`/groups/${GROUP}/?q=weather`, 200, withSession(member));
    const names = await cardNames(page.html);
    expect(names).toContain(PRIVATE[0]);
    expect(names.every((n) => n.startsWith("com.hushhush/") || n.startsWith("dev.weatherly/"))).toBe(true);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    const link = (await queryAll(page.html, "ol#results a"))[0]!;
    expect(link.attrs.href).toMatch(new RegExp(`^/groups/${GROUP}/server/`));
    expect((await queryOne(page.html, 'form[role="search"]')).attrs.action).toBe(`/groups/${GROUP}/`);
  });

  it("is the HTML 404 to anonymous callers and outsiders, for GET and HEAD", async () => {
    // A member's page first: whatever is kept for it must not answer anyone else.
    await getPage(`/groups/${GROUP}/`, 200, withSession(member));
    for (const init of [undefined, withSession(outsider)]) {
      const page = await getPage(`/groups/${GROUP}/`, 404, init);
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      const text = visibleText(page.html);
      for (const name of PRIVATE) expect(text).not.toContain(name);
      expect(text).not.toContain("hushhush");
      const head = await fetchPage(`/groups/${GROUP}/`, { ...init, method: "HEAD" });
      expect(head.status).toBe(404);
      expect(head.html).toBe("");
    }
    // As an unknown group does.
    const unknown = await getPage("/groups/no-such-group/", 404);
    expect(visibleText(unknown.html)).toBe(
      visibleText((await getPage(`/groups/${GROUP}/`, 404)).html).replaceAll(GROUP, "no-such-group"),
    );
  });

  it("never lists its servers or counts them on the public home page, whoever asks", async () => {
    const { body } = await apiJson("/x/search?q=weather&limit=100");
    for (const init of [undefined, withSession(member)]) {
      for (const path of ["/?q=weather", "/?q=hushhush", "/?registryType=nuget", "/?transport=sse", "/"]) {
        const page = await getPage(path, 200, init);
        const { body: publicAnswer } = await apiJson(`/x/search${path.slice(1)}`);
        expect(await cardNames(page.html), path).toEqual(publicAnswer.results.map((r: any) => r.server.name));
        expect((await cardNames(page.html)).join(), path).not.toContain("hushhush");
      }
      const none = await getPage("/?q=hushhush", 200, init);
      expect((await queryOne(none.html, "#result-count")).text).toBe("No servers match");
      const page = await getPage("/?q=weather", 200, init);
      expect(await cardNames(page.html)).toEqual(body.results.map((r: any) => r.server.name));
      expect((await queryOne(page.html, "#result-count")).text).toBe(`${body.metadata.total} servers`);
      for (const [facet, counts] of Object.entries(body.facets as Record<string, Record<string, number>>)) {
        for (const [value, count] of Object.entries(counts)) {
          const span = await queryOne(page.html, `fieldset[name="${facet}"] [data-count-for="${value}"]`);
          expect(span.text, `${facet}=${value}`).toBe(String(count));
        }
      }
    }
  });
});
