// The public catalogue treats a group's private servers as nonexistent: no list page (any
// parameter, any page), no versions or detail (the same 404 as an unknown name), no /x/search
// result, facet or total, no moderation-log entry names them; with cold and warm caches, before
// and after the search index build, and for private servers added after the build (overlay).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { api, apiJson, loadFixtures } from "./helpers/registry.ts";
import { seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";

const LEAK = /com\.secret/i;
const PREFIXES = ["/v0", "/v0.1"];
const SECRET_REMOTE = { remotes: [{ type: "sse", url: "https://mcp.secret-host.example/sse" }] };

beforeAll(async () => {
  await loadFixtures([
    { name: "com.pub/alpha", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
    { name: "com.pub/alpha", version: "1.1.0", publishedAt: "2025-01-02T00:00:00Z" },
    { name: "com.pub/beta", version: "1.0.0", publishedAt: "2025-01-03T00:00:00Z" },
    { name: "com.pub/gone", version: "1.0.0", status: "deleted", publishedAt: "2025-01-04T00:00:00Z" },
  ]);
  await seedGroup({ name: "dev-mcps", visibility: "private", include: ["*"] });
  await seedPrivate("dev-mcps", [
    { name: "com.secret/tool-a", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z", extra: SECRET_REMOTE },
    { name: "com.secret/tool-a", version: "1.1.0", publishedAt: "2025-01-05T00:00:00Z", extra: SECRET_REMOTE },
    {
      name: "com.secret/tool-a",
      version: "2.0.0",
      status: "deleted",
      publishedAt: "2025-01-06T00:00:00Z",
      extra: SECRET_REMOTE,
    },
    { name: "com.secret/pub-alpha", version: "1.0.0", publishedAt: "2025-01-07T00:00:00Z" },
  ]);
  // Decisions about private servers, as the writers would have recorded them (flagged private).
  for (const [stream, action, name, detail] of [
    ["com.secret", "resolve", "com.secret/tool-a", { action: "deprecate", message: "private decision", private: true }],
    [
      "~moderation",
      "denylist-add",
      "com.secret/pub-alpha",
      { kind: "server", value: "com.secret/pub-alpha", private: true },
    ],
    ["~moderation", "denylist-add", "com.public-ns", { kind: "namespace", value: "com.public-ns", reason: "spam" }],
  ] as const) {
    await env.DB.prepare(
      `INSERT INTO audit_log (namespace, seq, at, actor_method, actor_subject, action, name, version, outcome, reason, request_id, detail)
       VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM audit_log WHERE namespace = ?1), ?2, 'oidc', 'moderator', ?3, ?4, NULL, 'ok', NULL, NULL, ?5)`,
    )
      .bind(stream, Date.now() * 1000, action, name, JSON.stringify(detail))
      .run();
  }
});

/** Every page of one list query, as text. */
async function listPages(prefix: string, query: string, limit: number): Promise<string[]> {
  const pages: string[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    const response = await api(`${prefix}/servers?${params}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    pages.push(text);
    cursor = JSON.parse(text).metadata.nextCursor;
  } while (cursor);
  return pages;
}

const LIST_QUERIES = [
  "",
  "search=secret",
  "search=com.",
  "search=alpha",
  "search=tool",
  "version=latest",
  "version=1.0.0",
  "version=1.1.0",
  "include_deleted=true",
  "updated_since=2000-01-01T00:00:00Z",
  "updated_since=2000-01-01T00:00:00Z&version=latest",
  "search=secret&include_deleted=true&version=latest",
  "cursor=com.secret%2Ftool-a:1.0.0",
  "cursor=com.secret",
];

async function expectNoListLeak(): Promise<void> {
  for (const prefix of PREFIXES) {
    for (const query of LIST_QUERIES) {
      for (const limit of [1, 3, 100]) {
        for (const page of await listPages(prefix, query, limit)) expect(page).not.toMatch(LEAK);
      }
    }
  }
  const { body } = await apiJson("/v0.1/servers?include_deleted=true&limit=100");
  expect(body.servers.map((s: any) => `${s.server.name}@${s.server.version}`)).toEqual([
    "com.pub/alpha@1.0.0",
    "com.pub/alpha@1.1.0",
    "com.pub/beta@1.0.0",
    "com.pub/gone@1.0.0",
  ]);
}

async function expectNoDetailLeak(): Promise<void> {
  const unknown = await (await api("/v0.1/servers/com.nothing%2Fhere/versions")).text();
  for (const prefix of PREFIXES) {
    for (const name of ["com.secret/tool-a", "com.secret/pub-alpha", "com.secret2/late"]) {
      const base = `${prefix}/servers/${encodeURIComponent(name)}/versions`;
      for (const path of [
        base,
        `${base}?include_deleted=true`,
        `${base}/latest`,
        `${base}/1.0.0`,
        `${base}/2.0.0?include_deleted=true`,
      ]) {
        const response = await api(path);
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).toBe(unknown);
      }
    }
  }
}

/** Every page of one /x/search query, as text. */
async function searchPages(query: string, limit: number): Promise<string[]> {
  const pages: string[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    const response = await api(`/x/search?${params}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    pages.push(text);
    cursor = JSON.parse(text).metadata.nextCursor;
  } while (cursor);
  return pages;
}

const SEARCH_QUERIES = [
  "",
  "q=secret",
  "q=tool",
  "q=alpha",
  "q=com.secret%2Ftool-a",
  "q=test server",
  "namespace=com.secret",
  "hosting=remote",
  "transport=sse",
  "status=active,deprecated",
];

async function expectNoSearchLeak(): Promise<void> {
  for (const query of SEARCH_QUERIES) {
    for (const limit of [1, 100]) {
      for (const page of await searchPages(query, limit)) {
        expect(page).not.toMatch(LEAK);
        // The private servers' only remote (sse, remote hosting) must not be counted.
        expect(page).not.toMatch(/"sse"|"remote"|secret-host/);
      }
    }
  }
  const all = await apiJson("/x/search?limit=100");
  expect(all.body.results.map((r: any) => r.server.name)).toEqual(["com.pub/alpha", "com.pub/beta"]);
  expect(all.body.metadata.total).toBe(2);
  const ns = await apiJson("/x/search?namespace=com.secret");
  expect(ns.body.metadata.total).toBe(0);
  expect(ns.body.facets).toEqual({ registryType: {}, transport: {}, hosting: {} });
}

async function expectNoModerationLeak(): Promise<void> {
  const { status, body } = await apiJson("/x/moderation-log?limit=100");
  expect(status).toBe(200);
  expect(JSON.stringify(body)).not.toMatch(LEAK);
  expect(body.decisions.map((d: any) => d.target.value)).toContain("com.public-ns");
}

async function expectNoLeak(): Promise<void> {
  await expectNoListLeak();
  await expectNoDetailLeak();
  await expectNoSearchLeak();
  await expectNoModerationLeak();
}

describe("the public view never shows private servers", () => {
  it("with cold caches and no search index (everything from the overlay)", async () => {
    await expectNoLeak();
  });

  it("with warm caches (the same reads again)", async () => {
    await expectNoLeak();
  });

  it("after the search index build, and for private servers added after it", async () => {
    expect((await buildSearchIndex(env)).state).toBe("published");
    await expectNoLeak();
    await seedPrivate("dev-mcps", [
      {
        name: "com.secret2/late",
        version: "1.0.0",
        publishedAt: "2025-02-01T00:00:00Z",
        extra: { remotes: [{ type: "sse", url: "https://late.secret-host.example/sse" }] },
      },
    ]);
    // A public write after it: the overlay is re-read and must still hold public names only.
    await loadFixtures([{ name: "com.pub/delta", version: "1.0.0", publishedAt: "2025-02-02T00:00:00Z" }]);
    const listed = await apiJson("/v0.1/servers?limit=100");
    expect(listed.body.servers.map((s: any) => s.server.name)).toContain("com.pub/delta");
    const searched = await apiJson("/x/search?q=delta");
    expect(searched.body.results.map((r: any) => r.server.name)).toEqual(["com.pub/delta"]);
    const late = await apiJson("/x/search?q=late");
    expect(JSON.stringify(late.body)).not.toMatch(/secret2/);
    await expectNoDetailLeak();
    for (const page of await listPages("/v0.1", "", 2)) expect(page).not.toMatch(/secret2/);
  });

  it("the search index build collects public servers only", async () => {
    expect((await buildSearchIndex(env)).state).toBe("published");
    const { body } = await apiJson("/x/search?limit=100");
    expect(body.results.map((r: any) => r.server.name)).toEqual(["com.pub/alpha", "com.pub/beta", "com.pub/delta"]);
    const pointer = await env.CACHE.get<{ documents: number }>("search:index:current", "json");
    expect(pointer?.documents).toBe(3);
  });
});
