// One canonical form per denylist kind, the same on POST, GET, DELETE and matching: values with
// empty labels are refused instead of silently changed, what GET lists is what DELETE takes, and
// equivalent spellings of a host (trailing dot, Unicode, IP forms) or of a package (PyPI's PEP 503
// names, Docker Hub's aliases and implicit library/) are blocked and swept like the entry's own.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { adminGet, denylistAdd, denylistRemove, maintainerToken } from "./helpers/moderation.ts";
import { serverJson } from "./helpers/registry.ts";
import { editAll, publish, publishAll, putVersion, tokenFor, withRemote } from "./helpers/publishing.ts";

const admin = await maintainerToken();
const publisher = await tokenFor(publishAll("*").concat(editAll("*")));

function withPackage(name: string, registryType: string, identifier: string, version = "1.0.0") {
  const pkg: Record<string, unknown> = { registryType, identifier, transport: { type: "stdio" } };
  if (registryType !== "oci" && registryType !== "mcpb") pkg.version = "1.0.0";
  if (registryType === "mcpb") pkg.fileSha256 = "a".repeat(64);
  return serverJson(name, version, { packages: [pkg] });
}

/** The response's status, with its body as the message when it differs. */
async function expectStatus(response: Promise<{ status: number; body: any }>, status: number) {
  const { status: actual, body } = await response;
  expect(actual, JSON.stringify(body)).toBe(status);
  return body;
}

async function listed(kind: string): Promise<string[]> {
  const { body } = await adminGet(admin, "/x/admin/denylist");
  return body.entries.filter((e: any) => e.kind === kind).map((e: any) => e.value);
}

describe("denylist values: one canonical form", () => {
  it.each([
    ["namespace", "com.zz.."],
    ["namespace", ".com"],
    ["namespace", "com..zz"],
    ["namespace", "com.zz."],
    ["server", "a..b/tool"],
    ["server", ".a/tool"],
    ["server", "com.zz./tool"],
    ["remote-host", "x.example.."],
    ["remote-host", "a..b.example"],
  ])("refuses %s %j with 422 instead of changing it", async (kind, value) => {
    const { status, body } = await denylistAdd(admin, { kind, value, reason: "r" });
    expect(status).toBe(422);
    expect(body.errors).toEqual([expect.objectContaining({ location: "body.value", value })]);
    expect(await listed(kind)).not.toContain(value.replace(/\.$/, ""));
  });

  it.each([
    [{ kind: "namespace", value: "Com.RoundTrip-NS" }, "com.roundtrip-ns"],
    [{ kind: "server", value: " Com.RoundTrip/Tool " }, "com.roundtrip/tool"],
    [{ kind: "remote-host", value: "MCP.RoundTrip.example." }, "mcp.roundtrip.example"],
    [{ kind: "remote-host", value: "mcp.bücher-rt.example" }, "mcp.xn--bcher-rt-65a.example"],
    [{ kind: "remote-host", value: "[2001:DB8:0:0::7]" }, "[2001:db8::7]"],
    [{ kind: "remote-host", value: "0x08.0.0.7" }, "8.0.0.7"],
    [{ kind: "package", registryType: "pypi", value: "RT_Probe.Pkg" }, "pypi:rt-probe-pkg"],
    [{ kind: "package", value: "pypi:RT__probe_two" }, "pypi:rt-probe-two"],
    [{ kind: "package", registryType: "npm", value: "@RT/Pkg" }, "npm:@rt/pkg"],
    [{ kind: "package", registryType: "nuget", value: "RT.Pkg" }, "nuget:rt.pkg"],
    [{ kind: "package", registryType: "oci", value: "index.docker.io/rtp/img:1.0" }, "oci:docker.io/rtp/img"],
    [{ kind: "package", value: `oci:rt-official@sha256:${"0".repeat(64)}` }, "oci:docker.io/library/rt-official"],
    [
      { kind: "package", registryType: "mcpb", value: "HTTPS://Example.com:443/RT/%78.mcpb#frag" },
      "mcpb:https://example.com/rt/x.mcpb",
    ],
  ])("stores %j as %j, and DELETE takes exactly what GET lists", async (input, canonical) => {
    const added = await denylistAdd(admin, { ...input, reason: "Round trip" });
    expect(added.status).toBe(201);
    expect(added.body.value).toBe(canonical);
    // A second spelling of the same entry is the same entry.
    await expectStatus(denylistAdd(admin, { kind: input.kind, value: canonical, reason: "again" }), 409);
    const values = await listed(input.kind);
    expect(values).toContain(canonical);

    const removed = await denylistRemove(admin, { kind: input.kind, value: canonical });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ kind: input.kind, value: canonical, removed: true });
    expect(await listed(input.kind)).not.toContain(canonical);
  });

  it("removes rows stored before the canonical forms with exactly the value GET lists", async () => {
    const legacy = [
      ["namespace", "com.legacy-zz."],
      ["remote-host", "[2001:db8:0::9]"],
      ["package", "legacy-untyped"],
    ] as const;
    for (const [kind, value] of legacy) {
      await env.DB.prepare("INSERT INTO denylist (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)")
        .bind(kind, value, "From before 0004", Date.now() * 1000, "oidc:old")
        .run();
    }
    const scoped = await tokenFor(editAll("com.legacy-zz*"), "oidc", "legacy-scoped");
    for (const [kind, value] of legacy) {
      expect(await listed(kind)).toContain(value);
      // Only a global maintainer reaches a value that has no canonical form.
      expect((await denylistRemove(scoped, { kind, value })).status).not.toBe(200);
      await expectStatus(denylistRemove(admin, { kind, value }), 200);
      expect(await listed(kind)).not.toContain(value);
    }
  });

  it("refuses package entries without a registry type, and a registry type on other kinds", async () => {
    const untyped = await denylistAdd(admin, { kind: "package", value: "probe-untyped", reason: "r" });
    expect(untyped.status).toBe(422);
    expect(untyped.body.errors).toEqual([
      expect.objectContaining({ location: "body.value", message: expect.stringContaining("registryType") }),
    ]);
    const unknownPrefix = await denylistAdd(admin, { kind: "package", value: "gem:probe", reason: "r" });
    expect(unknownPrefix.status).toBe(422);
    const clash = await denylistAdd(admin, { kind: "package", registryType: "npm", value: "pypi:x", reason: "r" });
    expect(clash.status).toBe(422);
    const badPypi = await denylistAdd(admin, { kind: "package", registryType: "pypi", value: "no/slash", reason: "r" });
    expect(badPypi.status).toBe(422);
    const onHost = await denylistAdd(admin, {
      kind: "remote-host",
      registryType: "npm",
      value: "x.example",
      reason: "r",
    });
    expect(onHost.status).toBe(422);
    expect(onHost.body.errors).toEqual([expect.objectContaining({ location: "body.registryType" })]);
  });
});

