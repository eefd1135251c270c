import { describe, expect, it } from "vitest";
import {
  EMPTY_OVERLAY,
  buildIndex,
  loadIndex,
  search,
  searchDocument,
  type Hosting,
  type Overlay,
  type SearchDocument,
  type SearchFilters,
  type SearchResult,
} from "../worker/src/search/index.ts";

type Package = [registryType: string, transport: string];
type Remote = "streamable-http" | "sse";

function server(
  name: string,
  description: string,
  packages: Package[],
  remotes: Remote[],
  status: "active" | "deprecated" = "active",
): SearchDocument {
  const json: Record<string, unknown> = { name, description, version: "1.0.0" };
  if (packages.length > 0) {
    json.packages = packages.map(([registryType, transport], i) => ({
      registryType,
      identifier: `${name.split("/")[1]}-${registryType}-${i}`,
      transport: { type: transport },
    }));
  }
  if (remotes.length > 0)
    json.remotes = remotes.map((type, i) => ({ type, url: `https://r${i}.${name.split("/")[1]}.example/mcp` }));
  return searchDocument(json, status);
}

// Every document says "database", so q=database matches all of them.
const DOCS: SearchDocument[] = [
  server("com.acme/alpha", "Alpha tool for a database", [["npm", "stdio"]], []),
  server("com.acme/beta", "Beta database helper", [["pypi", "stdio"]], ["streamable-http"]),
  server("com.acme/gamma", "Gamma database bridge", [], ["sse"], "deprecated"),
  server("io.github.x/delta", "Delta database service", [["oci", "streamable-http"]], []),
  server("io.github.x/epsilon", "Epsilon database viewer", [["nuget", "stdio"]], [], "deprecated"),
  server(
    "io.github.y/zeta",
    "Zeta database bundle",
    [
      ["mcpb", "stdio"],
      ["npm", "stdio"],
    ],
    [],
  ),
  server("io.github.y/eta", "Eta database notes", [], []),
  server("org.custom/theta", "Theta database crate", [["cargo", "stdio"]], []),
];

const index = loadIndex(buildIndex(DOCS));
const BOTH: SearchFilters = { status: ["active", "deprecated"] };

function run(
  q: string,
  filters: Partial<SearchFilters> = {},
  overlay: Overlay = EMPTY_OVERLAY,
  limit = 50,
  offset = 0,
): SearchResult {
  return search(index, overlay, { q, limit, offset, filters: { ...BOTH, ...filters } });
}

const names = (result: SearchResult) => result.hits.map((h) => h.name).sort();

describe("facets", () => {
  it("counts every matching document once per value", () => {
    const result = run("database");
    expect(result.total).toBe(8);
    expect(result.facets).toEqual({
      registryType: { npm: 2, cargo: 1, mcpb: 1, nuget: 1, oci: 1, pypi: 1 },
      transport: { stdio: 5, "streamable-http": 2, sse: 1 },
      hosting: { package: 6, remote: 2 },
    });
  });

  it("are the same for an empty q over the same documents", () => {
    expect(run("").facets).toEqual(run("database").facets);
    expect(run("", { namespace: "com.acme" }).facets).toEqual(run("database", { namespace: "com.acme" }).facets);
  });

  it("cover only documents matching q", () => {
    const result = run("zeta");
    expect(result.total).toBe(1);
    expect(result.facets).toEqual({
      registryType: { mcpb: 1, npm: 1 },
      transport: { stdio: 1 },
      hosting: { package: 1 },
    });
  });

  it("add up: hosting counts cover every document that has a hosting", () => {
    const result = run("database");
    const hostingSum = Object.values(result.facets.hosting).reduce((a, b) => a + b, 0);
    const withoutHosting = DOCS.filter((d) => d.hosting.length === 0).length;
    expect(hostingSum).toBeGreaterThanOrEqual(result.total - withoutHosting);
  });
});

// Facets are disjunctive: a facet ignores its own filter, so each count is the total that
// selecting that value (instead of the current selection) would give.
const COMBINATIONS: [string, Partial<SearchFilters>][] = [
  ["none", {}],
  ["npm", { registryType: ["npm"] }],
  ["npm or pypi", { registryType: ["npm", "pypi"] }],
  ["stdio", { transport: ["stdio"] }],
  ["remote", { hosting: "remote" }],
  ["package + stdio", { hosting: "package", transport: ["stdio"] }],
  ["npm + stdio + package", { registryType: ["npm"], transport: ["stdio"], hosting: "package" }],
  ["active only", { status: ["active"] }],
  ["deprecated only", { status: ["deprecated"] }],
  ["namespace", { namespace: "io.github.x" }],
  ["namespace + oci", { namespace: "io.github.x", registryType: ["oci"] }],
];

