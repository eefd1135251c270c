// The SQL that narrows a sweep to candidates never loses a match: for many spellings of remote
// URLs (templates, trailing dots, ports, user info, Unicode, percent escapes, numeric IPv4,
// tabs, backslashes, no scheme…) and package identifiers (case, PEP 503 runs, Docker Hub
// aliases, tags and digests, MCPB URL forms, surrounding Unicode white space, the Kelvin sign,
// invalid identifiers), every version denylistMatches accepts is a candidate, in the whole
// catalogue, in its namespace (what a writer reads) and among names changed after a change
// sequence number (what the cron reads). And it stays tight: realistic decoys are not candidates.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { denylistMatches, normalizeDenylistValue, type DenylistKey } from "../worker/src/domain/denylist.ts";
import type { PackageRegistryType } from "../worker/src/domain/denylist-packages.ts";
import { catalogChangeHead, denylistCandidateNames, denylistCandidates } from "../worker/src/storage/d1-moderation.ts";

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

interface Row {
  name: string;
  server: { name: string; remotes?: { type?: string; url: string }[]; packages?: unknown[] };
  url?: string;
}

// ---- Remote URLs ---------------------------------------------------------------------------

const HOSTS = ["evil.example", "xn--mnchen-3ya.example", "8.8.4.4", "[2001:db8::1]", "ex_am-ple.com"];
const HOST_ENTRIES = [...HOSTS, "example", "com", "x.evil.example", "mcp.1password.com"];

function hostSpellings(host: string): string[] {
  const spellings = [host, `x.${host}`, `${host}.`, `${host}..`, host.toUpperCase(), `{tenant}.${host}`, `a..${host}`];
  spellings.push(`.${host}`, `${host}x`, `x${host}`);
  if (host === "evil.example") {
    spellings.push("ｅvil.example", "ev%69l.example", "evil\u00ad.example", "e\tvil.example", "evil。example");
    spellings.push("\u212aevil.example", "1password.evil.example");
  }
  if (host.startsWith("xn--")) spellings.push("münchen.example", "MÜNCHEN.example", "m%C3%BCnchen.example");
  if (host === "8.8.4.4") {
    spellings.push("134743044", "0x8.8.4.4", "8.8.1028", "0x08080404", "010.010.04.04", "８.８.４.４", "8.8.4.4.");
    spellings.push("8.8.4.4..", "y.8.8.4.4", "0X8.8.4.4", "1.2.3.4", "16909060");
  }
  if (host.startsWith("[")) spellings.push("[2001:DB8:0:0::1]", "[2001:db8:0::1]", "[2001:0db8::0001]", "[::1]");
  return spellings;
}

const SCHEMES = [
  "https://",
  "http://",
  "HTTPS://",
  "https:",
  "https:///",
  "foo://",
  "",
  "ws://",
  "file://",
  " https://",
];
SCHEMES.push("https:\\\\", "\thttps://", "a:b://", "https:/", "\u0001https://");
const USERS = ["", "user@", "a@b@", "u:p@", "x.evil.example@", "%40@"];
const PORTS = ["", ":443", ":{port}", ":80:90", ":x"];
const PATHS = ["", "/", "/mcp", "/evil.example", "?q=evil.example", "#8.8.4.4", "\\x", "/%20", "/ü", " ", "/a b"];
PATHS.push("\u0000", "/v1/2024/mcp");

function remoteRows(): Row[] {
  const r = random(20260517);
  const urls = new Set<string>();
  while (urls.size < 1500) {
    const host = r.pick(hostSpellings(r.pick(HOSTS)));
    urls.add(r.pick(SCHEMES) + r.pick(USERS) + host + r.pick(PORTS) + r.pick(PATHS));
  }
  const alphabet = [..."aevil./:@[]84x%?#\\ \tü{}01"];
  while (urls.size < 2000) {
    let url = r.pick(["https://", "", "http:"]);
    for (let n = Math.floor(r.next() * 20); n > 0; n--) url += r.pick(alphabet);
    urls.add(url);
  }
  return [...urls].map((url, i) => {
    const name = `com.cand-r${i}/s`;
    return { name, url, server: { name, remotes: [{ type: "sse", url }] } } as Row;
  });
}

// ---- Packages ------------------------------------------------------------------------------

const PACKAGE_ENTRIES: [PackageRegistryType, string][] = [
  ["npm", "@acme/kit"],
  ["npm", "kit-tool"],
  ["nuget", "Acme.Kit"],
  ["cargo", "kit_tool"],
  ["pypi", "mcp-server"],
  ["pypi", "kit.tool_x"],
  ["pypi", "mcp"],
  ["oci", "nginx"],
  ["oci", "acme/kit"],
  ["oci", "ghcr.io/acme/kit"],
  ["oci", "localhost:5000/kit"],
  ["oci", "docker.io/library/kit"],
  ["mcpb", "https://example.com/kit/tool.mcpb"],
  ["mcpb", "https://8.8.4.4/kit.mcpb"],
  ["mcpb", "https://github.com/acme/kit/releases/download/v1/kit.mcpb"],
  ["mcpb", "https://xn--mnchen-3ya.example/k.mcpb"],
];