describe("remote-host entries match every spelling of the host", () => {
  it("blocks a trailing-dot host (the reported case)", async () => {
    await expectStatus(denylistAdd(admin, { kind: "remote-host", value: "pdh.example", reason: "Phishing" }), 201);
    const refused = await expectStatus(
      publish(publisher, withRemote("com.pdh-probe/tool", "1.0.0", "https://mcp.pdh.example./tool")),
      403,
    );
    expect(refused.detail).toContain("Phishing");
    await expectStatus(
      publish(publisher, withRemote("com.pdh-probe/tool2", "1.0.0", "https://MCP.PDH.EXAMPLE:443/tool2")),
      403,
    );
  });

  it("blocks Unicode and punycode spellings of one name, and numeric IPv4 forms", async () => {
    await expectStatus(denylistAdd(admin, { kind: "remote-host", value: "münchen-deny.example", reason: "r" }), 201);
    for (const url of ["https://mcp.xn--mnchen-deny-thb.example/tool", "https://mcp.MÜNCHEN-deny.example/tool"]) {
      await expectStatus(publish(publisher, withRemote("com.idn-probe/tool", "1.0.0", url)), 403);
    }
    await expectStatus(denylistAdd(admin, { kind: "remote-host", value: "8.8.4.4", reason: "r" }), 201);
    for (const url of ["https://134743044/mcp", "https://0x8.8.4.4/mcp", "https://8.8.1028/mcp"]) {
      await expectStatus(publish(publisher, withRemote("com.ip-probe/tool", "1.0.0", url)), 403);
    }
  });

  it("sweeps versions whose remotes spell the host differently", async () => {
    const urls = {
      "com.sweep-host/dot": "https://mcp.sweep-host.example./a",
      "com.sweep-host/unicode": "https://mcp.swéep-host.example/b",
      "com.sweep-host/template": "https://{tenant}.sweep-host.example/c",
    };
    for (const [name, url] of Object.entries(urls)) {
      const variables = url.includes("{tenant}") ? { tenant: { description: "Tenant" } } : undefined;
      const server = serverJson(name, "1.0.0", { remotes: [{ type: "streamable-http", url, variables }] });
      await expectStatus(publish(publisher, server), 200);
    }
    const ascii = await denylistAdd(admin, { kind: "remote-host", value: "sweep-host.example", reason: "r" });
    expect(ascii.status).toBe(201);
    expect(Object.keys(ascii.body.deleted).sort()).toEqual(["com.sweep-host/dot", "com.sweep-host/template"]);
    const idn = await denylistAdd(admin, { kind: "remote-host", value: "swéep-host.example", reason: "r" });
    expect(idn.status).toBe(201);
    expect(idn.body.value).toBe("xn--swep-host-c4a.example");
    expect(Object.keys(idn.body.deleted)).toEqual(["com.sweep-host/unicode"]);
  });
});

