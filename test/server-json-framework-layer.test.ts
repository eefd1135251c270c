import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sampleServer } from "./helpers/server-json-fixture.ts";
import { CURRENT_SCHEMA_URL, codePointLength, parseServerJson } from "../worker/src/domain/server-json/index.ts";
import type { ProblemDetail } from "../worker/src/errors.ts";

// Layer 1: the official API's body model (huma), spec §2.3 and §8.1.

const server = sampleServer;

function npmPackage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    registryType: "npm",
    identifier: "@alice/weather",
    version: "1.0.2",
    transport: { type: "stdio" },
    ...overrides,
  };
}

function errorsOf(input: unknown, prefix?: string): ProblemDetail[] {
  const result = parseServerJson(input, prefix);
  if (result.ok) throw new Error("expected layer 1 to reject the body");
  return result.errors;
}

describe("parseServerJson: accepted bodies", () => {
  it("accepts a minimal server.json", () => {
    const result = parseServerJson(server());
    expect(result).toEqual({ ok: true, value: server() });
  });

  it("orders keys like the official Go structs, whatever order they came in", () => {
    const input = {
      _meta: { "io.modelcontextprotocol.registry/publisher-provided": { tool: "ci" } },
      remotes: [{ variables: { tenant: { description: "id" } }, url: "https://{tenant}.example.com/mcp", type: "sse" }],
      packages: [
        {
          environmentVariables: [{ name: "API_KEY", isSecret: true, description: "key" }],
          transport: { type: "stdio" },
          packageArguments: [{ isRepeated: true, valueHint: "path", type: "positional" }],
          version: "1.0.0",
          identifier: "weather",
          registryType: "pypi",
        },
      ],
      icons: [{ theme: "dark", src: "https://example.com/i.png" }],
      websiteUrl: "https://example.com",
      version: "1.0.0",
      repository: { subfolder: "src", source: "github", url: "https://github.com/alice/weather" },
      title: "Weather",
      description: "Weather forecasts.",
      name: "io.github.alice/weather",
      $schema: CURRENT_SCHEMA_URL,
    };
    const result = parseServerJson(input);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(JSON.stringify(result.value)).toBe(
      '{"$schema":"' +
        CURRENT_SCHEMA_URL +
        '","name":"io.github.alice/weather","description":"Weather forecasts.",' +
        '"title":"Weather","repository":{"url":"https://github.com/alice/weather","source":"github","subfolder":"src"},' +
        '"version":"1.0.0","websiteUrl":"https://example.com","icons":[{"src":"https://example.com/i.png","theme":"dark"}],' +
        '"packages":[{"registryType":"pypi","identifier":"weather","version":"1.0.0","transport":{"type":"stdio"},' +
        '"packageArguments":[{"type":"positional","valueHint":"path","isRepeated":true}],' +
        '"environmentVariables":[{"description":"key","isSecret":true,"name":"API_KEY"}]}],' +
        '"remotes":[{"type":"sse","url":"https://{tenant}.example.com/mcp","variables":{"tenant":{"description":"id"}}}],' +
        '"_meta":{"io.modelcontextprotocol.registry/publisher-provided":{"tool":"ci"}}}',
    );
  });

  it("keeps explicit empty objects, empty strings and false values the publisher sent", () => {
    const input = server({
      repository: {},
      packages: [
        npmPackage({ environmentVariables: [{ name: "", isRequired: false }], packageArguments: [{ type: "" }] }),
      ],
      _meta: {},
    });
    expect(parseServerJson(input)).toEqual({ ok: true, value: input });
  });

  it("sorts map keys like Go's encoder: variables and publisher-provided (deeply)", () => {
    const result = parseServerJson(
      server({
        remotes: [{ type: "sse", url: "https://{b}.example.com/{a}", variables: { b: {}, a: {} } }],
        _meta: { "io.modelcontextprotocol.registry/publisher-provided": { z: 1, a: { y: [{ d: 1, c: 2 }], x: 2 } } },
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(JSON.stringify(result.value.remotes?.[0]?.variables)).toBe('{"a":{},"b":{}}');
    expect(JSON.stringify(result.value._meta)).toBe(
      '{"io.modelcontextprotocol.registry/publisher-provided":{"a":{"x":2,"y":[{"c":2,"d":1}]},"z":1}}',
    );
  });

  it("accepts free-form publisher-provided content and any variable names", () => {
    const input = server({
      remotes: [
        { type: "sse", url: "https://x.example.com/{Any Name!}", variables: { "Any Name!": { format: "number" } } },
      ],
      _meta: {
        "io.modelcontextprotocol.registry/publisher-provided": { nested: { anything: [1, "two", null, true] } },
      },
    });
    expect(parseServerJson(input).ok).toBe(true);
  });

  it("treats null on an optional field as absent (huma skips it, Go leaves the zero value)", () => {
    const result = parseServerJson(server({ title: null, repository: null, packages: null, _meta: null }));
    expect(result).toEqual({ ok: true, value: server() });
  });

  it("matches field names case-insensitively, as Go's decoder and huma do", () => {
    const result = parseServerJson({
      ...server({ WebsiteURL: "https://example.com" }),
      Version: "2.0.0",
      version: undefined,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.websiteUrl).toBe("https://example.com");
    expect(result.value.version).toBe("2.0.0");
    expect(Object.keys(result.value)).toEqual(["$schema", "name", "description", "version", "websiteUrl"]);
  });

  it("counts lengths in code points: 100 emoji are a valid description", () => {
    expect(codePointLength("😀".repeat(100))).toBe(100);
    expect("😀".repeat(100).length).toBe(200);
    expect(parseServerJson(server({ description: "😀".repeat(100) })).ok).toBe(true);
  });
});

describe("parseServerJson: huma errors", () => {
  const cases: ReadonlyArray<readonly [string, unknown, ProblemDetail[]]> = [
    ["a body that is not an object", "text", [{ message: "expected object", location: "body", value: "text" }]],
    ["an array body", [server()], [{ message: "expected object", location: "body", value: [server()] }]],
    [
      "a missing $schema",
      { ...server(), $schema: undefined },
      [
        {
          message: "expected required property $schema to be present",
          location: "body",
          value: { ...server(), $schema: undefined },
        },
      ],
    ],
    [
      "an empty $schema",
      server({ $schema: "" }),
      [{ message: "expected length >= 1", location: "body.$schema", value: "" }],
    ],
    [
      "a $schema Go's url.Parse rejects",
      server({ $schema: ":schema" }),
      [
        {
          message: 'expected string to be RFC 3986 uri: parse ":schema": missing protocol scheme',
          location: "body.$schema",
          value: ":schema",
        },
      ],
    ],
    [
      "a name without a slash",
      server({ name: "no-namespace-separator" }),
      [
        {
          message: "expected string to match pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$",
          location: "body.name",
          value: "no-namespace-separator",
        },
      ],
    ],
    [
      "a two-character name",
      server({ name: "ab" }),
      [
        { message: "expected length >= 3", location: "body.name", value: "ab" },
        {
          message: "expected string to match pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$",
          location: "body.name",
          value: "ab",
        },
      ],
    ],
    [
      "a name of the wrong type",
      server({ name: 42 }),
      [{ message: "expected string", location: "body.name", value: 42 }],
    ],
    [
      "a null required field",
      server({ name: null }),
      [{ message: "expected string", location: "body.name", value: null }],
    ],
    [
      "an empty description",
      server({ description: "" }),
      [{ message: "expected length >= 1", location: "body.description", value: "" }],
    ],
    [
      "a description of 101 code points",
      server({ description: "é".repeat(101) }),
      [{ message: "expected length <= 100", location: "body.description", value: "é".repeat(101) }],
    ],
    ["an empty title", server({ title: "" }), [{ message: "expected length >= 1", location: "body.title", value: "" }]],
    [
      "a missing version",
      { ...server(), version: undefined },
      [
        {
          message: "expected required property version to be present",
          location: "body",
          value: { ...server(), version: undefined },
        },
      ],
    ],
    [
      "a websiteUrl with a bad escape",
      server({ websiteUrl: "https://example.com/%zz" }),
      [
        {
          message: 'expected string to be RFC 3986 uri: parse "https://example.com/%zz": invalid URL escape "%zz"',
          location: "body.websiteUrl",
          value: "https://example.com/%zz",
        },
      ],
    ],
    [
      "a non-object repository",
      server({ repository: [] }),
      [{ message: "expected object", location: "body.repository", value: [] }],
    ],
    [
      "icons that are not an array",
      server({ icons: {} }),
      [{ message: "expected array", location: "body.icons", value: {} }],
    ],
    [
      "an icon without src",
      server({ icons: [{ theme: "dark" }] }),
      [
        {
          message: "expected required property src to be present",
          location: "body.icons[0]",
          value: { theme: "dark" },
        },
      ],
    ],
    [
      "an icon src longer than 255",
      server({ icons: [{ src: `https://example.com/${"a".repeat(236)}` }] }),
      [
        {
          message: "expected length <= 255",
          location: "body.icons[0].src",
          value: `https://example.com/${"a".repeat(236)}`,
        },
      ],
    ],
    [
      "an unknown icon mimeType",
      server({ icons: [{ src: "https://example.com/i.gif", mimeType: "image/gif" }] }),
      [
        {
          message: 'expected value to be one of "image/png, image/jpeg, image/jpg, image/svg+xml, image/webp"',
          location: "body.icons[0].mimeType",
          value: "image/gif",
        },
      ],
    ],
    [
      "an unknown icon theme",
      server({ icons: [{ src: "https://example.com/i.png", theme: "blue" }] }),
      [{ message: 'expected value to be one of "light, dark"', location: "body.icons[0].theme", value: "blue" }],
    ],
    [
      "a bad icon size",
      server({ icons: [{ src: "https://example.com/i.png", sizes: ["48"] }] }),
      [
        {
          message: "expected string to match pattern ^(\\d+x\\d+|any)$",
          location: "body.icons[0].sizes[0]",
          value: "48",
        },
      ],
    ],
    [
      "a package without transport",
      server({ packages: [{ registryType: "npm", identifier: "x" }] }),
      [
        {
          message: "expected required property transport to be present",
          location: "body.packages[0]",
          value: { registryType: "npm", identifier: "x" },
        },
      ],
    ],
    [
      "a transport without type",
      server({ packages: [npmPackage({ transport: {} })] }),
      [{ message: "expected required property type to be present", location: "body.packages[0].transport", value: {} }],
    ],
    [
      "an empty registryType",
      server({ packages: [npmPackage({ registryType: "" })] }),
      [{ message: "expected length >= 1", location: "body.packages[0].registryType", value: "" }],
    ],
    [
      "an empty package version",
      server({ packages: [npmPackage({ version: "" })] }),
      [{ message: "expected length >= 1", location: "body.packages[0].version", value: "" }],
    ],
    [
      "a package version of 256 characters",
      server({ packages: [npmPackage({ version: "1".repeat(256) })] }),
      [{ message: "expected length <= 255", location: "body.packages[0].version", value: "1".repeat(256) }],
    ],
    [
      "an upper-case fileSha256",
      server({ packages: [npmPackage({ fileSha256: "A".repeat(64) })] }),
      [
        {
          message: "expected string to match pattern ^[a-f0-9]{64}$",
          location: "body.packages[0].fileSha256",
          value: "A".repeat(64),
        },
      ],
    ],
    [
      "an argument without type",
      server({ packages: [npmPackage({ runtimeArguments: [{ value: "-y" }] })] }),
      [
        {
          message: "expected required property type to be present",
          location: "body.packages[0].runtimeArguments[0]",
          value: { value: "-y" },
        },
      ],
    ],
    [
      "an environment variable without name",
      server({ packages: [npmPackage({ environmentVariables: [{ isSecret: "yes" }] })] }),
      [
        { message: "expected boolean", location: "body.packages[0].environmentVariables[0].isSecret", value: "yes" },
        {
          message: "expected required property name to be present",
          location: "body.packages[0].environmentVariables[0]",
          value: { isSecret: "yes" },
        },
      ],
    ],
    [
      "a variable that is not an object",
      server({ remotes: [{ type: "sse", url: "https://example.com/{x}", variables: { x: "a" } }] }),
      [{ message: "expected object", location: "body.remotes[0].variables.x", value: "a" }],
    ],
    [
      "a non-string choice",
      server({ remotes: [{ type: "sse", url: "https://example.com", headers: [{ name: "X", choices: [1] }] }] }),
      [{ message: "expected string", location: "body.remotes[0].headers[0].choices[0]", value: 1 }],
    ],
  ];
  it.each(cases)("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("reports every unknown key at every depth, with the parent object as value", () => {
    const pkg = npmPackage({ transport: { type: "stdio", command: "npx" }, foo: 1 });
    const input = server({ website_url: "https://example.com", status: "active", packages: [pkg] });
    expect(errorsOf(input)).toEqual([
      {
        message: "unexpected property",
        location: "body.packages[0].transport.command",
        value: { type: "stdio", command: "npx" },
      },
      { message: "unexpected property", location: "body.packages[0].foo", value: pkg },
      { message: "unexpected property", location: "body.website_url", value: input },
      { message: "unexpected property", location: "body.status", value: input },
    ]);
  });

  it("allows only publisher-provided inside _meta", () => {
    const meta = { "io.modelcontextprotocol.registry/publisher-provided": {}, "com.example": { a: 1 } };
    expect(errorsOf(server({ _meta: meta }))).toEqual([
      { message: "unexpected property", location: "body._meta.com.example", value: meta },
    ]);
  });

  it("rejects keys that plain JS objects treat specially", () => {
    const body = JSON.parse(
      `{"$schema":"${CURRENT_SCHEMA_URL}","name":"a.b/cd","description":"d","version":"1","__proto__":{"x":1}}`,
    );
    expect(errorsOf(body).map((e) => [e.message, e.location])).toEqual([["unexpected property", "body.__proto__"]]);
  });

  it("collects all errors instead of stopping at the first", () => {
    const errors = errorsOf({ name: "x", description: "", version: 1, foo: true });
    expect(errors.map((e) => `${e.location}: ${e.message}`)).toEqual([
      "body: expected required property $schema to be present",
      "body.name: expected length >= 3",
      "body.name: expected string to match pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$",
      "body.description: expected length >= 1",
      "body.version: expected string",
      "body.foo: unexpected property",
    ]);
  });

  it("prefixes locations with locationPrefix", () => {
    expect(errorsOf(server({ name: 1, foo: 2 }), "").map((e) => e.location)).toEqual(["name", "foo"]);
    expect(errorsOf(server({ name: 1 }), "server").map((e) => e.location)).toEqual(["server.name"]);
  });
});

describe("parseServerJson on the real registry pull", () => {
  const lines = env.TEST_REAL_SERVERS.split("\n").filter((line) => line !== "");
  it.skipIf(lines.length === 0)("accepts all 3,148 entries and re-serialises each byte for byte", () => {
    const rejected: string[] = [];
    const changed: string[] = [];
    for (const line of lines) {
      const result = parseServerJson(JSON.parse(line));
      if (!result.ok) rejected.push(line.slice(0, 120));
      else if (JSON.stringify(result.value) !== line) changed.push(line.slice(0, 120));
    }
    expect(lines).toHaveLength(3148);
    expect(rejected).toEqual([]);
    expect(changed).toEqual([]);
  });
});
