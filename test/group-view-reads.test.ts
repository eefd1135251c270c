// A group's view (GET /groups/{g}/v0(.1)/servers, versions, detail) shows the group's own
// servers plus the public servers its include patterns match, nothing else: pages in (name,
// version) order with the official cursor; the same 404 as an unknown name for everything else;
// caches warmed in one view never answer another; a changed include list shows at once.
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";
import { addMember, bearer, githubUser, seedGroup, seedPrivate, setIncludes } from "./helpers/group-fixtures.ts";

const PUBLIC: FixtureVersion[] = [
  { name: "com.pub/alpha", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
  { name: "com.pub/alpha", version: "1.1.0", publishedAt: "2025-01-02T00:00:00Z" },
  { name: "com.pub/beta", version: "1.0.0", publishedAt: "2025-01-03T00:00:00Z" },
  { name: "io.shared/one", version: "1.0.0", publishedAt: "2025-01-04T00:00:00Z" },
  { name: "io.shared/one", version: "2.0.0", status: "deleted", publishedAt: "2025-01-05T00:00:00Z" },
  { name: "io.shared/two", version: "1.0.0", publishedAt: "2025-01-06T00:00:00Z" },
  { name: "io.sharedfoo/xx", version: "1.0.0", publishedAt: "2025-01-07T00:00:00Z" },
];
const DEV: FixtureVersion[] = [
  { name: "com.devsecret/aa", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
  { name: "com.devsecret/aa", version: "1.1.0", publishedAt: "2025-01-08T00:00:00Z" },
  { name: "com.devsecret/aa", version: "2.0.0", status: "deleted", publishedAt: "2025-01-09T00:00:00Z" },
  { name: "com.devsecret/bb", version: "1.0.0", publishedAt: "2025-01-10T00:00:00Z" },
];
const PROD: FixtureVersion[] = [{ name: "com.prodsecret/pp", version: "1.0.0", publishedAt: "2025-01-11T00:00:00Z" }];

let alice: RequestInit;

beforeAll(async () => {
  await loadFixtures(PUBLIC);
  await seedGroup({ name: "dev-mcps", visibility: "private", include: ["com.pub/alpha", "io.shared/*"] });
  await seedGroup({ name: "prod-mcps", visibility: "public", include: ["io.shared/two"] });
  await seedPrivate("dev-mcps", DEV);
  await seedPrivate("prod-mcps", PROD);
  await addMember("dev-mcps", "github:alice", "viewer");
  alice = bearer(await githubUser("alice"));
});

const key = (item: any) => `${item.server.name}@${item.server.version}`;

/** Every page of a list query in a view, following nextCursor. */
async function walk(base: string, query: string, limit: number, init?: RequestInit): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    const { status, body } = await apiJson(`${base}/servers?${params}`, init);
    expect(status, `${base}/servers?${params}`).toBe(200);
    out.push(...body.servers.map(key));
    cursor = body.metadata.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("paging does not end");
}

const DEV_ALL = [
  "com.devsecret/aa@1.0.0",
  "com.devsecret/aa@1.1.0",
  "com.devsecret/bb@1.0.0",
  "com.pub/alpha@1.0.0",
  "com.pub/alpha@1.1.0",
  "io.shared/one@1.0.0",
  "io.shared/two@1.0.0",
];

describe("a group's view of the list", () => {
  it("a private group answers anonymous callers like an unknown path", async () => {
    const anonymous = await api("/groups/dev-mcps/v0.1/servers");
    const unknown = await api("/groups/no-such-group/v0.1/servers");
    expect(anonymous.status).toBe(404);
    // The same answer, but for the path it echoes.
    expect((await anonymous.text()).replaceAll("dev-mcps", "G")).toBe(
      (await unknown.text()).replaceAll("no-such-group", "G"),
    );
  });

  it("lists its own servers and the included public ones, in order, on every page size", async () => {
    for (const prefix of ["/groups/dev-mcps/v0", "/groups/dev-mcps/v0.1"]) {
      for (const limit of [1, 2, 3, 100]) expect(await walk(prefix, "", limit, alice)).toEqual(DEV_ALL);
    }
  });

  it("applies every list parameter inside the view", async () => {
    const base = "/groups/dev-mcps/v0.1";
    expect(await walk(base, "include_deleted=true", 2, alice)).toEqual(
      [...DEV_ALL, "com.devsecret/aa@2.0.0", "io.shared/one@2.0.0"].sort(),
    );
    expect(await walk(base, "version=latest", 2, alice)).toEqual([
      "com.devsecret/aa@1.1.0",
      "com.devsecret/bb@1.0.0",
      "com.pub/alpha@1.1.0",
      "io.shared/one@1.0.0",
      "io.shared/two@1.0.0",
    ]);
    expect(await walk(base, "version=1.0.0", 2, alice)).toEqual(DEV_ALL.filter((k) => k.endsWith("@1.0.0")));
    expect(await walk(base, "search=SECRET", 1, alice)).toEqual(DEV_ALL.filter((k) => k.includes("secret")));
    expect(await walk(base, "search=shared", 1, alice)).toEqual(["io.shared/one@1.0.0", "io.shared/two@1.0.0"]);
    expect(await walk(base, "updated_since=2025-01-07T12:00:00Z", 1, alice)).toEqual([
      "com.devsecret/aa@1.1.0",
      "com.devsecret/aa@2.0.0",
      "com.devsecret/bb@1.0.0",
    ]);
    expect(await walk(base, "cursor=com.pub%2Falpha:1.0.0", 2, alice)).toEqual(DEV_ALL.slice(4));
    expect(await walk(base, "cursor=com.devsecret%2Faa", 100, alice)).toEqual(DEV_ALL.slice(2));
  });

  it("a public group is readable anonymously and shows only its own and included servers", async () => {
    expect(await walk("/groups/prod-mcps/v0.1", "", 1)).toEqual(["com.prodsecret/pp@1.0.0", "io.shared/two@1.0.0"]);
    expect(await walk("/groups/prod-mcps/v0.1", "include_deleted=true", 100)).toEqual([
      "com.prodsecret/pp@1.0.0",
      "io.shared/two@1.0.0",
    ]);
  });

  it("caches warmed by one view never answer another", async () => {
    for (const query of ["", "search=secret", "version=latest", "include_deleted=true"]) {
      // The same canonical query in every view, each read twice (cold then warm).
      for (let round = 0; round < 2; round++) {
        const dev = await walk("/groups/dev-mcps/v0.1", query, 100, alice);
        const prod = await walk("/groups/prod-mcps/v0.1", query, 100);
        const pub = await walk("/v0.1", query, 100);
        expect(dev.some((k) => k.includes("prodsecret"))).toBe(false);
        expect(prod.some((k) => k.includes("devsecret"))).toBe(false);
        expect(pub.some((k) => k.includes("secret"))).toBe(false);
        // Alice's token does not change the public view.
        expect(await walk("/v0.1", query, 100, alice)).toEqual(pub);
      }
    }
  });

  it("a changed include list takes effect at once", async () => {
    await setIncludes("dev-mcps", ["com.pub/*"]);
    expect(await walk("/groups/dev-mcps/v0.1", "", 2, alice)).toEqual([
      "com.devsecret/aa@1.0.0",
      "com.devsecret/aa@1.1.0",
      "com.devsecret/bb@1.0.0",
      "com.pub/alpha@1.0.0",
      "com.pub/alpha@1.1.0",
      "com.pub/beta@1.0.0",
    ]);
    const shared = await api("/groups/dev-mcps/v0.1/servers/io.shared%2Fone/versions", alice);
    expect(shared.status).toBe(404);
    await setIncludes("dev-mcps", ["com.pub/alpha", "io.shared/*"]);
    expect(await walk("/groups/dev-mcps/v0.1", "", 2, alice)).toEqual(DEV_ALL);
  });
});

describe("a group's view of versions and detail", () => {
  const unknownBody = async () => (await api("/v0.1/servers/com.nothing%2Fhere/versions")).text();

  it("serves its own and included servers", async () => {
    const versions = await apiJson("/groups/dev-mcps/v0.1/servers/com.devsecret%2Faa/versions", alice);
    expect(versions.status).toBe(200);
    expect(versions.body.servers.map(key)).toEqual(["com.devsecret/aa@1.1.0", "com.devsecret/aa@1.0.0"]);
    const withDeleted = await apiJson(
      "/groups/dev-mcps/v0/servers/com.devsecret%2Faa/versions?include_deleted=true",
      alice,
    );
    expect(withDeleted.body.servers.map(key)).toEqual([
      "com.devsecret/aa@2.0.0",
      "com.devsecret/aa@1.1.0",
      "com.devsecret/aa@1.0.0",
    ]);
    const latest = await apiJson("/groups/dev-mcps/v0.1/servers/com.devsecret%2Faa/versions/latest", alice);
    expect(key(latest.body)).toBe("com.devsecret/aa@1.1.0");
    const included = await apiJson("/groups/dev-mcps/v0.1/servers/io.shared%2Fone/versions/1.0.0", alice);
    expect(included.status).toBe(200);
    const prodOwn = await apiJson("/groups/prod-mcps/v0.1/servers/com.prodsecret%2Fpp/versions/latest");
    expect(key(prodOwn.body)).toBe("com.prodsecret/pp@1.0.0");
  });

  it("answers everything else exactly like an unknown name", async () => {
    const unknown = await unknownBody();
    const cases: [string, RequestInit | undefined][] = [
      ["/groups/dev-mcps/v0.1/servers/com.pub%2Fbeta/versions", alice],
      ["/groups/dev-mcps/v0.1/servers/com.pub%2Fbeta/versions/1.0.0", alice],
      ["/groups/dev-mcps/v0.1/servers/io.sharedfoo%2Fxx/versions/latest", alice],
      ["/groups/dev-mcps/v0.1/servers/com.prodsecret%2Fpp/versions", alice],
      ["/groups/dev-mcps/v0.1/servers/com.prodsecret%2Fpp/versions/1.0.0?include_deleted=true", alice],
      ["/groups/prod-mcps/v0.1/servers/com.devsecret%2Faa/versions", undefined],
      ["/groups/prod-mcps/v0.1/servers/com.devsecret%2Faa/versions/latest", alice],
      ["/groups/prod-mcps/v0.1/servers/com.pub%2Falpha/versions", undefined],
      ["/v0.1/servers/com.devsecret%2Faa/versions", alice],
      ["/v0.1/servers/com.prodsecret%2Fpp/versions/latest", undefined],
    ];
    // Warm every view's per-name entries first: the checks must hold from the caches too.
    await api("/groups/dev-mcps/v0.1/servers/com.devsecret%2Faa/versions", alice);
    await api("/groups/prod-mcps/v0.1/servers/com.prodsecret%2Fpp/versions");
    for (let round = 0; round < 2; round++) {
      for (const [path, init] of cases) {
        const response = await api(path, init);
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).toBe(unknown);
      }
    }
  });
});
