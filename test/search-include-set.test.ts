// A view's include patterns, compiled (search/include-set.ts), select exactly the names the
// domain's `includes` matches, among index documents (by binary-searched ranges) and overlay
// documents alike: a view's search answers exactly like the same overlay with every name it
// does not show removed (hits, scores, totals, facets).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { includes } from "../worker/src/domain/groups.ts";
import {
  buildIndex,
  IncludeSet,
  loadIndex,
  search,
  searchDocument,
  type Overlay,
  type SearchDocument,
  type SearchRequest,
} from "../worker/src/search/index.ts";

// Namespaces and server parts chosen so that many names are prefixes of others.
const NAMESPACES = ["com.x", "com.xy", "io.a", "io.a.b", "io.ab"];
const SERVERS = ["alp", "alpha", "alpha-b", "beta", "gamma"];
const NAMES = NAMESPACES.flatMap((ns) => SERVERS.map((s) => `${ns}/${s}`)).sort();

function doc(name: string, i: number, remote: boolean): SearchDocument {
  const json: Record<string, unknown> = { name, description: `Tool ${i % 3 === 0 ? "beta" : "gamma"}`, version: "1" };
  if (remote) json.remotes = [{ type: "sse", url: `https://r${i}.example/mcp` }];
  else
    json.packages = [{ registryType: i % 2 === 0 ? "npm" : "pypi", identifier: `p${i}`, transport: { type: "stdio" } }];
  return searchDocument(json, i % 5 === 0 ? "deprecated" : "active");
}

/** Patterns: "*", exact names (present or not), prefixes cut anywhere in a name, or none. */
const pattern = fc.oneof(
  fc.constant("*"),
  fc.constantFrom(...NAMES, "io.a/zeta", "a", ""),
  fc
    .tuple(fc.constantFrom(...NAMES, "io.a/zeta", "zz"), fc.nat())
    .map(([name, cut]) => `${name.slice(0, cut % (name.length + 1))}*`),
);

const REQUESTS: SearchRequest[] = [
  { q: "", limit: 100, offset: 0, filters: { status: ["active", "deprecated"] } },
  { q: "", limit: 3, offset: 2, filters: { status: ["active"], registryType: ["npm"] } },
  { q: "alpha", limit: 100, offset: 0, filters: { status: ["active", "deprecated"] } },
  { q: "beta gamma", limit: 5, offset: 1, filters: { status: ["active", "deprecated"], hosting: "remote" } },
  { q: "", limit: 100, offset: 0, filters: { status: ["active", "deprecated"], namespace: "io.a" } },
  { q: "alp", limit: 100, offset: 0, filters: { status: ["active", "deprecated"], namespace: "io.a.b" } },
];

describe("compiled include patterns", () => {
  it("match exactly the names includes() matches", () => {
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 12 }), fc.array(fc.string({ maxLength: 8 })), (patterns, extra) => {
        const set = new IncludeSet(patterns);
        for (const name of [...NAMES, ...extra, "io.a", "io.a/", "com.x/alpha-b-c"]) {
          expect(set.matches(name), `${JSON.stringify(patterns)} ${name}`).toBe(includes({ include: patterns }, name));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("show in search exactly what removing every other name shows, index and overlay alike", () => {
    fc.assert(
      fc.property(
        fc.subarray(NAMES, { minLength: 0 }),
        fc.subarray(NAMES, { maxLength: 6 }),
        fc.subarray(NAMES, { maxLength: 4 }),
        fc.array(pattern, { maxLength: 10 }),
        fc.boolean(),
        (indexed, upserted, ownNames, patterns, removeOne) => {
          const index = loadIndex(
            JSON.parse(JSON.stringify(buildIndex(indexed.map((name, i) => doc(name, i, i % 4 === 0))))),
          );
          const upserts = [...upserted, ...ownNames].map((name, i) => doc(name, i + 7, i % 3 === 0));
          const removed = new Set(removeOne && indexed.length > 0 ? [indexed[0]!] : []);
          const own = new Set(ownNames);
          const include = new IncludeSet(patterns);
          const view: Overlay = { upserts, removed, view: { include, own } };
          const shown = (name: string) => own.has(name) || includes({ include: patterns }, name);
          const hiddenNames = [...indexed, ...upserts.map((d) => d.name)].filter((name) => !shown(name));
          const oracle: Overlay = {
            upserts: upserts.filter((d) => shown(d.name)),
            removed: new Set([...removed, ...hiddenNames]),
          };
          for (const request of REQUESTS) {
            expect(search(index, view, request)).toEqual(search(index, oracle, request));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keep one mask per index build", () => {
    const set = new IncludeSet(["io.a/*", "com.x/beta"]);
    const first = loadIndex(JSON.parse(JSON.stringify(buildIndex(NAMES.map((name, i) => doc(name, i, false))))));
    const second = loadIndex(JSON.parse(JSON.stringify(buildIndex(NAMES.slice(3).map((n, i) => doc(n, i, false))))));
    const mask = set.maskOf(first);
    expect(set.maskOf(first)).toBe(mask);
    expect(mask.shown).toBe(SERVERS.length + 1);
    const other = set.maskOf(second);
    expect(other).not.toBe(mask);
    expect(other.shown).toBe(NAMES.slice(3).filter((n) => includes({ include: ["io.a/*", "com.x/beta"] }, n)).length);
  });
});
