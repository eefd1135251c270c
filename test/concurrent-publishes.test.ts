// Concurrent writes to one namespace serialize: 64 publishes at once, with duplicates, into one
// namespace and across 8; nothing lost, nothing doubled, one latest, gapless sequence numbers.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { publish, tokenFor } from "./helpers/publishing.ts";

/** 64 publish requests: 48 distinct (name, version) pairs and 16 repeats of them. */
function plan(namespaces: string[]) {
  const requests: { name: string; version: string }[] = [];
  for (let i = 0; i < 48; i++) {
    const ns = namespaces[i % namespaces.length]!;
    requests.push({ name: `${ns}/tool-${i % 3}`, version: `1.${Math.floor(i / 3) % 8}.${i % 5}` });
  }
  for (let i = 0; i < 16; i++) requests.push(requests[i * 3]!);
  // A fixed shuffle so repeats interleave with first attempts.
  return requests
    .map((r, i) => ({ r, k: (i * 37) % 64 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.r);
}

async function runRace(namespaces: string[]) {
  const token = await tokenFor(namespaces.map((ns) => ({ action: "publish" as const, resource: `${ns}/*` })));
  const requests = plan(namespaces);
  const results = await Promise.all(requests.map((r) => publish(token, serverJson(r.name, r.version))));
  const distinct = new Map(requests.map((r) => [`${r.name}@${r.version}`, r]));
  const accepted = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status !== 200);

  expect(accepted).toHaveLength(distinct.size);
  expect(new Set(accepted.map((r) => `${r.body.server.name}@${r.body.server.version}`)).size).toBe(distinct.size);
  for (const r of refused) {
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toMatch(/^invalid version: cannot publish duplicate version/);
  }

  for (const name of new Set(requests.map((r) => r.name))) {
    const { body } = await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions`);
    const expected = [...distinct.values()]
      .filter((r) => r.name === name)
      .map((r) => r.version)
      .sort();
    expect(body.servers.map((s: any) => s.server.version).sort()).toEqual(expected);
    expect(body.servers.filter((s: any) => official(s).isLatest)).toHaveLength(1);
  }

  for (const ns of namespaces) {
    // Every attempt has its audit row (refused duplicates too), numbered without gaps.
    const entries = await listStream(env.DB, ns);
    expect(entries.map((c) => c.seq)).toEqual(entries.map((_, i) => i + 1));
    const published = [...distinct.values()].filter((r) => r.name.startsWith(`${ns}/`));
    expect(entries.filter((e) => e.outcome === "ok")).toHaveLength(published.length);
    expect(entries.length).toBe(requests.filter((r) => r.name.startsWith(`${ns}/`)).length);
    // Timestamps of one namespace strictly increase with the sequence.
    expect(entries.every((c, i) => i === 0 || c.at > entries[i - 1]!.at)).toBe(true);
  }
}

describe("64 concurrent publishes", () => {
  it("into one namespace", async () => {
    await runRace(["com.race-one"]);
  });

  it("across 8 namespaces", async () => {
    await runRace(Array.from({ length: 8 }, (_, i) => `com.race-eight${i}`));
  });
});
