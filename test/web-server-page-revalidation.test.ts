// A rendered server page is kept per page key and served again only when the API answers the
// caller's If-None-Match with a 304: a new version or a status change shows on the very next
// view of every kept variant, and a page kept for one view or caller is never what another one
// gets (a private server's page stays a 404 to outsiders, whoever viewed it before them).
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, githubUser, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { getPage, queryAll, queryOne, visibleText, withSession } from "./helpers/web.ts";
import { richServer, serverPagePath } from "./helpers/web-server-page.ts";

const NS = "com.page-reval";
const NAME = `${NS}/kept`;
const PATH = serverPagePath(NAME);
const CLOSED = "page-reval";
const OPEN = "page-reval-open";
const PRIVATE = "com.page-reval-secret/vault";

let token: string;
let member: string;
let outsider: string;

/** Views `path` twice (the second from the kept page) and answers the second. */
async function viewedTwice(path: string, init?: RequestInit) {
  const first = await getPage(path, 200, init);
  const second = await getPage(path, 200, init);
  expect(second.html).toBe(first.html);
  return second;
}

beforeAll(async () => {
  token = await tokenFor(publishAll(`${NS}/*`));
  expect((await publish(token, richServer(NAME, "1.0.0"))).status).toBe(200);
  await seedGroup({ name: CLOSED, visibility: "private", include: [NAME] });
  await seedGroup({ name: OPEN, visibility: "public", include: [NAME] });
  await seedPrivate(CLOSED, [{ name: PRIVATE, version: "1.0.0", publishedAt: "2025-01-02T00:00:00Z" }]);
  await addMember(CLOSED, "github:alice", "viewer");
  member = await githubUser("alice");
  outsider = await githubUser("mallory");
});

describe("a kept server page", () => {
  it("shows a new version and a status change on the next view, on every kept variant", async () => {
    const older = `${PATH}?version=1.0.0`;
    expect(visibleText((await viewedTwice(PATH)).html)).toContain("version 1.0.0");
    await viewedTwice(older);
    await viewedTwice(serverPagePath(NAME, `/groups/${OPEN}`));

    expect((await publish(token, richServer(NAME, "1.1.0"))).status).toBe(200);
    expect(visibleText((await getPage(PATH)).html)).toContain("version 1.1.0");
    expect(visibleText((await getPage(older)).html)).toContain("The latest is 1.1.0");
    expect(visibleText((await getPage(serverPagePath(NAME, `/groups/${OPEN}`))).html)).toContain("version 1.1.0");

    const deprecated = await patchStatus(token, NAME, "1.1.0", { status: "deprecated", statusMessage: "Use 2.x" });
    expect(deprecated.status, JSON.stringify(deprecated.body)).toBe(200);
    const page = await getPage(PATH);
    await queryOne(page.html, ".server-head .badge.deprecated");
    expect(visibleText(page.html)).toContain("Use 2.x");

    expect((await patchStatus(token, NAME, "1.1.0", { status: "active" })).status).toBe(200);
    expect(await queryAll((await getPage(PATH)).html, ".server-head .badge.deprecated")).toHaveLength(0);
  });

  it("is kept per view and per signed-in state: each gets its own links and navigation", async () => {
    const root = await viewedTwice(PATH);
    const open = await viewedTwice(serverPagePath(NAME, `/groups/${OPEN}`));
    const signedIn = await viewedTwice(PATH, withSession(outsider));
    expect((await queryOne(root.html, "form#report")).attrs.action).toBe(`${PATH}/report`);
    expect((await queryOne(open.html, "form#report")).attrs.action).toBe(
      `${serverPagePath(NAME, `/groups/${OPEN}`)}/report`,
    );
    expect(visibleText(root.html)).not.toContain("signed in");
    expect(visibleText(signedIn.html)).toContain("Maintain (signed in)");
    // Viewed again after the others: still the root's anonymous page.
    expect((await getPage(PATH)).html).toBe(root.html);
  });

  it("of a private server is a 404 to everyone the API refuses, after a member viewed it", async () => {
    const path = serverPagePath(PRIVATE, `/groups/${CLOSED}`);
    const page = await viewedTwice(path, withSession(member));
    expect((await queryOne(page.html, "h1")).text).toBe(PRIVATE);
    for (const init of [undefined, withSession(outsider), withSession("not-a-registry-token")]) {
      const refused = await getPage(path, 404, init);
      expect(visibleText(refused.html)).not.toContain(PRIVATE);
    }
    // The group's included public server too: the closed group answers outsiders 404.
    await viewedTwice(serverPagePath(NAME, `/groups/${CLOSED}`), withSession(member));
    await getPage(serverPagePath(NAME, `/groups/${CLOSED}`), 404, withSession(outsider));
    await getPage(serverPagePath(PRIVATE), 404, withSession(member));
    expect((await getPage(path, 200, withSession(member))).html).toBe(page.html);
  });

  it("with a session the API refuses, shows a public group's page as any visitor sees it", async () => {
    const path = serverPagePath(NAME, `/groups/${OPEN}`);
    await viewedTwice(path, withSession(member));
    for (let i = 0; i < 2; i++) {
      const refused = await getPage(path, 200, withSession("not-a-registry-token"));
      expect((await queryOne(refused.html, "h1")).text).toBe("Weather Station");
      expect((await queryOne(refused.html, "form#report")).attrs.action).toBe(`${path}/report`);
    }
  });
});