describe("facet counts equal the totals of the corresponding filters", () => {
  it.each(COMBINATIONS)("%s", (_label, filters) => {
    for (const q of ["database", ""]) {
      const result = run(q, filters);
      for (const [value, count] of Object.entries(result.facets.registryType)) {
        expect(run(q, { ...filters, registryType: [value] }).total).toBe(count);
      }
      for (const [value, count] of Object.entries(result.facets.transport)) {
        expect(run(q, { ...filters, transport: [value] }).total).toBe(count);
      }
      for (const [value, count] of Object.entries(result.facets.hosting)) {
        expect(run(q, { ...filters, hosting: value as Hosting }).total).toBe(count);
      }
      expect(result.hits).toHaveLength(result.total);
    }
  });
});

describe("facets under filters that match nothing", () => {
  it("still show the alternatives of the failing filter", () => {
    for (const q of ["database", ""]) {
      const unfiltered = run(q).facets;
      const result = run(q, { registryType: ["nope"] });
      expect(result.total).toBe(0);
      expect(result.hits).toEqual([]);
      expect(result.facets.registryType).toEqual(unfiltered.registryType);
      expect(result.facets.transport).toEqual({});
      expect(run(q, { hosting: "remote", transport: ["carrier-pigeon"] }).facets.transport).toEqual(
        run(q, { hosting: "remote" }).facets.transport,
      );
    }
  });
});

describe("filters", () => {
  it.each<[string, Partial<SearchFilters>, string[]]>([
    [
      "registry types are an OR-list",
      { registryType: ["npm", "pypi"] },
      ["com.acme/alpha", "com.acme/beta", "io.github.y/zeta"],
    ],
    [
      "transports are an OR-list",
      { transport: ["sse", "streamable-http"] },
      ["com.acme/beta", "com.acme/gamma", "io.github.x/delta"],
    ],
    [
      "a package transport counts",
      { transport: ["streamable-http"], hosting: "package" },
      ["com.acme/beta", "io.github.x/delta"],
    ],
    [
      "filters combine with AND",
      { registryType: ["npm", "pypi"], transport: ["stdio"], hosting: "remote" },
      ["com.acme/beta"],
    ],
    ["hosting remote", { hosting: "remote" }, ["com.acme/beta", "com.acme/gamma"]],
    ["namespace is exact", { namespace: "com.acme" }, ["com.acme/alpha", "com.acme/beta", "com.acme/gamma"]],
    ["namespace prefix does not match", { namespace: "io.github" }, []],
    ["status active", { status: ["active"], namespace: "com.acme" }, ["com.acme/alpha", "com.acme/beta"]],
    ["status deprecated", { status: ["deprecated"] }, ["com.acme/gamma", "io.github.x/epsilon"]],
    ["no status admits nothing", { status: [] }, []],
    ["custom registry types are kept", { registryType: ["cargo"] }, ["org.custom/theta"]],
    ["unknown values match nothing", { registryType: ["nope"] }, []],
    ["unknown transport", { transport: ["carrier-pigeon"] }, []],
    ["unknown namespace", { namespace: "com.nowhere" }, []],
    ["an empty list is no filter", { registryType: [], transport: [] }, DOCS.map((d) => d.name).sort()],
  ])("%s", (_label, filters, expected) => {
    for (const q of ["database", ""]) {
      const result = run(q, filters);
      expect(names(result)).toEqual(expected);
      expect(result.total).toBe(expected.length);
    }
  });
});

