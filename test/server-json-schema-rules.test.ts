import { describe, expect, it } from "vitest";
import {
  CURRENT_SCHEMA_URL,
  parseServerJson,
  schemaIssues,
  semanticIssues,
  type ServerJson,
} from "../worker/src/domain/server-json/index.ts";

// Layer 3: the JSON Schema 2025-12-11 rules the other layers leave out (only /validate runs them).

function serverBase(): Record<string, unknown> {
  return {
    $schema: CURRENT_SCHEMA_URL,
    name: "io.github.alice/weather",
    description: "Weather forecasts for your agent.",
    version: "1.0.2",
  };
}

function parsed(overrides: Record<string, unknown> = {}): ServerJson {
  const result = parseServerJson({ ...serverBase(), ...overrides });
  if (!result.ok) throw new Error(`layer 1 rejected the fixture: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function summary(overrides: Record<string, unknown>): string[] {
  return schemaIssues(parsed(overrides)).map((i) => `${i.path} ${i.reference}`);
}

const pkg = (overrides: Record<string, unknown>) => ({
  registryType: "npm",
  identifier: "@alice/weather",
  version: "1.0.2",
  transport: { type: "stdio" },
  ...overrides,
});
const args = (...packageArguments: unknown[]) => ({ packages: [pkg({ packageArguments })] });

describe("schemaIssues", () => {
  it("finds nothing in a complete, valid server.json", () => {
    expect(
      summary({
        title: "Weather",
        websiteUrl: "https://example.com",
        repository: { url: "https://github.com/alice/weather", source: "github" },
        icons: [{ src: "https://example.com/i.png", sizes: ["48x48"] }],
        packages: [
          pkg({
            registryBaseUrl: "https://registry.npmjs.org",
            packageArguments: [
              { type: "positional", valueHint: "config" },
              { type: "named", name: "--port", value: "8080" },
            ],
            environmentVariables: [{ name: "API_KEY", format: "string", isSecret: true }],
          }),
        ],
        remotes: [
          {
            type: "streamable-http",
            url: "https://{tenant}.example.com/mcp",
            variables: { tenant: { format: "string" } },
          },
        ],
      }),
    ).toEqual([]);
  });

  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string[]]> = [
    [
      "a positional argument with neither valueHint nor value",
      args({ type: "positional", isRepeated: false }),
      ["packages[0].packageArguments[0] #/definitions/PositionalArgument/allOf/1/anyOf"],
    ],
    [
      "a positional argument whose value is empty (dropped by omitempty)",
      args({ type: "positional", value: "" }),
      ["packages[0].packageArguments[0] #/definitions/PositionalArgument/allOf/1/anyOf"],
    ],
    ["a positional argument with a value", args({ type: "positional", value: "./data" }), []],
    [
      "a named argument without name",
      args({ type: "named", value: "x" }),
      ["packages[0].packageArguments[0] #/definitions/NamedArgument/allOf/1/required"],
    ],
    [
      "an unknown argument type",
      args({ type: "flag", name: "--x" }),
      ["packages[0].packageArguments[0].type #/definitions/Argument/anyOf"],
    ],
    [
      "an empty argument type (seen in real data)",
      args({ type: "" }),
      ["packages[0].packageArguments[0].type #/definitions/Argument/anyOf"],
    ],
    [
      "an unknown package transport type",
      { packages: [pkg({ transport: { type: "websocket" } })] },
      ["packages[0].transport.type #/definitions/LocalTransport/anyOf"],
    ],
    [
      "a package sse transport without url",
      { packages: [pkg({ transport: { type: "sse" } })] },
      ["packages[0].transport #/definitions/SseTransport/required"],
    ],
    [
      "a transport url with whitespace",
      { packages: [pkg({ transport: { type: "streamable-http", url: "http://localhost/a b" } })] },
      ["packages[0].transport.url #/definitions/StreamableHttpTransport/properties/url/pattern"],
    ],
    [
      "an upper-case scheme (the pattern is case-sensitive)",
      { remotes: [{ type: "sse", url: "HTTPS://example.com/sse" }] },
      ["remotes[0].url #/definitions/SseTransport/properties/url/pattern"],
    ],
    [
      "a remote url starting with a template",
      { remotes: [{ type: "sse", url: "{base}/sse", variables: { base: {} } }] },
      ["remotes[0].url #/definitions/SseTransport/properties/url/pattern"],
    ],
    [
      "a stdio remote",
      { remotes: [{ type: "stdio" }] },
      ["remotes[0].type #/definitions/RemoteTransport/allOf/0/anyOf"],
    ],
    ["an empty repository object", { repository: {} }, ["repository #/definitions/Repository/required"]],
    [
      "a repository with only a url",
      { repository: { url: "https://github.com/a/b" } },
      ["repository #/definitions/Repository/required"],
    ],
    [
      "a relative repository url",
      { repository: { url: "github.com/a/b", source: "github" } },
      ["repository.url #/definitions/Repository/properties/url/format"],
    ],
    [
      "a relative websiteUrl",
      { websiteUrl: "docs" },
      ["websiteUrl #/definitions/ServerDetail/properties/websiteUrl/format"],
    ],
    [
      "a relative registryBaseUrl",
      { packages: [pkg({ registryBaseUrl: "registry.npmjs.org" })] },
      ["packages[0].registryBaseUrl #/definitions/Package/properties/registryBaseUrl/format"],
    ],
    [
      "a relative icon src",
      { icons: [{ src: "/icon.png" }] },
      ["icons[0].src #/definitions/Icon/properties/src/format"],
    ],
    [
      "a relative $schema",
      { $schema: "schemas/2025-12-11/server.schema.json" },
      ["$schema #/definitions/ServerDetail/properties/$schema/format"],
    ],
    // A version of 256 code points no longer gets here: the body model refuses it (layer 1).
    ["a version of 255 code points", { version: "😀".repeat(255) }, []],
    [
      "package version latest (also a semantic error)",
      { packages: [pkg({ version: "latest" })] },
      ["packages[0].version #/definitions/Package/properties/version/not"],
    ],
    [
      "an unknown input format at any depth",
      {
        packages: [
          pkg({
            environmentVariables: [{ name: "N", format: "integer" }],
            transport: { type: "sse", url: "http://h/", headers: [{ name: "H", format: "int" }] },
          }),
        ],
        remotes: [{ type: "sse", url: "https://h/{v}", variables: { v: { format: "uuid" } } }],
      },
      [
        "packages[0].transport.headers[0].format #/definitions/Input/properties/format/enum",
        "packages[0].environmentVariables[0].format #/definitions/Input/properties/format/enum",
        "remotes[0].variables.v.format #/definitions/Input/properties/format/enum",
      ],
    ],
  ];
  it.each(cases)("flags %s", (_label, overrides, expected) => {
    expect(summary(overrides)).toEqual(expected);
  });

  it("reports issues of type schema with severity error", () => {
    for (const issue of schemaIssues(parsed({ repository: {}, icons: [{ src: "/icon.png" }] }))) {
      expect(issue).toMatchObject({ type: "schema", severity: "error" });
      expect(issue.message).not.toBe("");
    }
  });

  it("leaves the version length to layer 1, which counts code points", () => {
    const refused = parseServerJson({ ...serverBase(), version: "é".repeat(256) });
    expect(refused).toEqual({
      ok: false,
      errors: [{ message: "expected length <= 255", location: "body.version", value: "é".repeat(256) }],
    });
  });

  it("is the only layer that rejects a positional argument without value", () => {
    const server = parsed(args({ type: "positional" }));
    expect(semanticIssues(server)).toEqual([]);
    expect(schemaIssues(server)).toHaveLength(1);
  });
});
