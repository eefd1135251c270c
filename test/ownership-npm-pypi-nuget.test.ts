import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonReply, stubFetch, textReply } from "./helpers/fetch-stub.ts";
import { sampleServer } from "./helpers/server-json-fixture.ts";
import { parseServerJson, type ServerJson } from "../worker/src/domain/server-json/index.ts";
import { readmeDeclaresMcpName, verifyPackageOwnership, type OwnershipEnv } from "../worker/src/ownership/index.ts";
import { normalizeNuGetVersion } from "../worker/src/ownership/nuget.ts";

// Ownership checks for the metadata registries (spec §9): npm mcpName, PyPI / NuGet README token.
// Upstreams are mirrors on made-up hosts, which also proves that registryBaseUrl is compared
// with the official URLs while requests go to the configured ones.

const ENV: OwnershipEnv = {
  NPM_REGISTRY_URL: "https://npm.test",
  PYPI_URL: "https://pypi.test/",
  NUGET_URL: "https://nuget.test",
  ADDITIONAL_OCI_REGISTRIES: "",
};
const NAME = "io.github.alice/weather";
const stdio = { type: "stdio" };

const json = jsonReply;
const text = textReply;

function server(packages: Record<string, unknown>[], name = NAME): ServerJson {
  const result = parseServerJson(sampleServer({ name, packages: packages.map((p) => ({ transport: stdio, ...p })) }));
  if (!result.ok) throw new Error(`fixture rejected: ${JSON.stringify(result.errors)}`);
  return result.value;
}
const prefix = (i: number, identifier: string) => `registry validation failed for package ${i} (${identifier}): `;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("readmeDeclaresMcpName", () => {
  const cases: ReadonlyArray<readonly [string, string, string, boolean]> = [
    ["exact, end of text", "mcp-name: io.github.a/b", "io.github.a/b", true],
    ["inside an HTML comment", "# B\n<!-- mcp-name: io.github.a/b -->\n", "io.github.a/b", true],
    ["followed by a newline", "mcp-name: io.github.a/b\nmore", "io.github.a/b", true],
    ["followed by a closing parenthesis", "(mcp-name: io.github.a/b)", "io.github.a/b", true],
    ["a longer name does not vouch for its prefix", "mcp-name: io.github.a/bc", "io.github.a/b", false],
    ["a shorter name does not vouch for a longer one", "mcp-name: io.github.a/b", "io.github.a/bc", false],
    ["longer name with a dash", "mcp-name: io.github.a/b-evil", "io.github.a/b", false],
    ["a trailing dot is part of a name", "mcp-name: io.github.a/b.", "io.github.a/b", false],
    ["a later exact token still counts", "mcp-name: io.github.a/bc\nmcp-name: io.github.a/b", "io.github.a/b", true],
    ["no space after the colon", "mcp-name:io.github.a/b", "io.github.a/b", false],
    ["case matters", "MCP-NAME: io.github.a/b", "io.github.a/b", false],
    ["absent", "just a README", "io.github.a/b", false],
  ];
  it.each(cases)("%s", (_label, content, name, expected) => {
    expect(readmeDeclaresMcpName(content, name)).toBe(expected);
  });
});

describe("verifyPackageOwnership: general", () => {
  it("passes a server without packages and makes no request", async () => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(server([]), ENV)).toBeUndefined();
    expect(seen).toHaveLength(0);
  });

  it("refuses an unknown registry type without a request", async () => {
    const seen = stubFetch({});
    const result = await verifyPackageOwnership(
      server([{ registryType: "maven", identifier: "com.example:x", version: "1" }]),
      ENV,
    );
    expect(result).toBe(`${prefix(0, "com.example:x")}unsupported registry type: maven`);
    expect(seen).toHaveLength(0);
  });

  it("reports the first failing package by its zero-based index", async () => {
    stubFetch({
      "GET https://npm.test/weather-mcp/1.0.2": json({ mcpName: NAME }),
      "GET https://npm.test/other-mcp/2.0.0": json({ mcpName: "io.github.bob/other" }),
    });
    const result = await verifyPackageOwnership(
      server([
        { registryType: "npm", identifier: "weather-mcp", version: "1.0.2" },
        { registryType: "npm", identifier: "other-mcp", version: "2.0.0" },
      ]),
      ENV,
    );
    expect(result).toBe(
      `${prefix(1, "other-mcp")}NPM package 'other-mcp' version '2.0.0' ownership validation failed. Expected mcpName '${NAME}', got 'io.github.bob/other'`,
    );
  });
});

