// The denylist's canonical forms, pure: one stored form per kind (refusing what has none),
// the same identity for every equivalent spelling in a server.json, idempotence (the stored
// form canonicalises to itself, so GET → DELETE round-trips), and candidate search terms that
// every equivalent spelling contains (so the sweeps' SQL prefilter stays a superset).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { denylistKeys, isCanonicalValue, normalizeDenylistValue } from "../worker/src/domain/denylist.ts";
import {
  packageEntryValue,
  packageIdentity,
  packageMatchIdentity,
  packageSearchTerms,
} from "../worker/src/domain/denylist-packages.ts";
import { canonicalHost, remoteHostKeys } from "../worker/src/domain/url-host.ts";

const ok = (value: string) => ({ value });
const refused = { error: expect.any(String) };

describe("namespace and server values", () => {
  it.each([
    ["namespace", "Com.Example", ok("com.example")],
    ["namespace", " com.example ", ok("com.example")],
    ["namespace", "com.zz..", refused],
    ["namespace", "com.zz.", refused],
    ["namespace", ".com", refused],
    ["namespace", "com..zz", refused],
    ["namespace", "com.example/x", refused],
    ["namespace", "com_example", refused],
    ["server", "Com.Example/Tool_1.x", ok("com.example/tool_1.x")],
    ["server", "a..b/x", refused],
    ["server", ".a/x", refused],
    ["server", "a/b/c", refused],
    ["server", "com.example/", refused],
  ] as const)("%s %j", (kind, raw, expected) => {
    expect(normalizeDenylistValue(kind, raw)).toEqual(expected);
  });
});

describe("remote hosts", () => {
  it.each([
    ["MCP.Example.COM", ok("mcp.example.com")],
    ["mcp.example.com.", ok("mcp.example.com")],
    ["münchen.example", ok("xn--mnchen-3ya.example")],
    ["xn--mnchen-3ya.example", ok("xn--mnchen-3ya.example")],
    ["MÜNCHEN.example", ok("xn--mnchen-3ya.example")],
    ["evil。example", ok("evil.example")],
    ["e%76il.example", ok("evil.example")],
    ["0x7f.1", ok("127.0.0.1")],
    ["134744072", ok("8.8.8.8")],
    ["8.8.8.8.", ok("8.8.8.8")],
    ["[2001:DB8:0:0::1]", ok("[2001:db8::1]")],
    ["2001:db8::1", ok("[2001:db8::1]")],
    ["[::ffff:1.2.3.4]", ok("[::ffff:102:304]")],
    ["x.example..", refused],
    ["a..b.example", refused],
    [".example", refused],
    ["", refused],
    ["https://x.example", refused],
    ["x.example:443", refused],
    ["x.example/path", refused],
    ["user@x.example", refused],
    ["x*.example", refused],
    ["{tenant}.example", refused],
  ])("canonicalHost(%j)", (raw, expected) => {
    expect(canonicalHost(raw)).toEqual(expected);
  });

  it.each([
    ["https://mcp.pdh.example./x", ["mcp.pdh.example"]],
    ["https://MCP.PDH.EXAMPLE:8443/x", ["mcp.pdh.example"]],
    ["https://user:pw@mcp.münchen.example/x", ["mcp.xn--mnchen-3ya.example"]],
    ["https://134744072/mcp", ["8.8.8.8"]],
    ["https://[2001:DB8::1]:8443/mcp", ["[2001:db8::1]"]],
    ["https://{tenant}.api.example.com/mcp", ["{tenant}.api.example.com"]],
    ["https://{host}:{port}/mcp", ["{host}"]],
    // The parser and the text disagree: both readings are matched.
    ["https://evil.example\\@good.example/", ["evil.example", "good.example"]],
  ])("remoteHostKeys(%j)", (url, expected) => {
    expect(remoteHostKeys(url).sort()).toEqual([...expected].sort());
  });

  it("matches every spelling of a host and the domains above it", () => {
    const keys = denylistKeys({ name: "a.b/c", remotes: [{ url: "https://MCP.Evil.Example./x" }] });
    expect(keys.filter((k) => k.kind === "remote-host").map((k) => k.value)).toEqual([
      "mcp.evil.example",
      "evil.example",
      "example",
    ]);
    const ip = denylistKeys({ name: "a.b/c", remotes: [{ url: "https://0x8.8.4.4/x" }] });
    expect(ip.filter((k) => k.kind === "remote-host").map((k) => k.value)).toEqual(["8.8.4.4"]);
  });
});

