import { describe, expect, it } from "vitest";
import { boundedEditDistance } from "../worker/src/search/edit-distance.ts";
import { MAX_QUERY_LENGTH, normalizeQuery, searchDocument } from "../worker/src/search/index.ts";
import { packageKey } from "../worker/src/search/package-keys.ts";
import { queryRuns, wordVariants } from "../worker/src/search/query-words.ts";
import { namespaceWords } from "../worker/src/search/fields.ts";
import { coreKey } from "../worker/src/search/name-keys.ts";
import { CORE_KEY, FULL_KEY, PART_KEY, buildNameTable, lookupName } from "../worker/src/search/name-table.ts";
import { compactKey, runParts, tokenize } from "../worker/src/search/tokenize.ts";
import { VlqReader, VlqWriter } from "../worker/src/search/vlq.ts";

function terms(text: string): string[] {
  const out: string[] = [];
  tokenize(text, out);
  return out;
}

describe("tokenize", () => {
  it.each([
    ["postgres-mcp", ["postgres", "mcp"]],
    ["snake_case_name", ["snake", "case", "name"]],
    ["io.github.alice/postgres-mcp", ["io", "github", "alice", "postgres", "mcp"]],
    ["GitHubAPI", ["githubapi", "git", "hub", "api"]],
    ["HTTPServer", ["httpserver", "http", "server"]],
    ["postgres17", ["postgres17", "postgres", "17"]],
    ["k8s s3", ["k8s", "s3"]], // single-character parts are dropped, the run is kept
    ["@modelcontextprotocol/server-postgres", ["modelcontextprotocol", "server", "postgres"]],
    ["ghcr.io/acme/pg:1.0", ["ghcr", "io", "acme", "pg"]],
    ["Café Crème", ["cafe", "creme"]],
    ["a b c", []],
    ["", []],
    ["  ..//::  ", []],
  ])("%j → %j", (text, expected) => {
    expect(terms(text)).toEqual(expected);
  });

  it("keeps duplicates (they are term frequencies)", () => {
    expect(terms("slack Slack SLACK")).toEqual(["slack", "slack", "slack"]);
  });

  it("cuts very long runs", () => {
    const [term] = terms("x".repeat(500));
    expect(term?.length).toBe(40);
  });
});

describe("runParts", () => {
  it.each([
    ["camelCase", ["camel", "Case"]],
    ["XMLHttpRequest", ["XML", "Http", "Request"]],
    ["v2Api", ["v", "2", "Api"]],
    ["lower", ["lower"]],
    ["ÉtéChaud", ["Été", "Chaud"]],
  ])("%s → %j", (run, parts) => {
    expect(runParts(run)).toEqual(parts);
  });
});

describe("compact keys", () => {
  it.each([
    ["io.github.alice/Postgres-MCP", "iogithubalicepostgresmcp"],
    ["postgres mcp", "postgresmcp"],
    ["Crème-Brûlée", "cremebrulee"],
    ["--", ""],
  ])("compactKey(%j) = %j", (text, key) => {
    expect(compactKey(text)).toBe(key);
  });

  it.each([
    ["ghcr.io/acme/pg:1.0", "ghcrioacmepg"],
    ["@modelcontextprotocol/server-postgres", "modelcontextprotocolserverpostgres"],
    ["mcp-server-fetch", "mcpserverfetch"],
  ])("packageKey(%j) = %j", (identifier, key) => {
    expect(packageKey(identifier)).toBe(key);
  });

  it.each([
    ["io.github.alice", "alice"],
    ["com.example", "example"],
    ["io.modelcontextprotocol.anonymous", "modelcontextprotocol.anonymous"],
    ["local", "local"],
  ])("namespaceWords(%j) = %j", (namespace, words) => {
    expect(namespaceWords(namespace)).toBe(words);
  });
});

describe("near-exact name keys", () => {
  const names = [
    "io.github.alice/Postgres-MCP",
    "com.example/mcp-server-postgres",
    "com.example/postgres",
    "com.other/postgres",
    "dev.only/mcp-server",
    "org.café/crème-mcp",
  ];
  const table = buildNameTable(names);
  const find = (compact: string) => {
    const found: [string, number][] = [];
    lookupName(
      table,
      (d) => names[d] ?? "",
      compact,
      (d, kind) => found.push([names[d] ?? "", kind]),
    );
    return found.sort();
  };

  it.each<[string, [string, number][]]>([
    ["iogithubalicepostgresmcp", [["io.github.alice/Postgres-MCP", FULL_KEY]]],
    ["postgresmcp", [["io.github.alice/Postgres-MCP", PART_KEY]]],
    [
      "postgres",
      [
        ["com.example/mcp-server-postgres", CORE_KEY],
        ["com.example/postgres", PART_KEY],
        ["com.other/postgres", PART_KEY],
        ["io.github.alice/Postgres-MCP", CORE_KEY],
      ],
    ],
    ["mcpserver", [["dev.only/mcp-server", PART_KEY]]], // nothing left without the filler: no core key
    ["creme", [["org.café/crème-mcp", CORE_KEY]]],
    ["cremebrulee", []],
    ["", []],
  ])("%j", (compact, expected) => {
    expect(find(compact)).toEqual(expected);
  });

  it("core keys drop filler words", () => {
    expect(coreKey("com.example/mcp-server-postgres")).toBe("postgres");
    expect(coreKey("com.example/postgres")).toBe("");
    expect(coreKey("com.example/mcp")).toBe("");
  });
});

