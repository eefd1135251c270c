import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sampleServer } from "./helpers/server-json-fixture.ts";
import {
  CURRENT_SCHEMA_URL,
  parseServerJson,
  semanticIssues,
  validateServerJson,
  type ServerJson,
  type ValidationIssue,
} from "../worker/src/domain/server-json/index.ts";

// Layer 2: the official semantic validator (spec §8), run by publish, import and /validate.

const server = sampleServer;

function parsed(overrides: Record<string, unknown>): ServerJson {
  const result = parseServerJson(server(overrides));
  if (!result.ok) throw new Error(`layer 1 rejected the fixture: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** "severity path reference" per issue: compact and independent of message wording. */
function summary(overrides: Record<string, unknown>): string[] {
  return semanticIssues(parsed(overrides)).map((i) => `${i.severity} ${i.path} ${i.reference}`);
}

const stdio = { type: "stdio" };
const pkg = (overrides: Record<string, unknown>) => ({
  registryType: "npm",
  identifier: "@alice/weather",
  version: "1.0.2",
  transport: stdio,
  ...overrides,
});
const remote = (url: string, extra: Record<string, unknown> = {}) => ({
  remotes: [{ type: "streamable-http", url, ...extra }],
});

describe("semanticIssues: $schema", () => {
  const schemaUrl = (version: string) => `https://static.modelcontextprotocol.io/schemas/${version}/server.schema.json`;
  const cases: ReadonlyArray<readonly [string, string, string[]]> = [
    ["the current schema", CURRENT_SCHEMA_URL, []],
    ["2025-10-17", schemaUrl("2025-10-17"), ["warning schema schema-version-deprecated"]],
    ["2025-09-29", schemaUrl("2025-09-29"), ["warning schema schema-version-deprecated"]],
    ["2025-09-16", schemaUrl("2025-09-16"), ["warning schema schema-version-deprecated"]],
    ["2025-07-09", schemaUrl("2025-07-09"), ["warning schema schema-version-deprecated"]],
    [
      "2025-10-17 with a definitions fragment",
      `${schemaUrl("2025-10-17")}#/definitions/ServerDetail`,
      ["warning schema schema-version-deprecated"],
    ],
    [
      "an unknown version",
      schemaUrl("2024-01-01"),
      ["warning schema schema-version-deprecated", "error schema schema-version-not-available"],
    ],
    [
      "a URL without a version",
      "https://example.com/server.schema.json",
      ["error schema schema-version-extraction-error"],
    ],
  ];
  it.each(cases)("%s", (_label, $schema, expected) => {
    expect(summary({ $schema })).toEqual(expected);
  });

  it("types the deprecation warning as semantic and the unusable URL as schema", () => {
    const [warning] = semanticIssues(parsed({ $schema: schemaUrl("2025-09-29") }));
    expect(warning).toMatchObject({ type: "semantic", severity: "warning", path: "schema" });
    const [error] = semanticIssues(parsed({ $schema: "https://example.com/x.json" }));
    expect(error).toMatchObject({ type: "schema", severity: "error", path: "schema" });
  });
});