const IDENTIFIERS: Record<PackageRegistryType, string[]> = {
  npm: ["@acme/kit", "@ACME/Kit", "kit-tool", "Kit-Tool", "@acme/kit2", "kit_tool", "@acme/kit x", "kit-tool!"],
  nuget: ["Acme.Kit", "ACME.KIT", "acme.kit", "Acme-Kit", "Acme.Kit!"],
  cargo: ["kit_tool", "kit-tool", "KIT_TOOL", "kit__tool", "kit-tool!", "Kit_Tool"],
  pypi: ["mcp-server", "mcp_server", "MCP.Server", "mcp--server", "mcp-_.server", "mcpserver", "mcp-server-x"],
  oci: ["nginx", "nginx:1", "library/nginx", "docker.io/nginx", "index.docker.io/library/nginx:latest"],
  mcpb: ["https://example.com/kit/tool.mcpb", "HTTPS://Example.com:443/kit/tool.mcpb"],
};
IDENTIFIERS.pypi.push("server-mcp", "mcp", "MCP", "m-cp", "kit.tool_x", "kit-tool-x", "kit__tool..x", "mcp-server!");
IDENTIFIERS.pypi.push("-mcp-server", "mcp server");
IDENTIFIERS.oci.push(`nginx@sha256:${"a".repeat(64)}`, "registry-1.docker.io/nginx", "acme/kit", "acme/kit:2");
IDENTIFIERS.oci.push("docker.io/acme/kit", "Acme/Kit", "ghcr.io/acme/kit", "ghcr.io/acme/kit:1", "GHCR.io/acme/kit@x");
IDENTIFIERS.oci.push("ghcr.io/acme/kit:bad tag", "localhost:5000/kit", "localhost:5000/kit:1", "kit", "library/kit");
IDENTIFIERS.oci.push("docker.io/kit:3", "kit:bad tag!", "acme/kit/x", "acme/kitx");
IDENTIFIERS.mcpb.push(
  "https://user@example.com/kit/tool.mcpb#f",
  "https://example.com./kit/tool.mcpb",
  "https://example.com/kit/%74ool.mcpb",
  "https://example.com/x/../kit/tool.mcpb",
  "https://example.com/kit/./tool.mcpb",
  "https:\\\\example.com\\kit\\tool.mcpb",
  "https://ex\tample.com/kit/tool.mcpb",
  "https://ｅxample.com/kit/tool.mcpb",
  "http://example.com/kit/tool.mcpb",
  "https://example.com/kit/tool.mcpb?",
  "https://example.com:8443/kit/tool.mcpb",
  "https://134743044/kit.mcpb",
  "https://0x8.8.4.4/kit.mcpb",
  "https://8.8.4.4/other.mcpb",
  "https://github.com/acme/kit/releases/download/v1/kit.mcpb",
  "https://github.com/acme/other/releases/download/v1/other.mcpb",
  "https://münchen.example/k.mcpb",
  "https://xn--mnchen-3ya.example/K.mcpb",
  "not a url",
  "https://example.com/kit/tool.mcpb/x/..",
);

function packageRows(): Row[] {
  const r = random(7);
  const spaces = ["", " ", "\t", "\u00a0", "\ufeff", "\u3000", "\n", "\u2028"];
  const types = Object.keys(IDENTIFIERS) as PackageRegistryType[];
  const rows: Row[] = [];
  for (let i = 0; i < 1500; i++) {
    const packages: unknown[] = [];
    for (let j = 1 + Math.floor(r.next() * 2); j > 0; j--) {
      const type = r.pick(types);
      let identifier = [...r.pick(IDENTIFIERS[type])].map((c) => (r.next() < 0.3 ? c.toUpperCase() : c)).join("");
      identifier = identifier.replace(/[kK]/g, (c) => (r.next() < 0.3 ? "\u212a" : c));
      identifier = r.pick(spaces) + identifier + r.pick(spaces);
      const registryType =
        r.next() < 0.1 ? r.pick([` ${type}`, type.toUpperCase(), `\u00a0${type}`, `x${type}`, 5]) : type;
      packages.push(
        r.next() < 0.03 ? r.pick(["text", 5, { identifier: 5, registryType: type }]) : { registryType, identifier },
      );
    }
    const name = `com.cand-p${i}/s`;
    rows.push({ name, server: { name, packages } });
  }
  return rows;
}

// ---- The catalogue -------------------------------------------------------------------------

const namespaceOf = (name: string) => name.slice(0, name.indexOf("/"));

