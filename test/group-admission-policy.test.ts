// A group's admission policy, checked on every publish (and edit) through its view: allowed
// package registries, remotes over https on allowed hosts. A refusal lists every violation as
// one error, in order (bounded). Under allowed hosts, a remote URL template is judged by every
// URL a client may substitute it to (each variable of its scheme and authority: its value,
// default and choices); a variable there that the user may fill in freely cannot be checked.
import { beforeAll, describe, expect, it } from "vitest";
import { admissionViolations, type AdmissionPolicy } from "../worker/src/domain/groups.ts";
import {
  configureGroup,
  createWriteGroup,
  editAt,
  groupPublish,
  member,
  storedGroups,
} from "./helpers/group-writes.ts";
import { serverJson } from "./helpers/registry.ts";

const POLICY: AdmissionPolicy = { registries: ["npm", "oci"], remoteHosts: ["*.example.com", "mcp.acme.com"] };

const npm = (identifier: string) => ({
  registryType: "npm",
  identifier,
  version: "1.0.0",
  transport: { type: "stdio" },
});
const pypi = (identifier: string) => ({ ...npm(identifier), registryType: "pypi" });
const remote = (url: string, variables?: Record<string, unknown>) => ({
  type: "streamable-http",
  url,
  ...(variables ? { variables } : {}),
});
const tenant = { tenant: { description: "Tenant id", isRequired: true, choices: ["eu", "us"] } };
const freeTenant = { tenant: { description: "Tenant id", isRequired: true } };
const CANNOT_CHECK = "the group's policy cannot check a host chosen by the user";

beforeAll(async () => {
  await createWriteGroup({
    name: "reviewed",
    namespaces: ["com.acme.reviewed"],
    policy: POLICY,
    members: { "github:alice": "publisher", "github:mona": "manager" },
  });
});

describe("admissionViolations (pure)", () => {
  it("passes everything without a policy, and what the policy allows", () => {
    expect(
      admissionViolations(null, { remotes: [{ url: "http://anything" }], packages: [{ registryType: "x" }] }),
    ).toEqual([]);
    expect(
      admissionViolations(POLICY, {
        packages: [{ registryType: "NPM" }, { registryType: "oci" }],
        remotes: [
          { url: "https://mcp.acme.com/mcp" },
          { url: "https://eu.example.com/mcp" },
          { url: "https://{tenant}.example.com/mcp", variables: tenant },
          { url: "https://mcp.acme.com:{port}/mcp", variables: { port: { value: "8443" } } },
          { url: "https://user@mcp.acme.com/mcp" },
          { url: "https://mcp.acme.com/{tenant}/mcp" }, // the path never changes the host
        ],
      }),
    ).toEqual([]);
  });

  it("names each violation in order", () => {
    expect(
      admissionViolations(POLICY, {
        packages: [{ registryType: "pypi" }, { registryType: "npm" }],
        remotes: [
          { url: "http://mcp.acme.com/mcp" },
          { url: "https://evil.com/mcp" },
          { url: "https://example.com/mcp" },
          { url: "not a url" },
        ],
      }),
    ).toEqual([
      'packages[0]: registry type "pypi" is not allowed by the group\'s policy',
      "remotes[0]: the group's policy allows remotes over https only",
      'remotes[1]: host "evil.com" is not allowed by the group\'s policy',
      'remotes[2]: host "example.com" is not allowed by the group\'s policy',
      "remotes[3]: the URL has no host the group's policy can allow",
    ]);
  });

  it("judges templates by the host a client would reach, not by text after it", () => {
    const hosts = [
      "https://evil.com\\@x.example.com/mcp", // '\' ends the authority, as WHATWG parses it
      "https://{t}.evil.com\\@x.example.com/mcp",
      "https://{t}.evil.com#.example.com",
      "https://{t}.evil.com?.example.com",
      "https://{t}.evil.com/.example.com",
      "https://{t}%2fevil.com.example.org/",
      "http://{tenant}.example.com/mcp",
    ];
    for (const url of hosts) expect(admissionViolations(POLICY, { remotes: [{ url }] }), url).toHaveLength(1);
    expect(admissionViolations({ remoteHosts: [] }, { remotes: [{ url: "https://mcp.acme.com" }] })).toHaveLength(1);
    expect(admissionViolations({ registries: [] }, { packages: [{ registryType: "npm" }] })).toHaveLength(1);
  });

  it("judges a template's authority by every substitution a client may make", () => {
    const violations = (url: string, variables?: Record<string, unknown>) =>
      admissionViolations(
        { remoteHosts: ["*.acme.cloud"] },
        { remotes: [{ url, ...(variables ? { variables } : {}) }] },
      );
    // The WHATWG parser takes "{tenant}.acme.cloud" as a host: the variable is what decides it.
    expect(violations("https://{tenant}.acme.cloud/mcp")).toEqual([`remotes[0]: ${CANNOT_CHECK} ({tenant})`]);
    expect(violations("https://{tenant}.acme.cloud/mcp", { tenant: { default: "eu" } })).toEqual([
      `remotes[0]: ${CANNOT_CHECK} ({tenant})`,
    ]);
    expect(violations("https://{tenant}.acme.cloud/mcp", { tenant: { choices: ["eu", "us"], default: "eu" } })).toEqual(
      [],
    );
    expect(violations("https://{tenant}.acme.cloud/mcp", { tenant: { value: "eu" } })).toEqual([]);
    for (const spec of [
      { value: "evil.example/x#" },
      { choices: ["eu", "evil.example/x#"] },
      { choices: ["eu"], default: "evil.example/x#" },
    ]) {
      expect(violations("https://{tenant}.acme.cloud/mcp", { tenant: spec }), JSON.stringify(spec)).toEqual([
        'remotes[0]: host "evil.example" is not allowed by the group\'s policy',
      ]);
    }
    // Ports and user information are part of the authority.
    expect(violations("https://x.acme.cloud:{port}/mcp")).toEqual([`remotes[0]: ${CANNOT_CHECK} ({port})`]);
    expect(violations("https://x.acme.cloud:{port}/mcp", { port: { choices: ["1@evil.example"] } })).toEqual([
      'remotes[0]: host "evil.example" is not allowed by the group\'s policy',
    ]);
    expect(violations("https://{user}@x.acme.cloud/mcp", { user: { value: "evil.example/" } })).toEqual([
      'remotes[0]: host "evil.example" is not allowed by the group\'s policy',
    ]);
    // A value that is itself a template, and variables met in combination.
    expect(violations("https://{a}.acme.cloud/", { a: { value: "{b}" }, b: { value: "x" } })).toEqual([
      `remotes[0]: ${CANNOT_CHECK}`,
    ]);
    expect(
      violations("https://{a}{b}/", { a: { choices: ["x.", "evil.example#"] }, b: { choices: ["acme.cloud"] } }),
    ).toEqual(['remotes[0]: host "evil.example" is not allowed by the group\'s policy']);
    // Tabs and newlines are dropped by the parser, so they hide nothing.
    expect(violations("ht\ttps://{tenant}.acme.cloud/mcp")).toEqual([`remotes[0]: ${CANNOT_CHECK} ({tenant})`]);
    // Bounded: too many combinations to check is a violation too.
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(violations("https://{a}.{b}.acme.cloud/", { a: { choices: many }, b: { choices: many } })).toEqual([
      "remotes[0]: the group's policy cannot check the 400 hosts this template may reach (at most 256)",
    ]);
    // Without allowed hosts, only https is required: a free variable in the host is fine.
    expect(
      admissionViolations({ registries: ["npm"] }, { remotes: [{ url: "https://{tenant}.acme.cloud/mcp" }] }),
    ).toEqual([]);
  });
});

