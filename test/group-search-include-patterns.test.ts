// A group with many include patterns over a large catalogue searches exactly its own servers
// and the public names its patterns match (nested prefixes, prefixes without "/", exact names
// present or not, patterns matching nothing): every page, total and facet, before and after the
// index build, after public writes that change the catalogue generation (not the group's mask),
// and after its include list changes.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { includes } from "../worker/src/domain/groups.ts";
import { apiJson, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";
import { seedGroup, seedPrivate, setIncludes } from "./helpers/group-fixtures.ts";

const GROUP = "curated";
const NAMESPACES = Array.from({ length: 60 }, (_, i) => `io.bulk${i}`);
const hasRemote = (j: number) => j % 7 === 0;

function version(name: string, j: number): FixtureVersion {
  return {
    name,
    version: "1.0.0",
    status: j % 11 === 5 ? "deprecated" : "active",
    publishedAt: "2025-01-01T00:00:00Z",
    ...(hasRemote(j)
      ? { extra: { remotes: [{ type: "sse", url: `https://r${j}.${name.replace("/", ".")}.example/sse` }] } }
      : {}),
  };
}

const PUBLIC: FixtureVersion[] = NAMESPACES.flatMap((ns, i) => [
  ...Array.from({ length: 40 }, (_, j) => version(`${ns}/tool-${j}`, j)),
  ...(i % 10 === 1 ? [version(`${ns}.sub/tool-1`, 1)] : []),
]);
const OWN: FixtureVersion[] = ["alpha-tool", "io-bulk-tool", "zeta-tool"].map((slug, j) =>
  version(`com.curated-own/${slug}`, j),
);

/** 100 patterns of every kind. */
const INCLUDE: string[] = [
  "io.bulk1*",
  "io.bulk1/tool-1*",
  ...NAMESPACES.slice(20, 40).map((ns) => `${ns}/*`),
  ...NAMESPACES.slice(40, 60).map((ns) => `${ns}/tool-1*`),
  ...NAMESPACES.slice(2, 10).flatMap((ns, k) => [`${ns}/tool-${k}`, `${ns}/nope`]),
  ...Array.from({ length: 20 }, (_, k) => `${k % 2 === 0 ? "aaa" : "zzz"}.none${k}/*`),
  ...NAMESPACES.slice(2, 10).map((ns) => `${ns}/tool-3*`),
  ...Array.from({ length: 14 }, (_, k) => `io.bulk${k + 2}/tool-2${k % 10}`),
].slice(0, 100);

const publicNames = () => PUBLIC.map((v) => v.name);

function expected(include: readonly string[], extraPublic: readonly string[] = []): string[] {
  const shown = [...publicNames(), ...extraPublic].filter((name) => includes({ include: [...include] }, name));
  return [...shown, ...OWN.map((v) => v.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every result name of a search in the group's view, across pages, and the first page. */
async function allPages(query: string): Promise<{ names: string[]; first: any }> {
  const names: string[] = [];
  let cursor: string | undefined;
  let first: any;
  for (let i = 0; i < 100; i++) {
    const path = `/groups/${GROUP}/x/search?${query}&limit=100${cursor ? `&cursor=${cursor}` : ""}`;
    const { status, body } = await apiJson(path);
    expect(status).toBe(200);
    first ??= body;
    names.push(...body.results.map((r: any) => r.server.name));
    cursor = body.metadata.nextCursor;
    if (!cursor) return { names, first };
  }
  throw new Error("paging does not end");
}

async function expectView(include: readonly string[], extraPublic: readonly string[] = []): Promise<void> {
  const want = expected(include, extraPublic);
  // Empty q: by name, every page, total and hosting facet.
  const listed = await allPages("q=");
  expect(listed.names).toEqual(want);
  expect(listed.first.metadata.total).toBe(want.length);
  const remotes = want.filter((name) => /\/tool-(\d+)$/.test(name) && hasRemote(Number(name.split("-").pop())));
  expect(listed.first.facets.hosting.remote ?? 0).toBe(remotes.length + OWN.filter((_, j) => hasRemote(j)).length);
  // Ranked: every shown document says "tool"; nothing else comes back.
  const ranked = await allPages("q=tool");
  expect(new Set(ranked.names)).toEqual(new Set(want));
  expect(ranked.first.metadata.total).toBe(want.length);
  // A namespace whose prefix is another's (io.bulk1 vs io.bulk10…): only its own names.
  const ns = await allPages("namespace=io.bulk1");
  expect(ns.names).toEqual(want.filter((name) => name.startsWith("io.bulk1/")));
  // Active only: the deprecated ones leave the total.
  const deprecated = want.filter((name) => /\/tool-(\d+)$/.test(name) && Number(name.split("-").pop()) % 11 === 5);
  expect(deprecated.length).toBeGreaterThan(0);
  const active = await apiJson(`/groups/${GROUP}/x/search?status=active&limit=1`);
  expect(active.body.metadata.total).toBe(want.length - deprecated.length);
}

beforeAll(async () => {
  await loadFixtures(PUBLIC);
  await seedGroup({ name: GROUP, visibility: "public", include: INCLUDE });
  await seedPrivate(GROUP, OWN);
}, 120_000);

afterAll(() => {
  vi.useRealTimers();
});

describe("a group with many include patterns over a large catalogue", () => {
  it("has the patterns and catalogue this test is about", () => {
    expect(INCLUDE).toHaveLength(100);
    expect(PUBLIC.length).toBeGreaterThan(2400);
    const shown = expected(INCLUDE).length;
    expect(shown).toBeGreaterThan(500);
    expect(shown).toBeLessThan(PUBLIC.length);
  });

  it("answers exactly without an index (everything from the overlay), cold and warm", async () => {
    await expectView(INCLUDE);
    await expectView(INCLUDE);
  });

  it("answers exactly from the index build (the mask), cold and warm", async () => {
    expect((await buildSearchIndex(env)).state).toBe("published");
    // Past the isolate's pointer check interval (10 s), so it loads the build now; the clock
    // stays there for the rest of the file (writes in this isolate still show at once).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11_000 });
    await expectView(INCLUDE);
    await expectView(INCLUDE);
  });

  it("answers exactly after public writes change the catalogue generation", async () => {
    const late = ["io.bulk25/late-tool", "io.bulk3/late-tool", "io.bulk12/tool-x"];
    await loadFixtures(late.map((name) => version(name, 1)));
    await expectView(INCLUDE, late);
    const pub = await apiJson("/x/search?q=late");
    expect(pub.body.metadata.total).toBe(2);
  });

  it("answers exactly with a changed include list", async () => {
    const late = ["io.bulk25/late-tool", "io.bulk3/late-tool", "io.bulk12/tool-x"];
    const changed = ["io.bulk3/*", "io.bulk4*", "io.bulk45/tool-3"];
    await setIncludes(GROUP, changed);
    await expectView(changed, late);
    await setIncludes(GROUP, ["*"]);
    const all = await apiJson(`/groups/${GROUP}/x/search?limit=1`);
    expect(all.body.metadata.total).toBe(PUBLIC.length + late.length + OWN.length);
  });
});
