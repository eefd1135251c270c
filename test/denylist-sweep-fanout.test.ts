// Denylist sweeps call a namespace's writer only where a visible version matches: a host that
// many server.json mention only in descriptions and repository URLs, PyPI names that share an
// entry's terms, remote URLs with digits in them are no reason to wake a writer. And the cron
// sweeps an entry again only over names changed since its last complete sweep: a run with no
// change calls no writer at all, and a version that slipped past the entry (a publish that
// raced its commit, even one committing during the sweep) is caught by this run or the next.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweepDenylist } from "../worker/src/cron/sweep-denylist.ts";
import { CRON_CALLER, sweepEverywhere } from "../worker/src/writes/denylist-sweeps.ts";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { serverJson } from "./helpers/registry.ts";

const DECOYS = 24;
const decoy = (i: number) => `com.fanout-d${String(i).padStart(2, "0")}`;

function pypi(identifier: string) {
  return { registryType: "pypi", identifier, version: "1.0.0", transport: { type: "stdio" } };
}
function npm(identifier: string) {
  return { registryType: "npm", identifier, version: "1.0.0", transport: { type: "stdio" } };
}
function remote(url: string) {
  return url.includes("{tenant}")
    ? { type: "streamable-http", url, variables: { tenant: { description: "Tenant" } } }
    : { type: "streamable-http", url };
}

/** Servers that mention every entry below, but match none of them. */
function decoyServer(i: number) {
  const ns = decoy(i);
  return serverJson(`${ns}/tool`, "1.0.0", {
    description: `Bridges github.com and docs.cron-fanout.example for team ${i}`,
    repository: { url: `https://github.com/fanout/d${i}`, source: "github" },
    remotes: [
      remote(`https://mcp.d${i}.fanout.example/v1/${i}`),
      remote(`https://api${i}.fanout.example:8443/2024/mcp`),
    ],
    packages: [pypi(`mcp-server-d${i}`), pypi(i % 2 === 0 ? "server_mcp" : "mcp-servers"), npm("mcp-server")],
  });
}

const MATCHES = {
  github: {
    "com.fanout-gh-a": remote("https://mcp.github.com/a"),
    "com.fanout-gh-b": remote("https://GitHub.com./b"),
    "com.fanout-gh-c": remote("https://{tenant}.github.com/c"),
  },
  pypi: { "com.fanout-py-a": pypi("MCP_Server"), "com.fanout-py-b": pypi("mcp.server") },
  ip: { "com.fanout-ip-a": remote("https://134743044/mcp") },
};

await (async function loadCatalogue() {
  const servers = [
    ...Array.from({ length: DECOYS }, (_, i) => decoyServer(i)),
    ...Object.entries(MATCHES.github).map(([ns, r]) => serverJson(`${ns}/tool`, "1.0.0", { remotes: [r] })),
    ...Object.entries(MATCHES.pypi).map(([ns, p]) => serverJson(`${ns}/tool`, "1.0.0", { packages: [p] })),
    ...Object.entries(MATCHES.ip).map(([ns, r]) => serverJson(`${ns}/tool`, "1.0.0", { remotes: [r] })),
  ];
  const report = await importEntries(
    env,
    servers.map((server, i) => ({ source: `fanout:${i}`, server })),
  );
  if (report.rejected.length > 0) throw new Error(JSON.stringify(report.rejected));
})();

/** The environment with every namespace writer the sweep asks for recorded, in order. */
function counted() {
  const calls: string[] = [];
  const STREAM_WRITER = {
    getByName(name: string) {
      calls.push(name);
      return env.STREAM_WRITER.getByName(name);
    },
  } as unknown as Env["STREAM_WRITER"];
  return { env: { ...env, STREAM_WRITER } as Env, calls };
}

/** A denylist row as POST /x/admin/denylist commits it, before its sweep. */
async function addEntry(kind: string, value: string) {
  await env.DB.prepare("INSERT INTO denylist (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)")
    .bind(kind, value, "Fan-out test", Date.now() * 1000, "oidc:moderator")
    .run();
}

const statusOf = async (name: string) =>
  (await env.DB.prepare("SELECT status FROM server_versions WHERE name = ?").bind(name).first<{ status: string }>())
    ?.status;

