// The denylist's pure matching rules: value normalisation per kind, and which entries block a
// server.json (names, namespaces and the ones above, remote hosts and their parent domains,
// package identities per registry). Canonical forms in detail: denylist-canonical-values.test.ts.
import { describe, expect, it } from "vitest";
import { denylistKeys, denylistMatches, normalizeDenylistValue } from "../worker/src/domain/denylist.ts";
import { packageMatchIdentity } from "../worker/src/domain/denylist-packages.ts";

const server = {
  name: "com.Example.mcp/Weather",
  remotes: [{ url: "https://{tenant}.api.evil.example:8443/mcp" }, { url: "http://[2001:db8::1]/x" }],
  packages: [
    { registryType: "oci", identifier: "ghcr.io/Evil/weather:1.2.3" },
    { registryType: "npm", identifier: "@evil/weather" },
  ],
};

describe("denylist matching", () => {
  it.each([
    [{ kind: "server", value: "com.example.mcp/weather" }, true],
    [{ kind: "server", value: "com.example.mcp/other" }, false],
    [{ kind: "namespace", value: "com.example.mcp" }, true],
    [{ kind: "namespace", value: "com.example" }, true],
    [{ kind: "namespace", value: "com.exam" }, false],
    [{ kind: "remote-host", value: "evil.example" }, true],
    [{ kind: "remote-host", value: "api.evil.example" }, true],
    [{ kind: "remote-host", value: "vil.example" }, false],
    [{ kind: "remote-host", value: "[2001:db8::1]" }, true],
    [{ kind: "package", value: "oci:ghcr.io/evil/weather" }, true],
    [{ kind: "package", value: "npm:@evil/weather" }, true],
    [{ kind: "package", value: "npm:@evil/weather-pro" }, false],
    // Typed: the same identifier in another registry is another package.
    [{ kind: "package", value: "pypi:@evil/weather" }, false],
    [{ kind: "package", value: "ghcr.io/evil/weather" }, false],
  ] as const)("%j blocks the server: %s", (entry, expected) => {
    expect(denylistMatches(entry, server)).toBe(expected);
  });

  it("reduces a server to distinct keys", () => {
    const keys = denylistKeys({ name: "a.b/c", remotes: [{ url: "https://x.a.b/1" }, { url: "https://x.a.b/2" }] });
    expect(keys).toEqual([
      { kind: "server", value: "a.b/c" },
      { kind: "namespace", value: "a.b" },
      { kind: "namespace", value: "a" },
      { kind: "remote-host", value: "x.a.b" },
      { kind: "remote-host", value: "a.b" },
      { kind: "remote-host", value: "b" },
    ]);
  });

  it("strips image tags and digests but keeps npm scopes", () => {
    expect(packageMatchIdentity("oci", "docker.io/Foo/Bar:latest")).toBe("docker.io/foo/bar");
    expect(packageMatchIdentity("oci", "ghcr.io/foo/bar@sha256:abc")).toBe("ghcr.io/foo/bar");
    expect(packageMatchIdentity("oci", "localhost:5000/foo")).toBe("localhost:5000/foo");
    expect(packageMatchIdentity("npm", "@scope/pkg")).toBe("@scope/pkg");
  });

  it.each([
    ["server", " COM.Example/Tool ", { value: "com.example/tool" }],
    ["server", "no-slash", { error: expect.any(String) }],
    ["namespace", "com.example.", { error: expect.any(String) }],
    ["namespace", "com.example/x", { error: expect.any(String) }],
    ["remote-host", "MCP.Example.com", { value: "mcp.example.com" }],
    ["remote-host", "https://mcp.example.com", { error: expect.any(String) }],
    ["remote-host", "", { error: expect.any(String) }],
    ["package", "oci:GHCR.io/x/y:2", { value: "oci:ghcr.io/x/y" }],
    ["package", "GHCR.io/x/y:2", { error: expect.stringContaining("registry type") }],
  ] as const)("normalises %s %j", (kind, raw, expected) => {
    expect(normalizeDenylistValue(kind, raw)).toEqual(expected);
  });
});