describe("semanticIssues: top-level fields", () => {
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string[]]> = [
    ["a one-character namespace", { name: "x/tool" }, ["error name invalid-server-name"]],
    ["a server part starting with a dash", { name: "com.example/-x" }, ["error name invalid-server-name"]],
    ["a namespace ending with a dot", { name: "com.example./tool" }, ["error name invalid-server-name"]],
    ["version latest", { version: "latest" }, ["error version reserved-version-string"]],
    ["a caret range version", { version: "^1.0.0" }, ["error version version-looks-like-range"]],
    ["a prerelease with an x (quirk)", { version: "2.0.0-next" }, ["error version version-looks-like-range"]],
    ["a free-form version", { version: "snapshot - 2025.09" }, []],
    ["an empty repository", { repository: {} }, []],
    [
      "a GitHub repository",
      { repository: { url: "https://github.com/alice/weather", source: "github", subfolder: "src/a" } },
      [],
    ],
    [
      "http and a trailing slash (tolerated)",
      { repository: { url: "http://www.github.com/alice/weather/", source: "github" } },
      [],
    ],
    ["a GitLab repository", { repository: { url: "https://gitlab.com/alice/weather", source: "gitlab" } }, []],
    [
      "a GitLab subgroup",
      { repository: { url: "https://gitlab.com/group/sub/weather", source: "gitlab" } },
      ["error repository.url invalid-repository-url"],
    ],
    [
      "another forge",
      { repository: { url: "https://bitbucket.org/alice/weather", source: "bitbucket" } },
      ["error repository.url invalid-repository-url"],
    ],
    [
      "a url without source",
      { repository: { url: "https://github.com/alice/weather" } },
      ["error repository.url invalid-repository-url"],
    ],
    [
      "a source/url mismatch",
      { repository: { url: "https://github.com/alice/weather", source: "gitlab" } },
      ["error repository.url invalid-repository-url"],
    ],
    [
      "a subfolder with ..",
      { repository: { url: "https://github.com/a/b", source: "github", subfolder: "src/../x" } },
      ["error repository.subfolder invalid-subfolder-path"],
    ],
    [
      "an absolute subfolder",
      { repository: { url: "https://github.com/a/b", source: "github", subfolder: "/src" } },
      ["error repository.subfolder invalid-subfolder-path"],
    ],
    ["a subfolder on an empty repository (skipped)", { repository: { subfolder: "/src" } }, []],
    ["an https websiteUrl", { websiteUrl: "https://example.com/docs" }, []],
    ["an http websiteUrl", { websiteUrl: "http://example.com" }, ["error websiteUrl website-url-invalid-scheme"]],
    [
      "a relative websiteUrl",
      { websiteUrl: "docs/index.html" },
      ["error websiteUrl website-url-must-be-absolute", "error websiteUrl website-url-invalid-scheme"],
    ],
    ["a whitespace-only title", { title: " \t " }, ["error title title-whitespace-only"]],
    ["an https icon", { icons: [{ src: "https://example.com/i.png" }] }, []],
    ["an http icon", { icons: [{ src: "http://example.com/i.png" }] }, ["error icons[0].src icon-src-invalid-scheme"]],
    [
      "a data: icon",
      { icons: [{ src: "data:image/png;base64,AAAA" }] },
      ["error icons[0].src icon-src-invalid-scheme"],
    ],
    [
      "a relative icon",
      { icons: [{ src: "/i.png" }] },
      ["error icons[0].src icon-src-not-absolute", "error icons[0].src icon-src-invalid-scheme"],
    ],
  ];
  it.each(cases)("%s", (_label, overrides, expected) => {
    expect(summary(overrides)).toEqual(expected);
  });

  it("words issues like the official validator", () => {
    expect(semanticIssues(parsed({ version: "^1.0.0" }))).toEqual<ValidationIssue[]>([
      {
        type: "semantic",
        path: "version",
        message: 'version must be a specific version, not a range: "^1.0.0"',
        severity: "error",
        reference: "version-looks-like-range",
      },
    ]);
  });
});

