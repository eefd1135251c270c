import { describe, expect, it } from "vitest";
import {
  EMPTY_OVERLAY,
  SEARCH_INDEX_FORMAT,
  buildIndex,
  loadIndex,
  search,
  searchDocument,
  type LoadedIndex,
  type SearchDocument,
  type SearchFilters,
  type SerializedIndex,
} from "../worker/src/search/index.ts";

// A deterministic generated catalogue: topics × vendors, with some Unicode, deprecated
// entries and every registry type and transport, so every encoded column is exercised.
const TOPICS = [
  "postgres",
  "slack",
  "github",
  "weather",
  "kubernetes",
  "filesystem",
  "search",
  "calendar",
  "email",
  "browser",
];
const VENDORS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "cyberdyne", "soylent"];
const EXTRA = ["Café crème", "日本語の説明", "emoji 🚀 rocket", "naïve façade", "ÄÖÜ umlauts", "plain words"];
const TYPES = ["npm", "pypi", "oci", "nuget", "mcpb"];
const TRANSPORTS = ["stdio", "streamable-http", "sse"];

function generated(): SearchDocument[] {
  const docs: SearchDocument[] = [];
  let n = 0;
  for (const topic of TOPICS) {
    for (const vendor of VENDORS) {
      n++;
      const type = TYPES[n % TYPES.length] ?? "npm";
      const json: Record<string, unknown> = {
        name: `com.${vendor}/${topic}-${n % 3 === 0 ? "mcp-server" : "tools"}`,
        description: `${vendor} ${topic} integration number ${n}. ${EXTRA[n % EXTRA.length]}`,
        version: `1.${n}.0`,
      };
      if (n % 4 !== 0) {
        json.packages = [{ registryType: type, identifier: `@${vendor}/${topic}-mcp`, transport: { type: "stdio" } }];
      }
      if (n % 3 !== 1)
        json.remotes = [{ type: TRANSPORTS[1 + (n % 2)], url: `https://mcp.${vendor}.example/${topic}` }];
      if (n % 5 === 0) json.title = `${vendor.toUpperCase()} ${topic}`;
      docs.push(searchDocument(json, n % 7 === 0 ? "deprecated" : "active"));
    }
  }
  return docs;
}

const DOCS = generated();
const QUERIES = [
  "",
  "postgres",
  "postg",
  "slakc",
  "kubernets",
  "acme weather",
  "com.acme/postgres-tools",
  "café",
  "日本語",
  "rocket",
  "wayne search tools",
  "mcp",
];
const FILTERS: SearchFilters[] = [
  { status: ["active", "deprecated"] },
  { status: ["active"], registryType: ["npm", "oci"] },
  { status: ["active", "deprecated"], transport: ["sse"], hosting: "remote" },
  { status: ["deprecated"], namespace: "com.acme" },
];

function answers(index: LoadedIndex) {
  return QUERIES.flatMap((q) =>
    FILTERS.map((filters) => search(index, EMPTY_OVERLAY, { q, limit: 15, offset: 0, filters })),
  );
}

describe("serialized index", () => {
  const serialized = buildIndex(DOCS);

  it("is plain JSON: stringify → parse gives the same value", () => {
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(serialized);
    expect(serialized.format).toBe(SEARCH_INDEX_FORMAT);
    expect(serialized.docCount).toBe(DOCS.length);
  });

  it("answers identically after a JSON round trip", () => {
    const direct = loadIndex(serialized);
    const roundTripped = loadIndex(JSON.parse(JSON.stringify(serialized)) as SerializedIndex);
    const expected = answers(direct);
    expect(answers(roundTripped)).toEqual(expected);
    // The comparison is meaningful: the queries do find things.
    expect(expected.filter((r) => r.total > 0).length).toBeGreaterThan(QUERIES.length);
  });

  it("does not depend on input order, and keeps the last document of a repeated name", () => {
    const shuffled = [...DOCS].reverse();
    expect(JSON.stringify(buildIndex(shuffled))).toBe(JSON.stringify(serialized));
    const first = DOCS[0]!;
    const repeated = buildIndex([...DOCS, { ...first, description: "replacement text" }]);
    expect(repeated.docCount).toBe(DOCS.length);
    const hits = search(loadIndex(repeated), EMPTY_OVERLAY, {
      q: "replacement",
      limit: 5,
      offset: 0,
      filters: FILTERS[0]!,
    }).hits;
    expect(hits.map((h) => h.name)).toEqual([first.name]);
  });

  it("stays compact", () => {
    const bytes = JSON.stringify(serialized).length;
    expect(bytes / DOCS.length).toBeLessThan(400);
  });

  it("loads an empty index", () => {
    const empty = loadIndex(JSON.parse(JSON.stringify(buildIndex([]))) as SerializedIndex);
    expect(search(empty, EMPTY_OVERLAY, { q: "anything", limit: 10, offset: 0, filters: FILTERS[0]! })).toEqual({
      hits: [],
      total: 0,
      facets: { registryType: {}, transport: {}, hosting: {} },
    });
  });
});

describe("loadIndex refuses bad data", () => {
  const good = buildIndex(DOCS);
  it.each<[string, Partial<SerializedIndex>]>([
    ["another format", { format: SEARCH_INDEX_FORMAT + 1 }],
    ["a name count mismatch", { names: good.names.slice(1) }],
    ["a term count mismatch", { termCount: good.termCount + 1 }],
    ["a posting count mismatch", { postingCount: good.postingCount - 1 }],
    ["truncated postings", { postings: good.postings.slice(0, -10) }],
    ["extra postings", { postings: `${good.postings}AAAA` }],
    ["malformed postings", { postings: `!${good.postings.slice(1)}` }],
    ["a profile out of range", { docProfiles: "////////" }],
    ["a profile value out of range", { profiles: [{ flags: 0, registryTypes: [99], transports: [] }] }],
    ["a missing field", { postings: undefined } as unknown as Partial<SerializedIndex>],
    ["a wrong field type", { names: "a\nb" } as unknown as Partial<SerializedIndex>],
  ])("%s", (_label, change) => {
    expect(() => loadIndex({ ...good, ...change })).toThrow(/search index/);
  });
});