describe("normalizeQuery", () => {
  it.each([
    ["  postgres   mcp  ", "postgres mcp"],
    ["slack\u0000\u0007bot", "slack bot"],
    ["line\nbreak\ttab", "line break tab"],
    ["zero\u200bwidth", "zero width"],
    ["ｐｏｓｔｇｒｅｓ", "postgres"], // full-width folded by NFKC
    ['"quoted" AND -minus OR (paren) * :colon', '"quoted" AND -minus OR (paren) * :colon'],
    ["PostgresMCP", "PostgresMCP"], // case kept: camelCase still splits
    ["\ud800lone", "lone"],
    ["", ""],
  ])("%j → %j", (raw, normalized) => {
    expect(normalizeQuery(raw)).toBe(normalized);
  });

  it(`caps at ${MAX_QUERY_LENGTH} code points`, () => {
    expect(Array.from(normalizeQuery("a".repeat(10_000)))).toHaveLength(MAX_QUERY_LENGTH);
    const emoji = normalizeQuery("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(MAX_QUERY_LENGTH);
    expect(emoji.isWellFormed()).toBe(true);
  });
});

describe("query words", () => {
  const words = (q: string) => queryRuns(q).map((r) => r.word);

  it("drops stop words and operators unless nothing else is left", () => {
    expect(words("send a message to slack")).toEqual(["send", "message", "slack"]);
    expect(words("postgres AND mysql OR sqlite")).toEqual(["postgres", "mysql", "sqlite"]);
    expect(words("mcp server")).toEqual(["mcp", "server"]);
  });

  it("dedupes and marks the last run for prefix completion", () => {
    const runs = queryRuns("slack Slack postg");
    expect(runs.map((r) => [r.word, r.last])).toEqual([
      ["slack", false],
      ["postg", true],
    ]);
  });

  it("keeps camelCase parts for words that are not terms", () => {
    expect(queryRuns("PostgresMCP")[0]?.parts).toEqual(["postgres", "mcp"]);
  });

  it.each([
    ["database", ["databases", "databasees"]],
    ["databases", ["databas", "database"]], // only forms that are terms get used
    ["queries", ["query"]],
    ["query", ["querys", "queries"]],
    ["boxes", ["box", "boxe"]],
    ["k8", []],
  ])("variants of %s", (word, variants) => {
    expect(wordVariants(word)).toEqual(variants);
  });
});

describe("bounded edit distance (Damerau)", () => {
  it.each([
    ["kubernets", "kubernetes", 2, 1],
    ["postgress", "postgres", 2, 1],
    ["slakc", "slack", 1, 1], // transposition
    ["slack", "slack", 1, 0],
    ["databse", "database", 1, 1],
    ["gihtub", "github", 1, 1],
    ["weather", "feather", 1, 1],
    ["abcdef", "badcfe", 2, 3], // three transpositions exceed the bound
    ["postgres", "mysql", 2, 3],
    ["ab", "abcd", 1, 2],
  ])("%s ↔ %s (max %i) = %i", (a, b, max, distance) => {
    expect(boundedEditDistance(a, b, max)).toBe(distance);
    expect(boundedEditDistance(b, a, max)).toBe(distance);
  });
});

describe("VLQ number lists", () => {
  it("round-trips small and large values", () => {
    const values = [0, 1, 31, 32, 1023, 1024, 65_535, 2 ** 31, 2 ** 40];
    const writer = new VlqWriter();
    for (const v of values) writer.write(v);
    const reader = new VlqReader(writer.toString());
    expect(values.map(() => reader.read())).toEqual(values);
    expect(reader.done).toBe(true);
  });

  it("rejects malformed text", () => {
    expect(() => new VlqReader("!").read()).toThrow(/malformed/);
    expect(() => new VlqReader("g").read()).toThrow(/malformed/); // continuation without end
  });
});

describe("searchDocument", () => {
  it("derives the searchable fields from a server.json", () => {
    const doc = searchDocument(
      {
        name: "io.github.alice/postgres-mcp",
        title: "Postgres",
        description: "Query Postgres",
        version: "1.2.0",
        packages: [
          { registryType: "npm", identifier: "@alice/postgres-mcp", version: "1.2.0", transport: { type: "stdio" } },
          {
            registryType: "oci",
            identifier: "ghcr.io/alice/pg:1.2.0",
            transport: { type: "streamable-http", url: "http://localhost:8080/mcp" },
          },
          { registryType: "npm", identifier: "@alice/postgres-mcp", transport: { type: "stdio" } },
        ],
        remotes: [
          { type: "sse", url: "https://MCP.Alice.dev:8443/sse?x=1" },
          { type: "streamable-http", url: "https://{tenant}.alice.dev/mcp" },
        ],
      },
      "deprecated",
    );
    expect(doc).toEqual({
      name: "io.github.alice/postgres-mcp",
      namespace: "io.github.alice",
      version: "1.2.0",
      status: "deprecated",
      title: "Postgres",
      description: "Query Postgres",
      packageIdentifiers: ["@alice/postgres-mcp", "ghcr.io/alice/pg:1.2.0"],
      remoteHosts: ["mcp.alice.dev", "{tenant}.alice.dev"],
      registryTypes: ["npm", "oci"],
      transports: ["stdio", "streamable-http", "sse"],
      hosting: ["remote", "package"],
    });
  });

  it("tolerates a server with neither packages nor remotes", () => {
    const doc = searchDocument({ name: "com.example/bare", description: "x", version: "1" }, "active");
    expect(doc.hosting).toEqual([]);
    expect(doc.title).toBeUndefined();
    expect(doc.transports).toEqual([]);
  });
});