describe("package identities", () => {
  it.each([
    ["pypi", "Probe_Pkg", ok("probe-pkg")],
    ["pypi", "probe.pkg", ok("probe-pkg")],
    ["pypi", "probe-_.pkg", ok("probe-pkg")],
    ["pypi", "-probe", refused],
    ["pypi", "probe pkg", refused],
    ["npm", "@Scope/Pkg", ok("@scope/pkg")],
    ["npm", "JSONStream", ok("jsonstream")],
    ["npm", "a/b", refused],
    ["nuget", "Newtonsoft.Json", ok("newtonsoft.json")],
    ["nuget", "bad..id", refused],
    ["cargo", "Serde_JSON", ok("serde-json")],
    ["oci", "nginx", ok("docker.io/library/nginx")],
    ["oci", "nginx:1.25", ok("docker.io/library/nginx")],
    ["oci", "library/nginx", ok("docker.io/library/nginx")],
    ["oci", `docker.io/nginx@sha256:${"a".repeat(64)}`, ok("docker.io/library/nginx")],
    ["oci", "index.docker.io/p/img:1.0", ok("docker.io/p/img")],
    ["oci", "registry-1.docker.io/p/img", ok("docker.io/p/img")],
    ["oci", "p/img:1.0", ok("docker.io/p/img")],
    ["oci", "GHCR.io/Acme/Tool:V1", ok("ghcr.io/acme/tool")],
    ["oci", "localhost:5000/foo:1", ok("localhost:5000/foo")],
    ["oci", "ghcr.io/acme/tool:bad tag", refused],
    ["oci", "ghcr.io/acme//tool", refused],
    ["mcpb", "HTTPS://Example.COM:443/a/../x/%74ool.mcpb?v=1#frag", ok("https://example.com/x/tool.mcpb?v=1")],
    ["mcpb", "https://user@bücher.example./t.mcpb", ok("https://xn--bcher-kva.example/t.mcpb")],
    ["mcpb", "ftp://example.com/t.mcpb", refused],
    ["mcpb", "not a url", refused],
  ] as const)("%s %j", (type, identifier, expected) => {
    expect(packageIdentity(type, identifier)).toEqual(expected);
  });

  it.each([
    [undefined, "pypi:Probe_Pkg", ok("pypi:probe-pkg")],
    ["pypi", "Probe_Pkg", ok("pypi:probe-pkg")],
    ["pypi", "pypi:Probe_Pkg", ok("pypi:probe-pkg")],
    [undefined, "PyPI:probe", ok("pypi:probe")],
    ["oci", "npm:5000/x:1", ok("oci:npm:5000/x")],
    [undefined, "oci:npm:5000/x", ok("oci:npm:5000/x")],
    [undefined, "mcpb:https://example.com/t.mcpb", ok("mcpb:https://example.com/t.mcpb")],
    [undefined, "probe-pkg", refused],
    [undefined, "gem:probe", refused],
    [undefined, "https://example.com/t.mcpb", refused],
    ["npm", "pypi:probe", refused],
  ] as const)("entry value (%s, %j)", (type, raw, expected) => {
    expect(packageEntryValue(type, raw)).toEqual(expected);
  });

  it("keys a server.json's packages by registry type", () => {
    const keys = denylistKeys({
      name: "a.b/c",
      packages: [
        { registryType: "pypi", identifier: "Probe_Pkg" },
        { registryType: "OCI", identifier: "index.docker.io/p/img:1" },
        { registryType: "unknown", identifier: "x" },
        { identifier: "untyped" },
      ],
    });
    expect(keys.filter((k) => k.kind === "package").map((k) => k.value)).toEqual([
      "pypi:probe-pkg",
      "oci:docker.io/p/img",
    ]);
  });

  it("keys invalid identifiers by their lower case, never escaping their valid twin", () => {
    expect(packageMatchIdentity("pypi", "Probe_Pkg!")).toBe("probe-pkg!");
    expect(packageMatchIdentity("oci", "ghcr.io/Acme/Tool:bad tag@x")).toBe("ghcr.io/acme/tool");
    expect(packageMatchIdentity("mcpb", "not a url")).toBe("not a url");
  });
});