describe("npm", () => {
  const npm = (extra: Record<string, unknown> = {}) =>
    server([{ registryType: "npm", identifier: "@alice/weather", version: "1.0.2", ...extra }]);
  const url = "GET https://npm.test/@alice%2Fweather/1.0.2";

  it("passes when the version's mcpName equals the server name (scoped name as @scope%2Fname)", async () => {
    const seen = stubFetch({ [url]: json({ name: "@alice/weather", version: "1.0.2", mcpName: NAME }) });
    expect(await verifyPackageOwnership(npm(), ENV)).toBeUndefined();
    expect(seen.map((r) => r.url)).toEqual(["https://npm.test/@alice%2Fweather/1.0.2"]);
    expect(seen[0]?.headers.get("accept")).toBe("application/json");
  });

  it("accepts the official registryBaseUrl but still fetches from the configured mirror", async () => {
    stubFetch({ [url]: json({ mcpName: NAME }) });
    expect(await verifyPackageOwnership(npm({ registryBaseUrl: "https://registry.npmjs.org" }), ENV)).toBeUndefined();
  });

  it("refuses another registryBaseUrl without a request", async () => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(npm({ registryBaseUrl: "https://registry.yarnpkg.com" }), ENV)).toBe(
      `${prefix(0, "@alice/weather")}registry type and base URL do not match: 'https://registry.yarnpkg.com' is not valid for registry type 'npm'. Expected: https://registry.npmjs.org`,
    );
    expect(seen).toHaveLength(0);
  });

  it("requires a version", async () => {
    const seen = stubFetch({});
    const result = await verifyPackageOwnership(server([{ registryType: "npm", identifier: "@alice/weather" }]), ENV);
    expect(result).toBe(`${prefix(0, "@alice/weather")}package version is required for NPM packages`);
    expect(seen).toHaveLength(0);
  });

  it("refuses fileSha256", async () => {
    stubFetch({});
    expect(await verifyPackageOwnership(npm({ fileSha256: "a".repeat(64) }), ENV)).toContain(
      "NPM packages must not have 'fileSha256' field",
    );
  });

  it("reports a missing mcpName with the line to add", async () => {
    stubFetch({ [url]: json({ name: "@alice/weather" }) });
    expect(await verifyPackageOwnership(npm(), ENV)).toBe(
      `${prefix(0, "@alice/weather")}NPM package '@alice/weather' version '1.0.2' is missing required 'mcpName' field. Add this to your package.json: "mcpName": "${NAME}"`,
    );
  });

  it("reports a different mcpName (exact comparison)", async () => {
    stubFetch({ [url]: json({ mcpName: `${NAME}-extra` }) });
    expect(await verifyPackageOwnership(npm(), ENV)).toContain(`Expected mcpName '${NAME}', got '${NAME}-extra'`);
  });

  it.each([
    [404, "NPM package '@alice/weather' version '1.0.2' not found (status: 404)"],
    [
      429,
      "NPM rate-limited the metadata request for package '@alice/weather' (status: 429). Likely transient, retry later",
    ],
    [
      503,
      "NPM upstream error fetching metadata for package '@alice/weather' (status: 503). Likely transient, retry later",
    ],
    [403, "NPM package '@alice/weather' metadata fetch failed (status: 403)"],
  ])("maps status %i", async (status, reason) => {
    stubFetch({ [url]: text("nope", status) });
    expect(await verifyPackageOwnership(npm(), ENV)).toBe(`${prefix(0, "@alice/weather")}${reason}`);
  });

  it("turns a network error into a failure, not an exception", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
    const result = await verifyPackageOwnership(npm(), ENV);
    expect(result).toMatch(
      /^registry validation failed for package 0 \(@alice\/weather\): failed to fetch package metadata from NPM: .*Network connection lost/,
    );
  });

  it("reports unparseable metadata", async () => {
    stubFetch({ [url]: text("<html>") });
    expect(await verifyPackageOwnership(npm(), ENV)).toContain("failed to parse NPM package metadata: ");
  });

  it("fails on an oversized body", async () => {
    stubFetch({ [url]: text(" ".repeat(2 * 1024 * 1024 + 1)) });
    expect(await verifyPackageOwnership(npm(), ENV)).toContain(
      "failed to fetch package metadata from NPM: response body exceeds",
    );
  });

  it("refuses dot-segment identifiers instead of requesting another path", async () => {
    const seen = stubFetch({});
    expect(
      await verifyPackageOwnership(server([{ registryType: "npm", identifier: "..", version: "1.0.2" }]), ENV),
    ).toContain('failed to fetch package metadata from NPM: ".." cannot be used as a URL path segment');
    expect(seen).toHaveLength(0);
  });
});