function insertStatements(row: Row): D1PreparedStatement[] {
  const json = JSON.stringify({ ...row.server, version: "1.0.0" });
  return [
    env.DB.prepare(
      `INSERT INTO server_versions (name, version, status_changed_at, published_at, updated_at, is_latest, server_json)
       VALUES (?, '1.0.0', 1, 1, 1, 1, ?)`,
    ).bind(row.name, json),
    env.DB.prepare(
      `INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at)
       VALUES (?, ?, '1.0.0', 1, 1, 1)`,
    ).bind(row.name, namespaceOf(row.name)),
    ...(row.url === undefined
      ? []
      : [
          env.DB.prepare("INSERT INTO server_remotes (url, name, version) VALUES (?, ?, '1.0.0')").bind(
            row.url,
            row.name,
          ),
        ]),
  ];
}

async function insert(rows: readonly Row[]) {
  const statements = rows.flatMap(insertStatements);
  for (let i = 0; i < statements.length; i += 300) await env.DB.batch(statements.slice(i, i + 300));
}

/** Whether the entry matches the row (a server.json denylistKeys cannot read matches nothing). */
function truth(entry: DenylistKey, row: Row): boolean {
  try {
    return denylistMatches(entry, row.server as never);
  } catch {
    return false;
  }
}

function entryOf(kind: "remote-host" | "package", raw: string, type?: PackageRegistryType): DenylistKey {
  const normalized = normalizeDenylistValue(kind, raw, type);
  if (!("value" in normalized)) throw new Error(`${raw}: ${normalized.error}`);
  return { kind, value: normalized.value };
}

const remotes = remoteRows();
const packages = packageRows();

beforeAll(async () => {
  await insert([...remotes, ...packages]);
}, 120_000);

describe.each([
  ["remote-host", remotes, HOST_ENTRIES.map((host) => entryOf("remote-host", host))],
  ["package", packages, PACKAGE_ENTRIES.map(([type, id]) => entryOf("package", id, type))],
] as const)("%s candidates", (_kind, rows, entries) => {
  it.each(entries.map((entry) => [entry.value, entry] as const))(
    "%s: every match is a candidate, catalogue-wide and in its namespace",
    async (_value, entry) => {
      const matching = rows.filter((row) => truth(entry, row)).map((row) => row.name);
      const candidates = new Set((await denylistCandidateNames(env.DB, entry, "everything")).map((c) => c.name));
      expect(matching.filter((name) => !candidates.has(name))).toEqual([]);
      // What a writer reads: its namespace's candidates (a sample).
      for (const name of matching.slice(0, 5)) {
        const inNamespace = await denylistCandidates(env.DB, entry, namespaceOf(name));
        expect(inNamespace.map((v) => v.name)).toEqual([name]);
      }
    },
  );
});

describe("tight candidates", () => {
  it("ignores realistic servers that only mention the host or share name terms", async () => {
    const decoys: Row[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `com.cand-decoy${i}/tool`;
      const url = `https://mcp${i}.decoy.example/v${i % 3}/evil.example/${i}`;
      decoys.push({
        name,
        url,
        server: {
          name,
          description: `Mirror of evil.example, github.com and mcp-server ${i}`,
          repository: { url: `https://github.com/acme/evil.example-${i}` },
          remotes: [{ type: "sse", url }],
          packages: [
            { registryType: "pypi", identifier: `mcp-server-${i}` },
            { registryType: "npm", identifier: "mcp-server" },
            { registryType: "oci", identifier: `ghcr.io/acme/nginx-${i}` },
            { registryType: "mcpb", identifier: `https://github.com/acme/kit/releases/download/v1.${i}/kit.mcpb` },
          ],
        } as Row["server"],
      });
    }
    await insert(decoys);
    const decoyNames = new Set(decoys.map((d) => d.name));
    for (const entry of [
      entryOf("remote-host", "evil.example"),
      entryOf("remote-host", "github.com"),
      entryOf("remote-host", "8.8.4.4"),
      entryOf("package", "mcp-server", "pypi"),
      entryOf("package", "nginx", "oci"),
      entryOf("package", "https://github.com/acme/kit/releases/download/v1/kit.mcpb", "mcpb"),
    ]) {
      const candidates = await denylistCandidateNames(env.DB, entry, "everything");
      expect(
        candidates.filter((c) => decoyNames.has(c.name)).map((c) => c.name),
        `${entry.kind} ${entry.value}`,
      ).toEqual([]);
    }
  });

  it("reads only names changed after a given change sequence number", async () => {
    const entry = entryOf("remote-host", "evil.example");
    const head = await catalogChangeHead(env.DB);
    expect(await denylistCandidateNames(env.DB, entry, { changedAfter: head })).toEqual([]);
    const late: Row = {
      name: "com.cand-late/s",
      url: "https://mcp.evil.example/late",
      server: { name: "com.cand-late/s", remotes: [{ url: "https://mcp.evil.example/late" }] },
    };
    await insert([late]);
    const changed = await denylistCandidateNames(env.DB, entry, { changedAfter: head });
    expect(changed.map((c) => [c.namespace, c.name])).toEqual([["com.cand-late", "com.cand-late/s"]]);
  });
});
