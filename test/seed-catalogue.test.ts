// The demo catalogue in kv-seeds/ (what `npm start` serves) imports cleanly and exercises every
// server.json feature the registry supports.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { importEntries, type ImportReport } from "../worker/src/writes/import-entries.ts";
import { ndjsonEntries, official, walkList } from "./helpers/registry.ts";

const lines = env.TEST_SEED_SERVERS.split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const all = JSON.stringify(lines);
let report: ImportReport;

beforeAll(async () => {
  report = await importEntries(env, ndjsonEntries(env.TEST_SEED_SERVERS, env.TEST_SEED_META, "servers.ndjson"));
});

describe("the demo catalogue", () => {
  it("imports without a single rejection", () => {
    expect(report.rejected).toEqual([]);
    expect(report.inserted).toBe(lines.length);
  });

  it("has at least 40 servers, several with many versions", () => {
    const counts = new Map<string, number>();
    for (const s of lines) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
    expect(counts.size).toBeGreaterThanOrEqual(40);
    expect([...counts.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(10);
  });

  it("uses every package type, transport and input feature", () => {
    const packages = lines.flatMap((s) => s.packages ?? []);
    expect(new Set(packages.map((p: any) => p.registryType))).toEqual(new Set(["npm", "pypi", "oci", "nuget", "mcpb"]));
    expect(new Set(packages.map((p: any) => p.transport.type))).toEqual(new Set(["stdio", "streamable-http", "sse"]));
    const remotes = lines.flatMap((s) => s.remotes ?? []);
    expect(new Set(remotes.map((r: any) => r.type))).toEqual(new Set(["streamable-http", "sse"]));
    expect(remotes.some((r: any) => r.headers?.length)).toBe(true);
    expect(remotes.some((r: any) => r.variables && /\{\w+\}/.test(r.url))).toBe(true);
    for (const feature of [
      '"isSecret":true',
      '"choices":',
      '"default":',
      '"type":"named"',
      '"type":"positional"',
      '"fileSha256":',
      '"runtimeHint":',
      '"icons":',
      '"io.modelcontextprotocol.registry/publisher-provided"',
    ]) {
      expect(all, feature).toContain(feature);
    }
    expect(lines.some((s) => !s.packages && !s.remotes)).toBe(true);
    expect(lines.some((s) => s.packages && s.remotes)).toBe(true);
  });

  it("has non-semver versions, one deprecated and one deleted version", async () => {
    const { items } = await walkList("include_deleted=true", 100);
    const statuses = items.map((i) => official(i).status);
    expect(statuses.filter((s) => s === "deprecated")).toHaveLength(1);
    expect(statuses.filter((s) => s === "deleted")).toHaveLength(1);
    expect(lines.some((s) => !/^v?\d+\.\d+\.\d+(-[\w.]+)?(\+[\w.]+)?$/.test(s.version))).toBe(true);
  });
});