/** A matching version written straight to D1, as a publish that raced the entry's commit. */
async function slipPast(name: string, url: string) {
  const now = Date.now() * 1000;
  const json = JSON.stringify(serverJson(name, "1.0.0", { remotes: [remote(url)] }));
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO server_versions (name, version, status_changed_at, published_at, updated_at, is_latest, server_json)
       VALUES (?, '1.0.0', ?, ?, ?, 1, ?)`,
    ).bind(name, now, now, now, json),
    env.DB.prepare(
      `INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at)
       VALUES (?, ?, '1.0.0', 1, ?, ?)`,
    ).bind(name, name.slice(0, name.indexOf("/")), now, now),
    env.DB.prepare("INSERT INTO server_remotes (url, name, version) VALUES (?, ?, '1.0.0')").bind(url, name),
  ]);
}

describe("the sweep after an entry is added (POST /x/admin/denylist)", () => {
  it.each([
    ["remote-host", "github.com", Object.keys(MATCHES.github)],
    ["package", "pypi:mcp-server", Object.keys(MATCHES.pypi)],
    ["remote-host", "8.8.4.4", Object.keys(MATCHES.ip)],
  ])("of %s %s calls the writers of exactly the matching namespaces", async (kind, value, matching) => {
    await addEntry(kind, value);
    const { env: countingEnv, calls } = counted();
    const result = await sweepEverywhere(countingEnv, CRON_CALLER, { kind: kind as "package", value });
    expect(result.complete).toBe(true);
    expect(Object.keys(result.deleted).sort()).toEqual(matching.map((ns) => `${ns}/tool`));
    expect(calls.sort()).toEqual(matching);
    for (const ns of matching) expect(await statusOf(`${ns}/tool`)).toBe("deleted");
    expect(await statusOf(`${decoy(0)}/tool`)).toBe("active");
  });

  it("leaves nothing for the cron: its next run calls no writer", async () => {
    const { env: countingEnv, calls } = counted();
    await sweepDenylist(countingEnv);
    expect(calls).toEqual([]);
  });
});

describe("the cron sweep", () => {
  const HOST = "cron-fanout.example";

  it("calls only the writers of matching namespaces, then none while nothing changes", async () => {
    await slipPast("com.fanout-cron-a/tool", `https://mcp.${HOST}/a`);
    // As if the request that added the entry died before sweeping.
    await addEntry("remote-host", HOST);
    const first = counted();
    await sweepDenylist(first.env);
    expect(first.calls).toEqual(["com.fanout-cron-a"]);
    expect(await statusOf("com.fanout-cron-a/tool")).toBe("deleted");

    for (let run = 0; run < 2; run++) {
      const again = counted();
      await sweepDenylist(again.env);
      expect(again.calls).toEqual([]);
    }
  });

  it("looks only at what changed: a version that slipped past the entry, not the unchanged decoys", async () => {
    await slipPast("com.fanout-cron-b/tool", `https://b.${HOST}/x`);
    // A change elsewhere that mentions the host but does not match.
    const report = await importEntries(env, [{ source: "fanout:decoy-v2", server: decoyServer(1) }]);
    expect(report.rejected).toEqual([]);
    const run = counted();
    await sweepDenylist(run.env);
    expect(run.calls).toEqual(["com.fanout-cron-b"]);
    expect(await statusOf("com.fanout-cron-b/tool")).toBe("deleted");
  });

  it("catches versions committed while it sweeps, in this run or the next", async () => {
    await slipPast("com.fanout-cron-c/tool", `https://c.${HOST}/x`);
    // Each writer call lets a matching publish commit (after the run read the change head):
    // the run's later rounds find some, the next run the last one.
    const next: Record<string, string> = { c: "d", d: "e", e: "f" };
    const calls: string[] = [];
    const racing = {
      getByName(namespace: string) {
        calls.push(namespace);
        const writer = env.STREAM_WRITER.getByName(namespace);
        return {
          async sweepDenylisted(...args: Parameters<typeof writer.sweepDenylisted>) {
            const outcome = await writer.sweepDenylisted(...args);
            const following = next[namespace.slice("com.fanout-cron-".length)];
            if (following) await slipPast(`com.fanout-cron-${following}/tool`, `https://${following}.${HOST}/x`);
            return outcome;
          },
        };
      },
    } as unknown as Env["STREAM_WRITER"];
    await sweepDenylist({ ...env, STREAM_WRITER: racing });
    expect(calls).toEqual(["com.fanout-cron-c", "com.fanout-cron-d", "com.fanout-cron-e"]);
    for (const x of ["c", "d", "e"]) expect(await statusOf(`com.fanout-cron-${x}/tool`)).toBe("deleted");
    expect(await statusOf("com.fanout-cron-f/tool")).toBe("active");

    const following = counted();
    await sweepDenylist(following.env);
    expect(following.calls).toEqual(["com.fanout-cron-f"]);
    expect(await statusOf("com.fanout-cron-f/tool")).toBe("deleted");

    const quiet = counted();
    await sweepDenylist(quiet.env);
    await sweepDenylist(quiet.env);
    expect(quiet.calls).toEqual([]);
  });
});
