// Conditional reads never confirm what a caller may not see: a private group's answers are
// `private` with `Vary: Authorization` (public groups' too: a group's answer depends on who
// asks), and an outsider, whatever If-None-Match it sends (a member's tag, W/ of it, "*"), gets
// the same 404 as for an unknown group; a private server asked for at the root or in another
// group is a 404, never a 304.
import { beforeAll, describe, expect, it } from "vitest";
import { api, loadFixtures } from "./helpers/registry.ts";
import { addMember, githubUser, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";

const SECRET = "com.etagsecret/vault";
const OTHER = "com.etagother/thing";
let member: Record<string, string>;
let outsider: Record<string, string>;

beforeAll(async () => {
  await loadFixtures([{ name: "com.etagpub/open", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" }]);
  await seedGroup({ name: "etag-secret", visibility: "private", include: ["com.etagpub/*"] });
  await seedGroup({ name: "etag-other", visibility: "private" });
  await seedGroup({ name: "etag-open", visibility: "public", include: ["com.etagpub/*"] });
  await seedPrivate("etag-secret", [{ name: SECRET, version: "1.0.0", publishedAt: "2025-01-02T00:00:00Z" }]);
  await seedPrivate("etag-other", [{ name: OTHER, version: "1.0.0", publishedAt: "2025-01-03T00:00:00Z" }]);
  await addMember("etag-secret", "github:alice", "viewer");
  await addMember("etag-other", "github:mallory", "viewer");
  member = { authorization: `Bearer ${await githubUser("alice")}` };
  outsider = { authorization: `Bearer ${await githubUser("mallory")}` };
});

const enc = encodeURIComponent;
const INNER = [
  "/v0.1/servers",
  "/v0/servers?version=latest",
  `/v0.1/servers/${enc(SECRET)}/versions`,
  `/v0.1/servers/${enc(SECRET)}/versions/1.0.0`,
  `/v0.1/servers/${enc(SECRET)}/versions/latest`,
  "/x/search?q=vault",
  "/x/changes",
];

/** The member's answer: its tag, after checking it is private and varies on Authorization. */
async function memberTag(path: string): Promise<string> {
  const response = await api(path, { headers: member });
  expect(response.status, path).toBe(200);
  expect(response.headers.get("cache-control"), path).toMatch(/^private, /);
  expect(response.headers.get("vary"), path).toBe("Authorization, Origin");
  return response.headers.get("etag")!;
}

describe("a private group's conditional reads", () => {
  it("answer an outsider with any If-None-Match exactly like an unknown group", async () => {
    for (const inner of INNER) {
      const path = `/groups/etag-secret${inner}`;
      const etag = await memberTag(path);
      // The member's own revalidation works.
      expect((await api(path, { headers: { ...member, "if-none-match": etag } })).status, path).toBe(304);
      const unknown = await api(`/groups/etag-nosuch${inner}`);
      const unknownBody = (await unknown.text()).replaceAll("etag-nosuch", "G");
      for (const caller of [{}, outsider]) {
        for (const condition of [etag, `W/${etag}`, "*"]) {
          const response = await api(path, { headers: { ...caller, "if-none-match": condition } });
          expect(response.status, `${path} ${condition}`).toBe(404);
          expect((await response.text()).replaceAll("etag-secret", "G"), path).toBe(unknownBody);
          expect(response.headers.get("etag"), path).toBeNull();
          expect(response.headers.get("cache-control"), path).toBeNull();
        }
      }
    }
  });

  it("a bad token is a 401 whatever If-None-Match says", async () => {
    const path = "/groups/etag-secret/v0.1/servers";
    const etag = await memberTag(path);
    const response = await api(path, { headers: { authorization: "Bearer nonsense", "if-none-match": etag } });
    expect(response.status).toBe(401);
    expect(response.headers.get("etag")).toBeNull();
  });

  it("a private server is a 404 at the root and in another group, never a 304", async () => {
    const etag = await memberTag(`/groups/etag-secret/v0.1/servers/${enc(SECRET)}/versions/latest`);
    for (const [prefix, headers] of [
      ["", {}],
      ["", member],
      ["/groups/etag-other", outsider],
      ["/groups/etag-open", member],
    ] as const) {
      for (const suffix of ["/versions", "/versions/1.0.0", "/versions/latest"]) {
        const path = `${prefix}/v0.1/servers/${enc(SECRET)}${suffix}`;
        for (const condition of [etag, "*"]) {
          const response = await api(path, { headers: { ...headers, "if-none-match": condition } });
          expect(response.status, `${path} ${condition}`).toBe(404);
          expect(response.headers.get("etag"), path).toBeNull();
        }
      }
    }
  });

  it("a public group's answers are private too, and revalidate for anyone who may read them", async () => {
    for (const inner of ["/v0.1/servers", `/v0.1/servers/${enc("com.etagpub/open")}/versions/latest`, "/x/changes"]) {
      const path = `/groups/etag-open${inner}`;
      const response = await api(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toMatch(/^private, /);
      expect(response.headers.get("vary"), path).toBe("Authorization, Origin");
      const etag = response.headers.get("etag")!;
      for (const headers of [{}, outsider]) {
        expect((await api(path, { headers: { ...headers, "if-none-match": etag } })).status, path).toBe(304);
      }
    }
  });
});
