// The home page's rendered copy in isolate memory is only a shortcut: every request still asks
// the API, so a publish or a status change shows on the next request; a copy never answers another
// view, another signed-in state or another host; and a copy is exactly what a fresh render makes.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { forgetRenderedPages } from "../worker/src/web/search-page-cache.ts";
import { addMember, githubUser, seedGroup } from "./helpers/group-fixtures.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { getPage, queryAll, queryOne, seedDemoCatalogue, withSession } from "./helpers/web.ts";

const NAME = "io.modelcontextprotocol.anonymous/fresh-page";

beforeAll(async () => {
  await seedDemoCatalogue();
  await seedGroup({ name: "open-team", visibility: "public", include: ["dev.weatherly/*"] });
  await addMember("open-team", "github:ivy", "viewer");
});

async function cardNames(html: string): Promise<string[]> {
  return (await queryAll(html, "ol#results > li.card .card-name code")).map((c) => c.text);
}

describe("rendered home pages kept in memory", () => {
  it("are the same as a fresh render", async () => {
    const first = await getPage("/?q=weather");
    const again = await getPage("/?q=weather");
    forgetRenderedPages();
    const fresh = await getPage("/?q=weather");
    expect(again.html).toBe(first.html);
    expect(fresh.html).toBe(first.html);
  });

  it("show a publish and a status change on the next request", async () => {
    expect(await cardNames((await getPage("/?q=fresh")).html)).not.toContain(NAME);
    const token = await tokenFor(publishAll("io.modelcontextprotocol.anonymous/*"));
    expect((await publish(token, serverJson(NAME, "1.0.0", { description: "Fresh page probe" }))).status).toBe(200);
    const after = await getPage("/?q=fresh");
    expect((await cardNames(after.html))[0]).toBe(NAME);
    const edit = await tokenFor(editAll("*"), "oidc", "moderator@example.test");
    expect((await patchStatus(edit, NAME, "1.0.0", { status: "deprecated" })).status).toBe(200);
    const deprecated = await getPage("/?q=fresh");
    expect(await queryAll(deprecated.html, "ol#results > li.card:first-child .badge.deprecated")).toHaveLength(1);
  });

  it("never answer another view, signed-in state or host", async () => {
    const anonymous = await getPage("/");
    const signedIn = await getPage("/", 200, withSession(await githubUser("ivy")));
    expect(anonymous.html).toContain(">Maintainers<");
    expect(signedIn.html).toContain("Maintain (signed in)");
    expect(signedIn.headers.get("cache-control")).toBe("private, no-store");
    expect((await queryOne(signedIn.html, "form#search-form")).attrs["data-source"]).toBe("page");
    expect((await queryOne(anonymous.html, "form#search-form")).attrs["data-source"]).toBe("api");

    const group = await getPage("/groups/open-team/");
    expect(group.headers.get("cache-control")).toBe("private, no-store");
    expect((await queryOne(group.html, "form#search-form")).attrs.action).toBe("/groups/open-team/");
    expect((await cardNames(group.html)).every((n) => n.startsWith("dev.weatherly/"))).toBe(true);

    const other = await exports.default.fetch(new Request("http://other-host.test/"));
    const otherHtml = await other.text();
    expect(otherHtml).toContain("http://other-host.test/mcp");
    expect(otherHtml).not.toContain("http://registry.test/mcp");
  });
});
