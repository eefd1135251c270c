// The server page in a private group: a private server's page is a 404 for anyone without a
// role (at the root too, signed in or not) and shown under /groups/{g}/ to a member signed in
// with the session cookie, kept by no shared cache; it has no report form (reports are about
// public servers). A public server the group includes can be reported from the group's page.
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, githubUser, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";
import { adminGet, maintainerToken } from "./helpers/moderation.ts";
import { api, loadFixtures } from "./helpers/registry.ts";
import { fetchPage, formPost, getPage, queryAll, queryOne, visibleText, withSession } from "./helpers/web.ts";
import { serverPagePath } from "./helpers/web-server-page.ts";

const GROUP = "page-secrets";
const BASE = `/groups/${GROUP}`;
const PRIVATE = "com.pagesecret/vault";
const PUBLIC = "com.pagepub/tool";

let member: string;
let outsider: string;

beforeAll(async () => {
  await loadFixtures([{ name: PUBLIC, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" }]);
  await seedGroup({ name: GROUP, visibility: "private", include: [PUBLIC] });
  await seedPrivate(GROUP, [{ name: PRIVATE, version: "1.0.0", publishedAt: "2025-01-02T00:00:00Z" }]);
  await addMember(GROUP, "github:alice", "viewer");
  member = await githubUser("alice");
  outsider = await githubUser("mallory");
});

describe("a private group's server page", () => {
  it("is a 404 for anonymous callers, at the root and under the group", async () => {
    for (const path of [serverPagePath(PRIVATE), serverPagePath(PRIVATE, BASE), serverPagePath(PUBLIC, BASE)]) {
      const page = await getPage(path, 404);
      expect(page.html, path).not.toContain("vault 1.0.0");
      expect(visibleText(page.html), path).not.toContain(PRIVATE);
    }
  });

  it("is a 404 for a signed-in outsider, and at the root even for a member", async () => {
    await getPage(serverPagePath(PRIVATE, BASE), 404, withSession(outsider));
    await getPage(serverPagePath(PRIVATE), 404, withSession(member));
  });

  it("is shown to a signed-in member under the group, privately, without a report form", async () => {
    const page = await getPage(serverPagePath(PRIVATE, BASE), 200, withSession(member));
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect((await queryOne(page.html, "h1")).text).toBe(PRIVATE);
    const links = await queryAll(page.html, "table#versions a");
    expect(links.map((l) => l.attrs.href)).toEqual([`${serverPagePath(PRIVATE, BASE)}?version=1.0.0`]);
    expect(await queryAll(page.html, "form#report")).toHaveLength(0);
    expect(visibleText(page.html)).toContain("private to the group");
    // Its report post is refused too, and files nothing.
    const posted = await api(
      `${serverPagePath(PRIVATE, BASE)}/report`,
      formPost({ reason: "spam" }, withSession(member)),
    );
    expect(posted.status).toBe(404);
  });

  it("lets a member report a public server the group includes, filed with the public registry", async () => {
    const page = await getPage(serverPagePath(PUBLIC, BASE), 200, withSession(member));
    const form = await queryOne(page.html, "form#report");
    expect(form.attrs.action).toBe(`${serverPagePath(PUBLIC, BASE)}/report`);
    const details = "Reported from the group's page";
    const posted = await api(form.attrs.action!, formPost({ reason: "broken", details }, withSession(member)));
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`${serverPagePath(PUBLIC, BASE)}?reported=1`);
    const thanked = await fetchPage(posted.headers.get("location")!, withSession(member));
    expect((await queryOne(thanked.html, ".notice.ok")).text).toContain("your report was received");
    const { body } = await adminGet(await maintainerToken(), `/x/admin/reports?name=${encodeURIComponent(PUBLIC)}`);
    expect(body.reports).toContainEqual(expect.objectContaining({ name: PUBLIC, reason: "broken", details }));
    // An outsider's post under the group is a 404, as the page is.
    const outside = await api(form.attrs.action!, formPost({ reason: "spam" }, withSession(outsider)));
    expect(outside.status).toBe(404);
  });
});