describe("semanticIssues: packages", () => {
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string[]]> = [
    ["a plain package", pkg({}), []],
    [
      "an identifier with a space",
      pkg({ identifier: "alice weather" }),
      ["error packages[0].identifier package-name-has-spaces"],
    ],
    ["version latest", pkg({ version: "latest" }), ["error packages[0].version reserved-version-string"]],
    ["a range version", pkg({ version: "~1.2" }), ["error packages[0].version version-looks-like-range"]],
    ["no version (OCI)", pkg({ version: undefined, registryType: "oci", identifier: "ghcr.io/a/b:1.0.0" }), []],
    ["a named argument", pkg({ runtimeArguments: [{ type: "named", name: "--port", value: "8080" }] }), []],
    [
      "a named argument without name",
      pkg({ runtimeArguments: [{ type: "named" }] }),
      ["error packages[0].runtimeArguments[0].name named-argument-name-required"],
    ],
    [
      "a named argument without name but with a value (quirk: the value 'starts with' \"\")",
      pkg({ packageArguments: [{ type: "named", value: "x" }] }),
      [
        "error packages[0].packageArguments[0].name named-argument-name-required",
        "error packages[0].packageArguments[0].value argument-value-starts-with-name",
      ],
    ],
    [
      "a name with an embedded value",
      pkg({ packageArguments: [{ type: "named", name: "--dir <path>" }] }),
      ["error packages[0].packageArguments[0].name invalid-named-argument-name"],
    ],
    [
      "a name with a $",
      pkg({ packageArguments: [{ type: "named", name: "--key=$KEY" }] }),
      ["error packages[0].packageArguments[0].name invalid-named-argument-name"],
    ],
    [
      "a value repeating the flag",
      pkg({ packageArguments: [{ type: "named", name: "--port", value: "--port=1" }] }),
      ["error packages[0].packageArguments[0].value argument-value-starts-with-name"],
    ],
    [
      "a default repeating the flag",
      pkg({ packageArguments: [{ type: "named", name: "--port", default: "--port 1" }] }),
      ["error packages[0].packageArguments[0].default argument-default-starts-with-name"],
    ],
    ["a positional argument without value (schema-only rule)", pkg({ packageArguments: [{ type: "positional" }] }), []],
    [
      "a stdio transport with url",
      pkg({ transport: { type: "stdio", url: "http://localhost" } }),
      ["error packages[0].transport.url stdio-transport-url-not-empty"],
    ],
    [
      "an http transport without url",
      pkg({ transport: { type: "streamable-http" } }),
      ["error packages[0].transport.url streamable-transport-url-required"],
    ],
    [
      "http and localhost are fine for packages",
      pkg({ transport: { type: "sse", url: "http://localhost:3000/sse" } }),
      [],
    ],
    [
      "an unknown transport type",
      pkg({ transport: { type: "websocket" } }),
      ["error packages[0].transport.type unsupported-transport-type"],
    ],
    [
      "a non-http URL",
      pkg({ transport: { type: "sse", url: "ftp://example.com" } }),
      ["error packages[0].transport.url invalid-templated-url"],
    ],
    [
      "a URL starting with a template",
      pkg({ transport: { type: "sse", url: "{baseUrl}/mcp" }, environmentVariables: [{ name: "baseUrl" }] }),
      ["error packages[0].transport.url invalid-templated-url"],
    ],
    [
      "an undeclared {var}",
      pkg({ transport: { type: "sse", url: "http://localhost:{port}/sse" } }),
      ["error packages[0].transport.url invalid-templated-url"],
    ],
    [
      "{port} declared by an env var",
      pkg({ transport: { type: "sse", url: "http://localhost:{PORT}/sse" }, environmentVariables: [{ name: "PORT" }] }),
      [],
    ],
    [
      "{port} declared by a valueHint",
      pkg({
        transport: { type: "sse", url: "http://{host}:{port}/sse" },
        packageArguments: [
          { type: "positional", valueHint: "port" },
          { type: "positional", valueHint: "host" },
        ],
      }),
      [],
    ],
    [
      "{--port} matches a named argument as written",
      pkg({
        transport: { type: "sse", url: "http://localhost:{--port}/sse" },
        runtimeArguments: [{ type: "named", name: "--port" }],
      }),
      [],
    ],
    [
      "{port} does not match --port",
      pkg({
        transport: { type: "sse", url: "http://localhost:{port}/sse" },
        runtimeArguments: [{ type: "named", name: "--port" }],
      }),
      ["error packages[0].transport.url invalid-templated-url"],
    ],
  ];
  it.each(cases)("%s", (_label, packageJson, expected) => {
    const clean = Object.fromEntries(Object.entries(packageJson).filter(([, value]) => value !== undefined));
    expect(summary({ packages: [clean] })).toEqual(expected);
  });
});