describe("properties", () => {
  const label = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const separator = fc.constantFrom("-", "_", ".", "--", "_.", "-_-");
  const randomCase = (s: string, flips: boolean[]) =>
    [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join("");

  it("every PEP 503 spelling of a PyPI name has the entry's identity and contains its search terms", () => {
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.array(separator, { minLength: 3, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (labels, seps, flips) => {
          const spelled = randomCase(labels.map((l, i) => (i === 0 ? l : `${seps[i % 3]}${l}`)).join(""), flips);
          const entry = packageEntryValue("pypi", labels.join("-"));
          if (!("value" in entry)) throw new Error(entry.error);
          expect(`pypi:${packageMatchIdentity("pypi", spelled)}`).toBe(entry.value);
          for (const term of packageSearchTerms(entry.value) ?? []) expect(spelled.toLowerCase()).toContain(term);
        },
      ),
    );
  });

  it("every Docker Hub spelling of an image has the entry's identity and contains its search terms", () => {
    fc.assert(
      fc.property(
        fc.option(label, { nil: undefined }),
        label,
        fc.constantFrom("", "docker.io/", "index.docker.io/", "registry-1.docker.io/"),
        fc.constantFrom("", ":1.0", ":Latest", `@sha256:${"b".repeat(64)}`),
        (owner, image, registry, suffix) => {
          const repository = owner === undefined ? image : `${owner}/${image}`;
          const spelled = `${registry}${repository}${suffix}`;
          const entry = packageEntryValue("oci", repository);
          if (!("value" in entry)) throw new Error(entry.error);
          expect(`oci:${packageMatchIdentity("oci", spelled)}`).toBe(entry.value);
          for (const term of packageSearchTerms(entry.value) ?? []) expect(spelled.toLowerCase()).toContain(term);
        },
      ),
    );
  });

  it("stored forms are canonical: canonicalising them again changes nothing", () => {
    const samples: [Parameters<typeof normalizeDenylistValue>[0], string][] = [
      ["namespace", "Com.Example"],
      ["server", "Com.Example/Tool"],
      ["remote-host", "MÜNCHEN.example."],
      ["remote-host", "[2001:DB8:0::1]"],
      ["remote-host", "0x7f.1"],
      ["package", "pypi:Probe_Pkg"],
      ["package", "oci:index.docker.io/nginx:1"],
      ["package", "mcpb:HTTPS://Example.com:443/%74.mcpb"],
      ["package", "npm:@A/B"],
      ["package", "nuget:A.B"],
      ["package", "cargo:A_B"],
    ];
    for (const [kind, raw] of samples) {
      const first = normalizeDenylistValue(kind, raw);
      if (!("value" in first)) throw new Error(`${kind} ${raw}: ${first.error}`);
      expect(normalizeDenylistValue(kind, first.value), `${kind} ${raw}`).toEqual(first);
      expect(isCanonicalValue({ kind, value: first.value })).toBe(true);
    }
    expect(isCanonicalValue({ kind: "namespace", value: "com.zz." })).toBe(false);
    expect(isCanonicalValue({ kind: "package", value: "ghcr.io/evil/mcp" })).toBe(false);
  });
});
