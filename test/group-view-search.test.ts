// /groups/{g}/x/search ranks the group's own servers and the public servers it includes with the
// public engine; results, facets and totals count only what the view shows; answers cached for
// one view never answer another; a changed include list shows at once; before and after the
// index build (private documents are never in the index: they come from the group's overlay).
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { apiJson, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";
import { addMember, bearer, githubUser, seedGroup, seedPrivate, setIncludes } from "./helpers/group-fixtures.ts";

const remote = (host: string, type = "streamable-http") => ({ remotes: [{ type, url: `https://${host}/mcp` }] });

const PUBLIC: FixtureVersion[] = [
  { name: "com.pub/weather", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z", extra: remote("w.pub.example") },
  { name: "com.pub/calendar", version: "1.0.0", publishedAt: "2025-01-02T00:00:00Z" },
  { name: "io.shared/weather-radar", version: "1.0.0", publishedAt: "2025-01-03T00:00:00Z" },
  { name: "io.other/weather-alerts", version: "1.0.0", publishedAt: "2025-01-04T00:00:00Z" },
];
const DEV: FixtureVersion[] = [
  {
    name: "com.devsecret/weather-internal",
    version: "1.0.0",
    publishedAt: "2025-01-05T00:00:00Z",
    extra: remote("weather.dev.example", "sse"),
  },
  { name: "com.devsecret/payroll", version: "1.0.0", publishedAt: "2025-01-06T00:00:00Z" },
];
const PROD: FixtureVersion[] = [
  {
    name: "com.prodsecret/weather-prod",
    version: "1.0.0",
    publishedAt: "2025-01-07T00:00:00Z",
    extra: remote("weather.prod.example", "sse"),
  },
];

let alice: RequestInit;

beforeAll(async () => {
  await loadFixtures(PUBLIC);
  await seedGroup({ name: "dev-mcps", visibility: "private", include: ["com.pub/weather", "io.shared/*"] });
  await seedGroup({ name: "prod-mcps", visibility: "public", include: ["io.other/*"] });
  await seedPrivate("dev-mcps", DEV);
  await seedPrivate("prod-mcps", PROD);
  await addMember("dev-mcps", "github:alice", "viewer");
  alice = bearer(await githubUser("alice"));
});

const names = (body: any) => body.results.map((r: any) => r.server.name);

/** Every result name of a search, across pages. */
async function allPages(path: string, init?: RequestInit): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const separator = path.includes("?") ? "&" : "?";
    const { status, body } = await apiJson(`${path}${separator}limit=1${cursor ? `&cursor=${cursor}` : ""}`, init);
    expect(status).toBe(200);
    out.push(...names(body));
    cursor = body.metadata.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("paging does not end");
}

async function expectViews(): Promise<void> {
  // Ranked: the group's own and included documents, nothing else.
  const dev = await apiJson("/groups/dev-mcps/x/search?q=weather", alice);
  expect(dev.status).toBe(200);
  expect(new Set(names(dev.body))).toEqual(
    new Set(["com.devsecret/weather-internal", "com.pub/weather", "io.shared/weather-radar"]),
  );
  expect(dev.body.metadata.total).toBe(3);
  expect(dev.body.facets.transport).toEqual({ "streamable-http": 1, sse: 1 });
  expect(dev.body.facets.hosting).toEqual({ remote: 2 });
  expect(await allPages("/groups/dev-mcps/x/search?q=weather", alice)).toEqual(names(dev.body));

  // Empty q: every visible document by name.
  const everything = await apiJson("/groups/dev-mcps/x/search?limit=100", alice);
  expect(names(everything.body)).toEqual([
    "com.devsecret/payroll",
    "com.devsecret/weather-internal",
    "com.pub/weather",
    "io.shared/weather-radar",
  ]);
  expect(everything.body.metadata.total).toBe(4);
  expect(await allPages("/groups/dev-mcps/x/search", alice)).toEqual(names(everything.body));

  // Filters and facets count only the view.
  const sse = await apiJson("/groups/dev-mcps/x/search?transport=sse", alice);
  expect(names(sse.body)).toEqual(["com.devsecret/weather-internal"]);
  expect(sse.body.facets.transport).toEqual({ "streamable-http": 1, sse: 1 });
  const ns = await apiJson("/groups/dev-mcps/x/search?namespace=io.other", alice);
  expect(ns.body.metadata.total).toBe(0);
  const own = await apiJson("/groups/dev-mcps/x/search?namespace=com.devsecret&q=payroll", alice);
  expect(names(own.body)).toEqual(["com.devsecret/payroll"]);
  expect((await apiJson("/groups/dev-mcps/x/search?q=calendar", alice)).body.metadata.total).toBe(0);

  // The public group: its own and included, never dev's.
  const prod = await apiJson("/groups/prod-mcps/x/search?q=weather");
  expect(new Set(names(prod.body))).toEqual(new Set(["com.prodsecret/weather-prod", "io.other/weather-alerts"]));
  expect(prod.body.metadata.total).toBe(2);
  expect(JSON.stringify(prod.body)).not.toMatch(/devsecret|weather\.dev/);

  // The public view: public documents only, whatever was warmed before.
  const pub = await apiJson("/x/search?q=weather", alice);
  expect(new Set(names(pub.body))).toEqual(
    new Set(["com.pub/weather", "io.shared/weather-radar", "io.other/weather-alerts"]),
  );
  expect(pub.body.metadata.total).toBe(3);
  expect(pub.body.facets.transport).toEqual({ "streamable-http": 1 });
  expect(JSON.stringify(pub.body)).not.toMatch(/secret|weather\.(dev|prod)/);
}

describe("search in a group's view", () => {
  it("a private group's search answers anonymous callers 404", async () => {
    expect((await apiJson("/groups/dev-mcps/x/search?q=weather")).status).toBe(404);
  });

  afterAll(() => {
    vi.useRealTimers();
  });

  it("without an index (everything from overlays), cold and warm", async () => {
    await expectViews();
    await expectViews();
  });

  it("with the index built, cold and warm", async () => {
    expect((await buildSearchIndex(env)).state).toBe("published");
    // Past the isolate's index pointer check interval (10 s), so it answers from the build.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11_000 });
    await expectViews();
    await expectViews();
  });

  it("shows private servers added after the build", async () => {
    await seedPrivate("dev-mcps", [
      { name: "com.devsecret2/weather-late", version: "1.0.0", publishedAt: "2025-02-01T00:00:00Z" },
    ]);
    const dev = await apiJson("/groups/dev-mcps/x/search?q=weather", alice);
    expect(names(dev.body)).toContain("com.devsecret2/weather-late");
    expect(dev.body.metadata.total).toBe(4);
    const pub = await apiJson("/x/search?q=weather");
    expect(pub.body.metadata.total).toBe(3);
    expect(JSON.stringify(pub.body)).not.toMatch(/secret/);
  });

  it("a changed include list takes effect at once", async () => {
    await setIncludes("dev-mcps", ["io.other/*"]);
    const dev = await apiJson("/groups/dev-mcps/x/search?q=weather", alice);
    expect(new Set(names(dev.body))).toEqual(
      new Set(["com.devsecret/weather-internal", "com.devsecret2/weather-late", "io.other/weather-alerts"]),
    );
    expect(dev.body.metadata.total).toBe(3);
    await setIncludes("dev-mcps", []);
    const none = await apiJson("/groups/dev-mcps/x/search?limit=100", alice);
    expect(names(none.body)).toEqual([
      "com.devsecret/payroll",
      "com.devsecret/weather-internal",
      "com.devsecret2/weather-late",
    ]);
  });
});