describe("semanticIssues: remotes", () => {
  const rejected: ReadonlyArray<readonly [string, string]> = [
    ["http", "http://example.com/mcp"],
    ["localhost", "https://localhost/mcp"],
    ["upper-case localhost with a trailing dot", "https://LOCALHOST./mcp"],
    ["a .localhost subdomain", "https://api.localhost:8443/mcp"],
    ["IPv4 loopback", "https://127.0.0.1/mcp"],
    ["IPv4 loopback in short form", "https://127.1/mcp"],
    ["IPv6 loopback", "https://[::1]/mcp"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/mcp"],
    ["IPv4-mapped private", "https://[::ffff:192.168.1.1]/mcp"],
    ["unspecified IPv4", "https://0.0.0.0/mcp"],
    ["unspecified IPv6", "https://[::]/mcp"],
    ["10/8", "https://10.1.2.3/mcp"],
    ["172.16/12", "https://172.31.255.255/mcp"],
    ["192.168/16", "https://192.168.0.1/mcp"],
    ["fc00::/7", "https://[fd12:3456::1]/mcp"],
    ["IPv4 link-local", "https://169.254.169.254/latest"],
    ["IPv6 link-local", "https://[fe80::1]/mcp"],
    ["IPv4 multicast", "https://224.0.0.251/mcp"],
    ["IPv6 multicast", "https://[ff02::1]/mcp"],
    ["broadcast", "https://255.255.255.255/mcp"],
    ["CGNAT", "https://100.64.0.1/mcp"],
    ["no host", "https:///mcp"],
    ["not a URL", "mcp.example.com/mcp"],
  ];
  it.each(rejected)("rejects %s", (_label, url) => {
    expect(summary(remote(url)).filter((s) => s.endsWith("invalid-remote-url"))).toEqual([
      "error remotes[0].url invalid-remote-url",
    ]);
  });

  const accepted: ReadonlyArray<readonly [string, string]> = [
    ["a public host", "https://mcp.example.com/mcp"],
    ["a public IPv4 address", "https://8.8.8.8/mcp"],
    ["a public IPv6 address", "https://[2606:4700::1111]/mcp"],
    ["172.32 (outside 172.16/12)", "https://172.32.0.1/mcp"],
    ["100.128 (outside CGNAT)", "https://100.128.0.1/mcp"],
    ["localhost as a label of a public name", "https://localhost.example.com/mcp"],
  ];
  it.each(accepted)("accepts %s", (_label, url) => {
    expect(summary(remote(url))).toEqual([]);
  });

  it("requires each {var} to be declared in variables", () => {
    expect(summary(remote("https://{tenant}.example.com/mcp"))).toEqual(["error remotes[0].url invalid-templated-url"]);
    expect(summary(remote("https://{tenant}.example.com/mcp", { variables: { tenant: {} } }))).toEqual([]);
  });

  it("fills {host} with a public placeholder before checking the host", () => {
    expect(summary(remote("https://{host}/mcp", { variables: { host: {} } }))).toEqual([]);
  });

  it("rejects stdio and a missing url", () => {
    expect(summary({ remotes: [{ type: "stdio" }] })).toEqual([
      "error remotes[0].type unsupported-remote-transport-type",
    ]);
    expect(summary({ remotes: [{ type: "sse" }] })).toEqual([
      "error remotes[0].url remote-transport-url-required",
      "error remotes[0].url invalid-templated-url",
    ]);
  });
});

describe("validateServerJson (layer 1 then layer 2)", () => {
  it("returns the value and non-blocking warnings", () => {
    const $schema = "https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json";
    const result = validateServerJson(server({ $schema }));
    expect(result).toMatchObject({
      ok: true,
      value: server({ $schema }),
      warnings: [{ reference: "schema-version-deprecated" }],
    });
  });

  it("returns layer-1 errors as errors", () => {
    expect(validateServerJson(server({ name: "bad" }))).toMatchObject({
      ok: false,
      errors: [{ location: "body.name" }],
    });
  });

  it("returns layer-2 problems as issues", () => {
    const result = validateServerJson(server({ packages: [pkg({ version: "latest" })] }));
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: "packages[0].version", reference: "reserved-version-string" }],
    });
  });
});

describe("semanticIssues on the real registry pull", () => {
  const lines = env.TEST_REAL_SERVERS.split("\n").filter((line) => line !== "");
  it.skipIf(lines.length === 0)("rejects exactly the five entries whose package version is latest", () => {
    const failing: string[] = [];
    const warningRefs = new Set<string>();
    for (const line of lines) {
      const result = validateServerJson(JSON.parse(line));
      if (result.ok) result.warnings.forEach((w) => warningRefs.add(w.reference));
      else if ("issues" in result) failing.push(`${(JSON.parse(line) as { name: string }).name}`);
      else throw new Error(`layer 1 rejected ${line.slice(0, 120)}`);
    }
    expect(failing.sort()).toEqual([
      "io.github.bytedance/mcp-server-browser",
      "io.github.bytedance/mcp-server-commands",
      "io.github.bytedance/mcp-server-filesystem",
      "io.github.bytedance/mcp-server-search",
      "io.github.ycjcl868/mcp-server-fear-greed",
    ]);
    expect([...warningRefs]).toEqual(["schema-version-deprecated"]);
  });
});
