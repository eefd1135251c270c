// Every read route, at the root and under a group's prefix, answers with a strong ETag of its
// body and honours If-None-Match (the tag, W/ of it, "*", lists) with a bodiless 304 that keeps
// ETag, Cache-Control and Vary; any other tag gets the full answer. Status, body and
// content-type are those of a plain request; HEAD carries the same tag; CORS exposes ETag;
// errors keep their headers.
import { beforeAll, describe, expect, it } from "vitest";
import { api, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";
import { addMember, githubUser, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";

const PUBLIC: FixtureVersion[] = [
  { name: "com.etag/alpha", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
  { name: "com.etag/alpha", version: "1.1.0", publishedAt: "2025-01-02T00:00:00Z" },
  { name: "com.etag/beta", version: "1.0.0", publishedAt: "2025-01-03T00:00:00Z" },
  { name: "com.etag/beta", version: "2.0.0", status: "deleted", publishedAt: "2025-01-04T00:00:00Z" },
];
const TEAM: FixtureVersion[] = [
  { name: "com.etagteam/gamma", version: "1.0.0", publishedAt: "2025-01-05T00:00:00Z" },
  { name: "com.etagteam/gamma", version: "1.2.0", publishedAt: "2025-01-06T00:00:00Z" },
];

let alice: Record<string, string>;

beforeAll(async () => {
  await loadFixtures(PUBLIC);
  await seedGroup({ name: "etag-team", visibility: "private", include: ["com.etag/alpha"] });
  await seedPrivate("etag-team", TEAM);
  await addMember("etag-team", "github:alice", "viewer");
  alice = { authorization: `Bearer ${await githubUser("alice")}` };
});

const enc = encodeURIComponent;

/** Every read route's paths inside a view (prefix "" for the root). */
function readPaths(name: string): string[] {
  const paths: string[] = [];
  for (const api of ["/v0", "/v0.1"]) {
    paths.push(
      `${api}/servers`,
      `${api}/servers?limit=1`,
      `${api}/servers?version=latest`,
      `${api}/servers/${enc(name)}/versions`,
      `${api}/servers/${enc(name)}/versions?include_deleted=true`,
      `${api}/servers/${enc(name)}/versions/1.0.0`,
      `${api}/servers/${enc(name)}/versions/latest`,
    );
  }
  paths.push("/x/search?q=etag", "/x/search?q=alpha&limit=1", "/x/changes", "/x/changes?after=0&limit=2");
  return paths;
}

const VIEWS = [
  { label: "root", prefix: "", name: "com.etag/beta", scope: "public" },
  { label: "group", prefix: "/groups/etag-team", name: "com.etagteam/gamma", scope: "private" },
];

function headersOf(view: (typeof VIEWS)[number], extra: Record<string, string> = {}): Record<string, string> {
  return { ...(view.scope === "private" ? alice : {}), ...extra };
}

describe.each(VIEWS)("read routes ($label)", (view) => {
  it("carry a strong ETag, Cache-Control and Vary; status, body and content-type unchanged", async () => {
    for (const path of readPaths(view.name)) {
      const response = await api(`${view.prefix}${path}`, { headers: headersOf(view) });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toBe("application/json");
      expect(response.headers.get("etag"), path).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      const cacheControl = response.headers.get("cache-control");
      expect(cacheControl, path).toMatch(
        path.startsWith("/x/changes")
          ? new RegExp(`^${view.scope}, no-cache$`)
          : new RegExp(`^${view.scope}, max-age=\\d+, must-revalidate$`),
      );
      expect(response.headers.get("vary"), path).toBe(view.scope === "private" ? "Authorization, Origin" : "Origin");
      const text = await response.text();
      expect(() => JSON.parse(text), path).not.toThrow();
    }
  });

  it("answer a matching If-None-Match with 304, no body, the same ETag, Cache-Control and Vary", async () => {
    for (const path of readPaths(view.name)) {
      const first = await api(`${view.prefix}${path}`, { headers: headersOf(view) });
      const body = await first.text();
      const etag = first.headers.get("etag")!;
      const weak = `W/${etag}`;
      for (const condition of [etag, weak, "*", `"nope", ${etag}`, `W/"nope",${weak}`]) {
        const again = await api(`${view.prefix}${path}`, { headers: headersOf(view, { "if-none-match": condition }) });
        expect(again.status, `${path} If-None-Match: ${condition}`).toBe(304);
        expect(await again.text(), path).toBe("");
        expect(again.headers.get("etag"), path).toBe(etag);
        expect(again.headers.get("cache-control"), path).toBe(first.headers.get("cache-control"));
        expect(again.headers.get("vary"), path).toBe(first.headers.get("vary"));
        expect(again.headers.get("content-type"), path).toBeNull();
      }
      // Another tag (or only part of ours) gets the whole answer, as without the header.
      for (const condition of ['"nope"', `"x${etag.slice(1)}`, etag.slice(1, -1), `"nope", *`]) {
        const other = await api(`${view.prefix}${path}`, { headers: headersOf(view, { "if-none-match": condition }) });
        expect(other.status, `${path} If-None-Match: ${condition}`).toBe(200);
        expect(other.headers.get("etag"), path).toBe(etag);
        expect(await other.text(), path).toBe(body);
      }
    }
  });

  it("HEAD carries the same ETag, and answers 304 to a match", async () => {
    for (const path of readPaths(view.name)) {
      const get = await api(`${view.prefix}${path}`, { headers: headersOf(view) });
      const etag = get.headers.get("etag");
      const head = await api(`${view.prefix}${path}`, { method: "HEAD", headers: headersOf(view) });
      expect(head.status, path).toBe(200);
      expect(head.headers.get("etag"), path).toBe(etag);
      expect(head.headers.get("cache-control"), path).toBe(get.headers.get("cache-control"));
      expect(await head.text()).toBe("");
      const conditional = await api(`${view.prefix}${path}`, {
        method: "HEAD",
        headers: headersOf(view, { "if-none-match": etag! }),
      });
      expect(conditional.status, path).toBe(304);
      expect(conditional.headers.get("etag"), path).toBe(etag);
    }
  });
});

describe("tags follow the body", () => {
  it("the same answer has the same tag under both API prefixes; different answers differ", async () => {
    const tags = new Map<string, string>();
    for (const path of readPaths("com.etag/beta")) {
      const response = await api(path);
      const body = await response.text();
      const tag = response.headers.get("etag")!;
      const known = tags.get(body);
      if (known !== undefined) expect(tag, path).toBe(known);
      tags.set(body, tag);
    }
    // Different bodies, different tags.
    expect(new Set(tags.values()).size).toBe(tags.size);
    const v0 = await api("/v0/servers/com.etag%2Fbeta/versions/latest");
    const v01 = await api("/v0.1/servers/com.etag%2Fbeta/versions/latest");
    expect(v0.headers.get("etag")).toBe(v01.headers.get("etag"));
  });

  it("a public server seen through a group has the tag of its root answer (the body is the same)", async () => {
    const root = await api("/v0.1/servers/com.etag%2Falpha/versions/1.1.0");
    const inGroup = await api("/groups/etag-team/v0.1/servers/com.etag%2Falpha/versions/1.1.0", { headers: alice });
    expect(await inGroup.text()).toBe(await root.text());
    expect(inGroup.headers.get("etag")).toBe(root.headers.get("etag"));
    // …but the group's copy is still private.
    expect(inGroup.headers.get("cache-control")).toMatch(/^private, /);
  });
});

describe("root answers", () => {
  it("are the same for any caller, so public even for a request with a token", async () => {
    const anonymous = await api("/v0.1/servers/com.etag%2Falpha/versions/latest");
    for (const headers of [alice, { authorization: "Bearer nonsense" }]) {
      const response = await api("/v0.1/servers/com.etag%2Falpha/versions/latest", { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get("etag")).toBe(anonymous.headers.get("etag"));
      expect(response.headers.get("cache-control")).toMatch(/^public, /);
    }
  });
});

describe("CORS", () => {
  it("exposes ETag to browser scripts, names Origin in Vary once, and marks 304s too", async () => {
    const origin = { origin: "https://ide.example" };
    const response = await api("/v0.1/servers", { headers: origin });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toBe("Content-Type, Content-Length, ETag");
    expect(response.headers.get("vary")).toBe("Origin");
    const etag = response.headers.get("etag")!;
    const notModified = await api("/v0.1/servers", { headers: { ...origin, "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("access-control-allow-origin")).toBe("*");
    expect(notModified.headers.get("access-control-expose-headers")).toContain("ETag");
  });
});

describe("errors keep their headers", () => {
  it.each([
    ["/v0.1/servers/com.etag%2Fnope/versions", 404],
    ["/v0.1/servers/com.etag%2Fbeta/versions/2.0.0", 404],
    ["/v0.1/servers/com.etagteam%2Fgamma/versions/latest", 404],
    ["/v0.1/servers?limit=0", 422],
    ["/v0.1/servers/com.etag%2Fbeta/versions?include_deleted=maybe", 422],
    ["/x/search?limit=1000", 422],
    ["/x/changes?after=nope", 422],
  ])("%s answers %i to If-None-Match: * too, with no ETag or Cache-Control", async (path, status) => {
    const plain = await api(path);
    const conditional = await api(path, { headers: { "if-none-match": "*" } });
    expect(plain.status).toBe(status);
    expect(conditional.status).toBe(status);
    expect(await conditional.text()).toBe(await plain.text());
    for (const response of [plain, conditional]) {
      expect(response.headers.get("etag")).toBeNull();
      expect(response.headers.get("cache-control")).toBeNull();
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});
