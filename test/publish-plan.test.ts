// The plan of a group of publishes (domain/publish-plan.ts), without D1: each job decided in
// order against what the read found and against the group's earlier accepted jobs (denylist,
// remote URLs, duplicates, the version cap, isLatest), the records, summaries and latest moves
// the commit writes, and one audit row per job with gapless sequence numbers and timestamps.
import { describe, expect, it } from "vitest";
import { denylistRefusal, type DenylistEntry } from "../worker/src/domain/denylist.ts";
import {
  planPublishes,
  PUBLISH_FAILED,
  type LatestHolder,
  type PublishReads,
  type RemoteConflict,
} from "../worker/src/domain/publish-plan.ts";
import type { ServerJson } from "../worker/src/domain/server-json/index.ts";
import { MAX_VERSIONS_PER_SERVER } from "../worker/src/domain/write-rules.ts";

const NOW = 1_700_000_000_000_000;
const SEQ = 41;
const clock = { now: NOW, seq: SEQ };

function server(name: string, version: string, urls: string[] = []): ServerJson {
  return {
    $schema: "https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json",
    name,
    description: "A test server",
    version,
    ...(urls.length > 0 ? { remotes: urls.map((url) => ({ type: "streamable-http", url })) } : {}),
  } as ServerJson;
}

interface StateOverrides {
  versionCount?: number;
  versionExists?: boolean;
  latest?: LatestHolder;
  remoteConflict?: RemoteConflict;
}

function state(o: StateOverrides = {}): PublishReads["states"][number] {
  return {
    versionCount: o.versionCount ?? 0,
    versionExists: o.versionExists ?? false,
    latest: o.latest,
    remoteConflict: o.remoteConflict,
  };
}

/** Plans `servers` as one group; `states` per job (default: nothing stored). */
function plan(servers: ServerJson[], states: StateOverrides[] = [], denylisted: DenylistEntry[] = []) {
  return planPublishes(
    servers.map((s) => ({ server: s })),
    { denylisted, states: servers.map((_, i) => state(states[i])) },
    clock,
  );
}

function statuses(p: ReturnType<typeof plan>) {
  return p.jobs.map(({ decision }) => (decision.ok ? 200 : decision.status));
}

function messages(p: ReturnType<typeof plan>) {
  return p.jobs.map(({ decision }) => (decision.ok ? undefined : decision.message));
}