describe("pypi", () => {
  const pypi = (extra: Record<string, unknown> = {}) =>
    server([{ registryType: "pypi", identifier: "weather-mcp", version: "1.0.2", ...extra }]);
  const url = "GET https://pypi.test/pypi/weather-mcp/1.0.2/json";
  const release = (description: unknown) => json({ info: { name: "weather-mcp", version: "1.0.2", description } });

  it("passes with the token inside an HTML comment of the release's description", async () => {
    const seen = stubFetch({ [url]: release(`# Weather\n\n<!-- mcp-name: ${NAME} -->\n`) });
    expect(await verifyPackageOwnership(pypi({ registryBaseUrl: "https://pypi.org" }), ENV)).toBeUndefined();
    expect(seen.map((r) => r.url)).toEqual(["https://pypi.test/pypi/weather-mcp/1.0.2/json"]);
  });

  it("does not accept a token naming a longer server name", async () => {
    stubFetch({ [url]: release(`mcp-name: ${NAME}-extra`) });
    expect(await verifyPackageOwnership(pypi(), ENV)).toBe(
      `${prefix(0, "weather-mcp")}PyPI package 'weather-mcp' ownership validation failed. The server name '${NAME}' must appear as 'mcp-name: ${NAME}' in the package README`,
    );
  });

  it("does not let a shorter server name borrow a longer one's token", async () => {
    stubFetch({ [url]: release("mcp-name: io.github.a/bc") });
    expect(
      await verifyPackageOwnership(
        server([{ registryType: "pypi", identifier: "weather-mcp", version: "1.0.2" }], "io.github.a/b"),
        ENV,
      ),
    ).toContain("ownership validation failed");
  });

  it("fails on a missing description", async () => {
    stubFetch({ [url]: release(null) });
    expect(await verifyPackageOwnership(pypi(), ENV)).toContain("must appear as 'mcp-name: ");
  });

  it("refuses another registryBaseUrl and a missing version without requests", async () => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(pypi({ registryBaseUrl: "https://test.pypi.org" }), ENV)).toContain(
      "registry type and base URL do not match: 'https://test.pypi.org' is not valid for registry type 'pypi'. Expected: https://pypi.org",
    );
    expect(await verifyPackageOwnership(server([{ registryType: "pypi", identifier: "weather-mcp" }]), ENV)).toContain(
      "package version is required for PyPI packages",
    );
    expect(seen).toHaveLength(0);
  });

  it("reports a missing release", async () => {
    stubFetch({ [url]: json({ message: "Not Found" }, 404) });
    expect(await verifyPackageOwnership(pypi(), ENV)).toContain(
      "PyPI package 'weather-mcp' version '1.0.2' not found (status: 404)",
    );
  });

  it("follows PyPI's redirect to the canonical project name on the same origin", async () => {
    stubFetch({
      "GET https://pypi.test/pypi/Weather_MCP/1.0.2/json": () =>
        new Response(null, { status: 301, headers: { Location: "/pypi/weather-mcp/1.0.2/json" } }),
      [url]: release(`mcp-name: ${NAME}`),
    });
    expect(await verifyPackageOwnership(pypi({ identifier: "Weather_MCP" }), ENV)).toBeUndefined();
  });

  it("refuses a redirect to another origin", async () => {
    const seen = stubFetch({
      [url]: () => new Response(null, { status: 302, headers: { Location: "https://elsewhere.test/x.json" } }),
    });
    expect(await verifyPackageOwnership(pypi(), ENV)).toContain(
      "redirect to another origin refused: https://elsewhere.test",
    );
    expect(seen).toHaveLength(1);
  });
});

