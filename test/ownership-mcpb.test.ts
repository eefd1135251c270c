import { afterEach, describe, expect, it, vi } from "vitest";
import { stubFetch, type Handler } from "./helpers/fetch-stub.ts";
import { sampleServer } from "./helpers/server-json-fixture.ts";
import { parseServerJson, type ServerJson } from "../worker/src/domain/server-json/index.ts";
import { verifyPackageOwnership, type OwnershipEnv } from "../worker/src/ownership/index.ts";

// MCPB (spec §9): a GitHub/GitLab release-asset https URL containing "mcp", a fileSha256, and a
// HEAD that ends in 200. Redirects are followed by hand, each hop through the SSRF guard.

const ENV: OwnershipEnv = {
  NPM_REGISTRY_URL: "https://npm.test",
  PYPI_URL: "https://pypi.test",
  NUGET_URL: "https://nuget.test",
  ADDITIONAL_OCI_REGISTRIES: "",
};
const SHA = "f".repeat(64);
const GITHUB = "https://github.com/alice/weather-mcp/releases/download/v1.0.2/weather.mcpb";
const CDN = "https://release-assets.githubusercontent.com/github-production-release-asset/1/2?sig=x";

const status = (code: number, location?: string) => () =>
  new Response(null, { status: code, ...(location ? { headers: { Location: location } } : {}) });

function server(identifier: string, extra: Record<string, unknown> = { fileSha256: SHA }): ServerJson {
  const pkg = { registryType: "mcpb", identifier, transport: { type: "stdio" }, ...extra };
  const result = parseServerJson(sampleServer({ packages: [pkg] }));
  if (!result.ok) throw new Error(`fixture rejected: ${JSON.stringify(result.errors)}`);
  return result.value;
}
const prefix = (identifier: string) => `registry validation failed for package 0 (${identifier}): `;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("mcpb: accepted", () => {
  it("follows GitHub's 302 to the asset CDN with HEAD requests and passes on the final 200", async () => {
    const seen = stubFetch({ [`HEAD ${GITHUB}`]: status(302, CDN), [`HEAD ${CDN}`]: status(200) });
    expect(await verifyPackageOwnership(server(GITHUB), ENV)).toBeUndefined();
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([`HEAD ${GITHUB}`, `HEAD ${CDN}`]);
  });

  it.each([
    "https://gitlab.com/alice/tools/weather-mcp/-/releases/v1.0.2/downloads/weather.mcpb",
    "https://gitlab.com/alice/weather-mcp/-/package_files/123/download",
    "https://www.github.com/alice/weather/releases/download/v1/weather-MCP.mcpb",
  ])("passes %s on a direct 200", async (url) => {
    stubFetch({ [`HEAD ${url}`]: status(200) });
    expect(await verifyPackageOwnership(server(url), ENV)).toBeUndefined();
  });

  it("allows a version (optional since 2025-10-17)", async () => {
    stubFetch({ [`HEAD ${GITHUB}`]: status(200) });
    expect(await verifyPackageOwnership(server(GITHUB, { fileSha256: SHA, version: "1.0.2" }), ENV)).toBeUndefined();
  });
});

describe("mcpb: refused before any request", () => {
  it.each([
    ["a missing fileSha256", GITHUB, {}, "must include a fileSha256 hash for integrity verification"],
    [
      "a registryBaseUrl",
      GITHUB,
      { fileSha256: SHA, registryBaseUrl: "https://github.com" },
      "MCPB packages must not have 'registryBaseUrl' field",
    ],
    [
      "another host",
      "https://example.com/mcp/weather.mcpb",
      { fileSha256: SHA },
      "MCPB packages must be hosted on allowlisted providers (GitHub or GitLab). Host 'example.com' is not allowed",
    ],
    [
      "a private IPv4 address",
      "https://10.0.0.1/alice/weather-mcp/releases/download/v1/weather.mcpb",
      { fileSha256: SHA },
      "Host '10.0.0.1' is not allowed",
    ],
    [
      "a loopback IPv6 address",
      "https://[::1]/alice/weather-mcp/releases/download/v1/weather.mcpb",
      { fileSha256: SHA },
      "Host '[::1]' is not allowed",
    ],
    [
      "a GitHub URL that is not a release asset",
      "https://github.com/alice/weather-mcp/archive/refs/tags/v1.zip",
      { fileSha256: SHA },
      "GitHub MCPB packages must be release assets following the pattern '/owner/repo/releases/download/tag/filename'",
    ],
    [
      "a GitLab URL that is not a release asset",
      "https://gitlab.com/alice/weather-mcp/-/raw/main/weather.mcpb",
      { fileSha256: SHA },
      "GitLab MCPB packages must be release assets",
    ],
    [
      "plain http",
      "http://github.com/alice/weather-mcp/releases/download/v1/weather.mcpb",
      { fileSha256: SHA },
      "invalid MCPB package URL, must use HTTPS: http://github.com/",
    ],
    [
      "a URL without 'mcp'",
      "https://github.com/alice/weather/releases/download/v1/weather.bundle",
      { fileSha256: SHA },
      "MCPB package URL must contain 'mcp': https://github.com/alice/weather/releases/download/v1/weather.bundle",
    ],
  ])("%s", async (_label, url, extra, reason) => {
    const seen = stubFetch({});
    const result = await verifyPackageOwnership(server(url, extra), ENV);
    expect(result).toContain(prefix(url));
    expect(result).toContain(reason);
    expect(seen).toHaveLength(0);
  });
});

describe("mcpb: HEAD outcomes", () => {
  it("reports a non-200 answer", async () => {
    stubFetch({ [`HEAD ${GITHUB}`]: status(404) });
    expect(await verifyPackageOwnership(server(GITHUB), ENV)).toBe(
      `${prefix(GITHUB)}MCPB package '${GITHUB}' is not publicly accessible (status: 404)`,
    );
  });

  it("refuses a redirect to a private address without requesting it", async () => {
    const seen = stubFetch({ [`HEAD ${GITHUB}`]: status(302, "https://127.0.0.1/secret") });
    expect(await verifyPackageOwnership(server(GITHUB), ENV)).toBe(
      `${prefix(GITHUB)}failed to verify MCPB package accessibility: non-public address not allowed: 127.0.0.1`,
    );
    expect(seen).toHaveLength(1);
  });

  it("gives up after too many redirects", async () => {
    const hop = (n: number) => `https://github.com/alice/weather-mcp/releases/download/v${n}/weather.mcpb`;
    const routes: Record<string, Handler> = {};
    for (let n = 0; n < 10; n++) routes[`HEAD ${hop(n)}`] = status(302, hop(n + 1));
    const seen = stubFetch(routes);
    expect(await verifyPackageOwnership(server(hop(0)), ENV)).toContain(
      "failed to verify MCPB package accessibility: too many redirects",
    );
    expect(seen).toHaveLength(6);
  });

  it("reports a redirect that leads to an error", async () => {
    stubFetch({ [`HEAD ${GITHUB}`]: status(302, CDN), [`HEAD ${CDN}`]: status(403) });
    expect(await verifyPackageOwnership(server(GITHUB), ENV)).toContain("is not publicly accessible (status: 403)");
  });

  it("turns a timeout into a failure, not an exception", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
    );
    expect(await verifyPackageOwnership(server(GITHUB), ENV)).toContain(
      "failed to verify MCPB package accessibility: request to github.com failed: The operation was aborted due to timeout",
    );
  });
});