describe("planning a group of publishes", () => {
  it("publishes a first version as latest, with the job's timestamp and audit row", () => {
    const s = server("com.example/a", "1.0.0", ["https://a.example/mcp"]);
    const p = plan([s]);
    const record = {
      name: "com.example/a",
      version: "1.0.0",
      status: "active",
      statusMessage: null,
      statusChangedAt: NOW,
      publishedAt: NOW,
      updatedAt: NOW,
      isLatest: true,
      serverJson: JSON.stringify(s),
    };
    expect(p.jobs).toEqual([
      {
        decision: { ok: true, record },
        audit: {
          seq: SEQ,
          at: NOW,
          action: "publish",
          name: "com.example/a",
          version: "1.0.0",
          outcome: "ok",
          reason: null,
        },
      },
    ]);
    expect(p.accepted).toEqual([{ record, urls: ["https://a.example/mcp"], group: null }]);
    expect(p.latestMoves).toEqual(["com.example/a"]);
    expect(p.summaries).toEqual([
      { name: "com.example/a", namespace: "com.example", added: 1, latestVersion: "1.0.0", at: NOW, group: null },
    ]);
  });

  it("gives job i sequence number seq + i and timestamp now + i, refused jobs included", () => {
    const p = plan(
      [server("com.example/a", "1.0.0"), server("com.example/a", "1.0.0"), server("com.example/b", "1.0.0")],
      [{}, {}, { versionExists: true }],
    );
    expect(statuses(p)).toEqual([200, 400, 400]);
    expect(p.jobs.map((j) => [j.audit.seq, j.audit.at, j.audit.outcome])).toEqual([
      [SEQ, NOW, "ok"],
      [SEQ + 1, NOW + 1, "failed"],
      [SEQ + 2, NOW + 2, "failed"],
    ]);
    const accepted = plan([server("com.example/a", "1.0.0"), server("com.example/b", "2.0.0")]).accepted;
    expect(accepted.map((a) => [a.record.publishedAt, a.record.updatedAt, a.record.statusChangedAt])).toEqual([
      [NOW, NOW, NOW],
      [NOW + 1, NOW + 1, NOW + 1],
    ]);
  });

  it("refuses a denylisted server with 403, an audited denial, and before any other check", () => {
    const entry: DenylistEntry = { kind: "namespace", value: "com.evil", reason: "malware" };
    const p = plan(
      [server("com.evil/x", "1.0.0"), server("com.example/a", "1.0.0")],
      [{ versionExists: true, remoteConflict: { url: "https://x", holder: "com.other/y" } }],
      [entry],
    );
    expect(p.jobs[0]).toEqual({
      decision: { ok: false, status: 403, detail: denylistRefusal(entry), message: undefined },
      audit: {
        seq: SEQ,
        at: NOW,
        action: "publish",
        name: "com.evil/x",
        version: "1.0.0",
        outcome: "denied",
        reason: denylistRefusal(entry),
      },
    });
    // The entry blocks only the servers it matches.
    expect(statuses(p)).toEqual([403, 200]);
    expect(p.accepted.map((a) => a.record.name)).toEqual(["com.example/a"]);
  });

  it("refuses a remote URL another server holds in D1", () => {
    const p = plan(
      [server("com.example/a", "1.0.0", ["https://taken.example/mcp"])],
      [{ remoteConflict: { url: "https://taken.example/mcp", holder: "org.other/b" } }],
    );
    const message = "remote URL https://taken.example/mcp is already used by server org.other/b";
    expect(p.jobs[0]).toEqual({
      decision: { ok: false, status: 400, detail: PUBLISH_FAILED, message },
      audit: expect.objectContaining({ outcome: "failed", reason: message }),
    });
    expect(p.accepted).toEqual([]);
    expect(p.summaries).toEqual([]);
    expect(p.latestMoves).toEqual([]);
  });

  it("refuses a remote URL an earlier accepted job of another name claims in the group", () => {
    const p = plan([
      server("com.example/a", "1.0.0", ["https://one.example", "https://shared.example"]),
      server("com.example/b", "1.0.0", ["https://two.example", "https://shared.example"]),
      // The same name may list it again.
      server("com.example/a", "2.0.0", ["https://shared.example"]),
    ]);
    expect(statuses(p)).toEqual([200, 400, 200]);
    expect(messages(p)[1]).toBe("remote URL https://shared.example is already used by server com.example/a");
    expect(p.accepted.map((a) => a.urls)).toEqual([
      ["https://one.example", "https://shared.example"],
      ["https://shared.example"],
    ]);
  });

  it("lets a refused job's remote URLs go to a later job", () => {
    const p = plan(
      [
        server("com.example/a", "1.0.0", ["https://free.example"]),
        server("com.example/b", "1.0.0", ["https://free.example"]),
      ],
      [{ versionExists: true }],
    );
    expect(statuses(p)).toEqual([400, 200]);
  });

  it("names the D1 holder rather than the group's when both hold a URL", () => {
    const p = plan(
      [
        server("com.example/a", "1.0.0", ["https://x.example"]),
        server("com.example/b", "1.0.0", ["https://x.example"]),
      ],
      [{}, { remoteConflict: { url: "https://x.example", holder: "org.stored/holder" } }],
    );
    expect(messages(p)[1]).toBe("remote URL https://x.example is already used by server org.stored/holder");
  });

  it("refuses a duplicate of a stored version or of an earlier accepted job of the group", () => {
    const p = plan(
      [
        server("com.example/a", "1.0.0"),
        server("com.example/a", "2.0.0"),
        server("com.example/a", "2.0.0"),
        server("com.example/a", "1.0.0"),
      ],
      [{ versionExists: true }, {}, {}, { versionExists: true }],
    );
    expect(statuses(p)).toEqual([400, 200, 400, 400]);
    expect(messages(p)).toEqual([
      "invalid version: cannot publish duplicate version: com.example/a@1.0.0 already exists",
      undefined,
      "invalid version: cannot publish duplicate version: com.example/a@2.0.0 already exists",
      "invalid version: cannot publish duplicate version: com.example/a@1.0.0 already exists",
    ]);
    expect(p.jobs.map((j) => j.audit.reason)).toEqual(messages(p).map((m) => m ?? null));
  });

  it("counts the group's own accepted versions against the version cap, refused ones not", () => {
    const full = { versionCount: MAX_VERSIONS_PER_SERVER - 1 };
    const p = plan(
      [
        server("com.example/a", "0.9.0"),
        server("com.example/a", "1.0.0"),
        server("com.example/a", "2.0.0"),
        server("com.example/b", "1.0.0"),
      ],
      [{ ...full, versionExists: true }, full, full, full],
    );
    expect(statuses(p)).toEqual([400, 200, 400, 200]);
    expect(messages(p)[0]).toMatch(/^invalid version: cannot publish duplicate version/);
    expect(messages(p)[2]).toMatch(/^maximum number of versions for this server reached \(10000\)/);
  });

  it("checks the cap before duplicates, as for a single publish", () => {
    const full = { versionCount: MAX_VERSIONS_PER_SERVER - 1 };
    const p = plan([server("com.example/a", "1.0.0"), server("com.example/a", "1.0.0")], [full, full]);
    expect(statuses(p)).toEqual([200, 400]);
    expect(messages(p)[1]).toMatch(/^maximum number of versions/);
  });

  it("moves isLatest to the highest version of the group above the stored holder", () => {
    const stored = { latest: { version: "2.0.0", publishedAt: 1, deleted: false }, versionCount: 2 };
    const p = plan(
      [
        server("com.example/a", "1.5.0"),
        server("com.example/a", "3.0.0"),
        server("com.example/a", "2.5.0"),
        server("com.example/a", "3.0.0-beta.1"),
      ],
      [stored, stored, stored, stored],
    );
    expect(p.accepted.map((a) => [a.record.version, a.record.isLatest])).toEqual([
      ["1.5.0", false],
      ["3.0.0", true],
      ["2.5.0", false],
      ["3.0.0-beta.1", false],
    ]);
    // Every answer shows the flag as it is after the group.
    expect(p.jobs.map(({ decision }) => decision.ok && decision.record.isLatest)).toEqual([false, true, false, false]);
    expect(p.latestMoves).toEqual(["com.example/a"]);
    expect(p.summaries).toEqual([
      { name: "com.example/a", namespace: "com.example", added: 4, latestVersion: "3.0.0", at: NOW + 3, group: null },
    ]);
  });

  it("takes isLatest from an earlier job that took it: a later higher version wins", () => {
    const p = plan([server("com.example/a", "1.0.0"), server("com.example/a", "2.0.0")]);
    expect(p.accepted.map((a) => a.record.isLatest)).toEqual([false, true]);
    expect(p.summaries[0]!.latestVersion).toBe("2.0.0");
  });

  it("leaves isLatest with the stored holder when no version of the group is above it", () => {
    const stored = { latest: { version: "9.0.0", publishedAt: 1, deleted: false } };
    const p = plan([server("com.example/a", "1.0.0"), server("com.example/a", "2.0.0")], [stored, stored]);
    expect(p.accepted.map((a) => a.record.isLatest)).toEqual([false, false]);
    expect(p.latestMoves).toEqual([]);
    expect(p.summaries).toEqual([
      { name: "com.example/a", namespace: "com.example", added: 2, latestVersion: undefined, at: NOW + 1, group: null },
    ]);
  });

  it("takes isLatest from a deleted holder whatever the version", () => {
    const stored = { latest: { version: "9.0.0", publishedAt: 1, deleted: true } };
    const p = plan([server("com.example/a", "1.0.0")], [stored]);
    expect(p.accepted[0]!.record.isLatest).toBe(true);
    expect(p.latestMoves).toEqual(["com.example/a"]);
  });

  it("summarises each name of the group in order of its first accepted version", () => {
    const p = plan(
      [
        server("com.example/b", "1.0.0"),
        server("com.example/a", "1.0.0"),
        server("com.example/b", "2.0.0"),
        server("com.example/c", "1.0.0"),
      ],
      [{}, {}, {}, { versionExists: true }],
    );
    expect(p.summaries).toEqual([
      { name: "com.example/b", namespace: "com.example", added: 2, latestVersion: "2.0.0", at: NOW + 2, group: null },
      { name: "com.example/a", namespace: "com.example", added: 1, latestVersion: "1.0.0", at: NOW + 1, group: null },
    ]);
    // Names whose flag moves, in order of the version that holds it.
    expect(p.latestMoves).toEqual(["com.example/a", "com.example/b"]);
  });

  it("keeps the state each written name was read in, for the commit to assert it is unchanged", () => {
    const holder = { version: "9.0.0", publishedAt: 7, deleted: true };
    const p = plan(
      [server("com.example/b", "1.0.0"), server("com.example/a", "1.0.0"), server("com.example/c", "1.0.0")],
      [{ versionCount: 3, latest: holder }, {}, { versionExists: true }],
    );
    // In the summaries' order; the refused name is not written, so nothing is asserted about it.
    expect(p.readStates).toEqual([
      { name: "com.example/b", versionCount: 3, latest: holder },
      { name: "com.example/a", versionCount: 0, latest: undefined },
    ]);
    expect(p.readStates.map((r) => r.name)).toEqual(p.summaries.map((summary) => summary.name));
  });

  it("plans nothing to write when every job is refused, but audits each", () => {
    const p = plan(
      [server("com.example/a", "1.0.0"), server("com.example/b", "1.0.0")],
      [{ versionExists: true }, { versionExists: true }],
    );
    expect(p.accepted).toEqual([]);
    expect(p.latestMoves).toEqual([]);
    expect(p.summaries).toEqual([]);
    expect(p.readStates).toEqual([]);
    expect(p.jobs.map((j) => [j.audit.seq, j.audit.outcome])).toEqual([
      [SEQ, "failed"],
      [SEQ + 1, "failed"],
    ]);
  });

  it("creates versions only where the job's view may: the claim first, rows in the claim's group", () => {
    const reads = (claim: string | null, denylisted: DenylistEntry[] = []): PublishReads => ({
      denylisted,
      states: [{ ...state(), claim }],
    });
    const s = server("com.example/a", "1.0.0");
    const publicIntoClaimed = planPublishes([{ server: s }], reads("dev"), clock).jobs[0]!;
    expect(publicIntoClaimed.decision).toEqual({
      ok: false,
      status: 403,
      detail: PUBLISH_FAILED,
      message: "namespace com.example is reserved for a private registry",
    });
    expect(publicIntoClaimed.audit.outcome).toBe("denied");
    const intoOtherGroup = planPublishes([{ server: s, group: "prod" }], reads("dev"), clock).jobs[0]!;
    expect(intoOtherGroup.decision).toMatchObject({
      status: 403,
      message: "namespace com.example is not claimed by group prod",
    });
    const intoUnclaimed = planPublishes([{ server: s, group: "prod" }], reads(null), clock).jobs[0]!;
    expect(intoUnclaimed.decision).toMatchObject({ status: 403 });
    const own = planPublishes([{ server: s, group: "dev" }], reads("dev"), clock);
    expect(own.jobs[0]!.decision.ok).toBe(true);
    expect(own.accepted.map((a) => a.group)).toEqual(["dev"]);
    expect(own.summaries.map((summary) => summary.group)).toEqual(["dev"]);
  });
});