describe("package entries match the registry's notion of one package", () => {
  it("PyPI: probe_pkg and probe.pkg are probe-pkg (the reported case)", async () => {
    await expectStatus(
      denylistAdd(admin, { kind: "package", registryType: "pypi", value: "probe-pkg", reason: "Malware" }),
      201,
    );
    for (const [i, identifier] of ["probe_pkg", "probe.pkg", "Probe-PKG", "probe__-pkg"].entries()) {
      const refused = await expectStatus(
        publish(publisher, withPackage(`com.pypi-probe/s${i}`, "pypi", identifier)),
        403,
      );
      expect(refused.detail).toContain("Malware");
    }
    // The same name on another registry is another package.
    await expectStatus(publish(publisher, withPackage("com.pypi-probe/npm", "npm", "probe-pkg")), 200);
  });

  it("OCI: Docker Hub aliases, no registry, tags and digests are one image (the reported case)", async () => {
    await expectStatus(
      denylistAdd(admin, { kind: "package", registryType: "oci", value: "docker.io/p/img", reason: "r" }),
      201,
    );
    const spellings = [
      "index.docker.io/p/img:1.0",
      "registry-1.docker.io/p/img",
      "p/img:1.0",
      `docker.io/P/IMG@sha256:${"1".repeat(64)}`,
    ];
    for (const [i, identifier] of spellings.entries()) {
      await expectStatus(publish(publisher, withPackage(`com.oci-probe/s${i}`, "oci", identifier)), 403);
    }
    await expectStatus(publish(publisher, withPackage("com.oci-probe/ghcr", "oci", "ghcr.io/p/img:1.0")), 200);

    await expectStatus(denylistAdd(admin, { kind: "package", value: "oci:probe-official", reason: "r" }), 201);
    for (const [i, identifier] of ["library/probe-official:2", "docker.io/probe-official:1"].entries()) {
      await expectStatus(publish(publisher, withPackage(`com.oci-official/s${i}`, "oci", identifier)), 403);
    }
  });

  it("npm and NuGet ignore case; MCPB URLs compare as URLs", async () => {
    await expectStatus(denylistAdd(admin, { kind: "package", value: "npm:@probe/evil", reason: "r" }), 201);
    await expectStatus(publish(publisher, withPackage("com.npm-probe/tool", "npm", "@Probe/Evil")), 403);
    await expectStatus(denylistAdd(admin, { kind: "package", value: "nuget:Probe.Evil", reason: "r" }), 201);
    await expectStatus(publish(publisher, withPackage("com.nuget-probe/tool", "nuget", "PROBE.EVIL")), 403);
    const url = "https://probe-mcpb.example/evil/x.mcpb";
    await expectStatus(denylistAdd(admin, { kind: "package", value: `mcpb:${url}`, reason: "r" }), 201);
    await expectStatus(
      publish(publisher, withPackage("com.mcpb-probe/tool", "mcpb", "https://PROBE-MCPB.example/evil/%78.mcpb")),
      403,
    );
  });

  it("sweeps existing versions published under an equivalent identifier", async () => {
    await expectStatus(publish(publisher, withPackage("com.pkg-sweep/py", "pypi", "Sweep_Probe.pkg")), 200);
    await expectStatus(publish(publisher, withPackage("com.pkg-sweep/oci", "oci", "sweep-probe/img:3")), 200);
    const py = await denylistAdd(admin, { kind: "package", value: "pypi:sweep-probe-pkg", reason: "r" });
    expect(py.status).toBe(201);
    expect(Object.keys(py.body.deleted)).toEqual(["com.pkg-sweep/py"]);
    const oci = await denylistAdd(admin, {
      kind: "package",
      registryType: "oci",
      value: "registry-1.docker.io/sweep-probe/img",
      reason: "r",
    });
    expect(oci.status).toBe(201);
    expect(Object.keys(oci.body.deleted)).toEqual(["com.pkg-sweep/oci"]);
  });

  it("applies the same forms to admin edits and imports", async () => {
    await expectStatus(denylistAdd(admin, { kind: "package", value: "pypi:edit-probe", reason: "Edited in" }), 201);
    await expectStatus(publish(publisher, serverJson("com.pkg-edit/tool", "1.0.0")), 200);
    await expectStatus(
      putVersion(publisher, "com.pkg-edit/tool", "1.0.0", withPackage("com.pkg-edit/tool", "pypi", "Edit_Probe")),
      403,
    );
    const report = await importEntries(env, [
      { source: "mirror:1", server: withPackage("com.pkg-import/tool", "pypi", "edit.probe") },
    ]);
    expect(report.rejected).toEqual([expect.objectContaining({ reasons: [expect.stringContaining("Edited in")] })]);
  });
});