describe("publishing into a group with a policy", () => {
  it("accepts what the policy allows, templates included", async () => {
    const server = serverJson("com.acme.reviewed/ok", "1.0.0", {
      packages: [npm("@acme/ok")],
      remotes: [remote("https://{tenant}.example.com/mcp", tenant), remote("https://mcp.acme.com/mcp")],
    });
    const published = await groupPublish("reviewed", await member("alice"), server);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });

  it("refuses 400 with one error per violation, and writes nothing", async () => {
    // (Remotes over http never get this far: the semantic rules refuse them everywhere.)
    const server = serverJson("com.acme.reviewed/bad", "1.0.0", {
      packages: [pypi("acme-bad"), npm("@acme/fine")],
      remotes: [remote("https://mcp.acme.com/mcp"), remote("https://{tenant}.evil.com/mcp", tenant)],
    });
    const refused = await groupPublish("reviewed", await member("alice"), server);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toBe("Failed to publish server");
    expect(refused.body.errors).toEqual([
      { message: 'packages[0]: registry type "pypi" is not allowed by the group\'s policy' },
      { message: 'remotes[1]: host "eu.evil.com" is not allowed by the group\'s policy' },
    ]);
    expect((await storedGroups("com.acme.reviewed/bad")).versions).toEqual([]);
  });

  it("refuses a remote whose host the user chooses, or whose choices reach another host", async () => {
    const free = serverJson("com.acme.reviewed/free", "1.0.0", {
      remotes: [remote("https://{tenant}.example.com/mcp", freeTenant)],
    });
    const refused = await groupPublish("reviewed", await member("alice"), free);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ message: `remotes[0]: ${CANNOT_CHECK} ({tenant})` }]);
    const escaping = serverJson("com.acme.reviewed/escaping", "1.0.0", {
      remotes: [
        remote("https://{tenant}.example.com/mcp", { tenant: { choices: ["eu", "evil.example/x#"], default: "eu" } }),
      ],
    });
    const escaped = await groupPublish("reviewed", await member("alice"), escaping);
    expect(escaped.status).toBe(400);
    expect(escaped.body.errors).toEqual([
      { message: 'remotes[0]: host "evil.example" is not allowed by the group\'s policy' },
    ]);
    expect((await storedGroups("com.acme.reviewed/free")).versions).toEqual([]);
    expect((await storedGroups("com.acme.reviewed/escaping")).versions).toEqual([]);
  });

  it("applies to edits through the group too", async () => {
    const edited = serverJson("com.acme.reviewed/ok", "1.0.0", { remotes: [remote("https://evil.com/mcp")] });
    const refused = await editAt("/groups/reviewed", await member("mona"), "com.acme.reviewed/ok", "1.0.0", edited);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toBe("Failed to edit server");
    expect(refused.body.errors).toEqual([
      { message: 'remotes[0]: host "evil.com" is not allowed by the group\'s policy' },
    ]);
  });

  it("follows the group's current policy", async () => {
    const server = serverJson("com.acme.reviewed/later", "1.0.0", { packages: [pypi("acme-later")] });
    expect((await groupPublish("reviewed", await member("alice"), server)).status).toBe(400);
    await configureGroup("reviewed", { policy: null });
    expect((await groupPublish("reviewed", await member("alice"), server)).status).toBe(200);
  });
});
