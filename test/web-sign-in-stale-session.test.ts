// A session whose token the API no longer accepts (a registry token expired after 5 minutes, a
// revoked personal token, a cookie that was never a token) does not hide what a visitor may read:
// a public group's home page and guide show as to a visitor, a private group's stay its 404.
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";
import { personalToken, revokeToken } from "./helpers/groups.ts";
import { api } from "./helpers/registry.ts";
import { getPage, queryAll, seedDemoCatalogue, visibleText, withSession } from "./helpers/web.ts";
import { expiredRegistryToken } from "./helpers/web-session.ts";

const PUBLIC = "open-team";
const PRIVATE = "closed-team";
const HIDDEN = "com.closed-stale/vault";
const stale: Record<string, string> = {};

beforeAll(async () => {
  await seedDemoCatalogue();
  await seedGroup({ name: PUBLIC, visibility: "public", include: ["dev.weatherly/*"] });
  await seedGroup({ name: PRIVATE, visibility: "private", include: ["dev.weatherly/*"] });
  await seedPrivate(PRIVATE, [{ name: HIDDEN, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" }]);
  await addMember(PRIVATE, "github:stella", "viewer");
  const pat = await personalToken("stella", [{ group: PRIVATE, role: "viewer" }]);
  await revokeToken(pat.id, pat.token);
  stale.expired = await expiredRegistryToken("stella");
  stale.revoked = pat.token;
  stale.bogus = "not-a-token-of-ours";
});

async function cardNames(html: string): Promise<string[]> {
  return (await queryAll(html, "ol#results > li.card .card-name code")).map((c) => c.text);
}

describe("a session the API no longer accepts", () => {
  it("is refused by the API itself under a group (what the pages must not pass on)", async () => {
    for (const [kind, token] of Object.entries(stale)) {
      const response = await api(`/groups/${PUBLIC}/x/search?q=weather`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, kind).toBe(401);
    }
  });

  it("shows a public group's home page and guide as to a visitor", async () => {
    const visitor = await cardNames((await getPage(`/groups/${PUBLIC}/?q=weather`)).html);
    expect(visitor.length).toBeGreaterThan(0);
    for (const [kind, token] of Object.entries(stale)) {
      const home = await getPage(`/groups/${PUBLIC}/?q=weather`, 200, withSession(token));
      expect(await cardNames(home.html), kind).toEqual(visitor);
      expect(home.headers.get("cache-control")).toBe("private, no-store");
      const guide = await getPage(`/groups/${PUBLIC}/guide`, 200, withSession(token));
      expect(visibleText(guide.html)).toContain(`This is the URL of the group ${PUBLIC}`);
    }
  });

  it("answers a private group's home page and guide with its 404, even for a former member", async () => {
    for (const [kind, token] of Object.entries(stale)) {
      for (const path of [`/groups/${PRIVATE}/`, `/groups/${PRIVATE}/?q=vault`, `/groups/${PRIVATE}/guide`]) {
        const page = await getPage(path, 404, withSession(token));
        expect(visibleText(page.html), `${kind} ${path}`).not.toContain(HIDDEN);
      }
    }
  });
});