describe("nuget", () => {
  const nuget = (extra: Record<string, unknown> = {}) =>
    server([{ registryType: "nuget", identifier: "Alice.Weather", version: "1.0.2-Beta+build.5", ...extra }]);
  const readme = "GET https://nuget.test/v3-flatcontainer/alice.weather/1.0.2-beta/readme";
  const index = "GET https://nuget.test/v3-flatcontainer/alice.weather/index.json";

  it("normalises versions the way the flat container names them", () => {
    expect(normalizeNuGetVersion("1.0.2-Beta+build.5")).toBe("1.0.2-beta");
    expect(normalizeNuGetVersion("1.02")).toBe("1.2.0");
    expect(normalizeNuGetVersion("1.0.0.0")).toBe("1.0.0");
    expect(normalizeNuGetVersion("1.0.0.7")).toBe("1.0.0.7");
  });

  it("passes when the version's README holds the token (lower-cased id and version)", async () => {
    const seen = stubFetch({ [readme]: text(`# Weather\n\nmcp-name: ${NAME}\n`) });
    expect(
      await verifyPackageOwnership(nuget({ registryBaseUrl: "https://api.nuget.org/v3/index.json" }), ENV),
    ).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it("reports a README without the token", async () => {
    stubFetch({ [readme]: text(`mcp-name: ${NAME}2`) });
    expect(await verifyPackageOwnership(nuget(), ENV)).toBe(
      `${prefix(0, "Alice.Weather")}NuGet package 'Alice.Weather' ownership validation for version 1.0.2-Beta+build.5 failed. The server name '${NAME}' must appear as 'mcp-name: ${NAME}' in the package README. Add it to your README and publish a new package version`,
    );
  });

  it("tells a missing package, a missing version and a missing README apart", async () => {
    stubFetch({ [readme]: text("", 404), [index]: text("", 404) });
    expect(await verifyPackageOwnership(nuget(), ENV)).toContain(
      "NuGet package 'Alice.Weather' does not exist in the registry",
    );
    vi.restoreAllMocks();

    stubFetch({ [readme]: text("", 404), [index]: json({ versions: ["1.0.0", "1.0.1"] }) });
    expect(await verifyPackageOwnership(nuget(), ENV)).toContain(
      "exists but version 1.0.2-Beta+build.5 does not exist in the registry",
    );
    vi.restoreAllMocks();

    stubFetch({ [readme]: text("", 404), [index]: json({ versions: ["1.0.1", "1.0.2-beta"] }) });
    expect(await verifyPackageOwnership(nuget(), ENV)).toContain("does not have an embedded README");
  });

  it("reports other README statuses", async () => {
    stubFetch({ [readme]: text("", 500) });
    expect(await verifyPackageOwnership(nuget(), ENV)).toContain("NuGet README request returned status 500");
  });

  it("refuses another registryBaseUrl, fileSha256 and a missing version without requests", async () => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(nuget({ registryBaseUrl: "https://api.nuget.org" }), ENV)).toContain(
      "registry type and base URL do not match: 'https://api.nuget.org' is not valid for registry type 'nuget'. Expected: https://api.nuget.org/v3/index.json",
    );
    expect(await verifyPackageOwnership(nuget({ fileSha256: "b".repeat(64) }), ENV)).toContain(
      "NuGet packages must not have 'fileSha256' field",
    );
    expect(
      await verifyPackageOwnership(server([{ registryType: "nuget", identifier: "Alice.Weather" }]), ENV),
    ).toContain("package version is required for NuGet packages");
    expect(seen).toHaveLength(0);
  });

  it("turns a timeout into a failure", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
    );
    expect(await verifyPackageOwnership(nuget(), ENV)).toContain("failed to fetch README from NuGet: ");
  });
});