describe("overlay", () => {
  const alpha = DOCS[0]!;
  const beta = DOCS[1]!;

  it("replaces a document", () => {
    const overlay: Overlay = {
      upserts: [{ ...alpha, description: "Alpha now edits spreadsheets", registryTypes: ["pypi"] }],
      removed: new Set(),
    };
    expect(names(run("spreadsheets", {}, overlay))).toEqual(["com.acme/alpha"]);
    expect(names(run("tool", {}, overlay))).toEqual([]);
    expect(run("tool").total).toBe(1);
    expect(run("", {}, overlay).total).toBe(DOCS.length);
    expect(run("", {}, overlay).facets.registryType).toMatchObject({ npm: 1, pypi: 2 });
  });

  it("adds a document in name order", () => {
    const iota = server("com.acme/iota", "Iota database sync", [["npm", "stdio"]], ["sse"]);
    const overlay: Overlay = { upserts: [iota], removed: new Set() };
    const listed = run("", {}, overlay).hits.map((h) => h.name);
    expect(listed).toEqual([...DOCS.map((d) => d.name), iota.name].sort());
    expect(run("iota", {}, overlay).hits[0]?.name).toBe("com.acme/iota");
    expect(run("com.acme/iota", {}, overlay).hits[0]?.name).toBe("com.acme/iota");
    expect(run("database", {}, overlay).total).toBe(DOCS.length + 1);
    expect(run("database", { transport: ["sse"] }, overlay).total).toBe(2);
    const paged = [0, 3, 6].flatMap((offset) => run("", {}, overlay, 3, offset).hits.map((h) => h.name));
    expect(paged).toEqual(listed);
  });

  it("hides removed names", () => {
    const overlay: Overlay = { upserts: [], removed: new Set(["com.acme/beta", "com.unknown/name"]) };
    expect(run("beta", {}, overlay).total).toBe(0);
    expect(run("", {}, overlay).total).toBe(DOCS.length - 1);
    expect(run("database", {}, overlay).facets.hosting).toEqual({ package: 5, remote: 1 });
    expect(run("", { namespace: "com.acme" }, overlay).hits.map((h) => h.name)).toEqual([
      "com.acme/alpha",
      "com.acme/gamma",
    ]);
  });

  it("hides a name that is both upserted and removed", () => {
    const overlay: Overlay = { upserts: [{ ...beta, description: "Beta v2" }], removed: new Set([beta.name]) };
    expect(run("beta", {}, overlay).total).toBe(0);
    expect(run("", {}, overlay).total).toBe(DOCS.length - 1);
  });

  it("scores an unchanged document exactly like the index", () => {
    const overlay: Overlay = { upserts: [alpha], removed: new Set() };
    for (const q of ["alpha", "database", "alph", "alpah tool", "com.acme/alpha"]) {
      expect(run(q, {}, overlay)).toEqual(run(q));
    }
  });

  it("applies status changes to filters and ranking", () => {
    const overlay: Overlay = { upserts: [{ ...alpha, status: "deprecated" }], removed: new Set() };
    expect(names(run("database", { status: ["active"] }, overlay))).not.toContain("com.acme/alpha");
    const before = run("alpha").hits[0]?.score ?? 0;
    expect(run("alpha", {}, overlay).hits[0]?.score).toBeCloseTo(before / 2, 3);
  });

  it("finds overlay-only words by prefix and typo, and new facet values", () => {
    const newcomer = server("dev.new/kappa", "Quetzalcoatl integration", [["gem", "stdio"]], []);
    const overlay: Overlay = { upserts: [newcomer], removed: new Set() };
    expect(names(run("quetzalcoatl", {}, overlay))).toEqual(["dev.new/kappa"]);
    expect(names(run("quetzal", {}, overlay))).toEqual(["dev.new/kappa"]);
    expect(names(run("quetzalcaotl", {}, overlay))).toEqual(["dev.new/kappa"]);
    expect(run("", {}, overlay).facets.registryType).toMatchObject({ gem: 1 });
    expect(names(run("", { registryType: ["gem"] }, overlay))).toEqual(["dev.new/kappa"]);
    expect(names(run("", { namespace: "dev.new" }, overlay))).toEqual(["dev.new/kappa"]);
  });

  it("keeps separate overlays separate", () => {
    const first: Overlay = { upserts: [], removed: new Set(["com.acme/alpha"]) };
    const second: Overlay = { upserts: [], removed: new Set(["com.acme/beta"]) };
    expect(run("", {}, first).hits.map((h) => h.name)).not.toContain("com.acme/alpha");
    expect(run("", {}, second).hits.map((h) => h.name)).toContain("com.acme/alpha");
    expect(run("", {}, first).hits.map((h) => h.name)).not.toContain("com.acme/alpha");
    expect(run("").total).toBe(DOCS.length);
  });

  it("works over an empty index", () => {
    const empty = loadIndex(buildIndex([]));
    const overlay: Overlay = { upserts: [alpha], removed: new Set(["x/y"]) };
    const result = search(empty, overlay, { q: "alpha", limit: 5, offset: 0, filters: BOTH });
    expect(result.hits.map((h) => h.name)).toEqual(["com.acme/alpha"]);
    expect(search(empty, EMPTY_OVERLAY, { q: "alpha", limit: 5, offset: 0, filters: BOTH }).total).toBe(0);
    expect(search(empty, EMPTY_OVERLAY, { q: "", limit: 5, offset: 0, filters: BOTH }).total).toBe(0);
  });
});
