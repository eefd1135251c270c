// What an upstream answers never makes a step's work or a source's stored state larger than
// the step asked for: a page with more entries than the limit sent is refused (the step fails
// with the reason, the position stays, nothing of the page is written); a cursor longer than
// 1,024 characters is refused the same way (it would be stored as the position and sent back);
// and every upstream value a skip reason quotes (a status, a timestamp, a name or a version) is
// cut, as is each whole skip, so the recent skips stay small whatever the upstream sends.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_UPSTREAM_CURSOR_LENGTH } from "../worker/src/sync/upstream.ts";
import { jsonReply, stubFetch } from "./helpers/fetch-stub.ts";
import { registerSource, sourceState, stepOnce } from "./helpers/mirror.ts";
import { serverJson } from "./helpers/registry.ts";

const OFFICIAL = "io.modelcontextprotocol.registry/official";
const NOT_FOUND = jsonReply({ title: "Not Found", status: 404 }, 404);

/** One list item, as the official list answers it. */
function item(name: string, version: string, official: Record<string, unknown> = {}) {
  return {
    server: serverJson(name, version),
    _meta: { [OFFICIAL]: { status: "active", publishedAt: "2025-07-01T00:00:00Z", isLatest: true, ...official } },
  };
}

const listOf = (servers: unknown[], nextCursor?: string) =>
  jsonReply({ servers, metadata: { count: servers.length, ...(nextCursor ? { nextCursor } : {}) } });

async function mirroredRows(base: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM server_versions WHERE mirror_source = ?")
    .bind(base)
    .first<{ n: number }>();
  return row!.n;
}

describe("a page with more entries than asked for", () => {
  it("list mode: the step fails with the reason, nothing written, the position kept", async () => {
    const base = "https://oversized-list.upstream.test";
    const servers = Array.from({ length: 1500 }, (_, i) => item(`com.oversized/s${i}`, "1.0.0"));
    stubFetch({
      [`${base}/x/changes`]: NOT_FOUND,
      [`${base}/v0.1/servers`]: listOf(servers, "com.oversized/s1499:1.0.0"),
    });
    const id = await registerSource({ url: base, into: "public" });
    const { summary } = await stepOnce(id, 5);
    expect(summary?.error).toMatch(/answered 1500 entries for limit=100/);
    expect(await sourceState(id)).toMatchObject({
      position: null,
      caughtUp: false,
      lastError: expect.stringMatching(/1500 entries for limit=100/),
      counts: { added: 0, updated: 0, unchanged: 0, skipped: 0 },
    });
    expect(await mirroredRows(base)).toBe(0);
  });

  it("feed mode: the same", async () => {
    const base = "https://oversized-feed.upstream.test";
    const changes = Array.from({ length: 150 }, (_, i) => ({
      cursor: String(i + 1),
      name: `com.oversized-feed/s${i}`,
      version: "1.0.0",
      action: "publish",
      ...item(`com.oversized-feed/s${i}`, "1.0.0"),
    }));
    stubFetch({
      [`${base}/x/changes`]: jsonReply({ changes, metadata: { count: 150, nextCursor: "150", more: true } }),
    });
    const id = await registerSource({ url: base, into: "public" });
    const { summary } = await stepOnce(id, 5);
    expect(summary?.error).toMatch(/answered 150 entries for limit=100/);
    expect(await sourceState(id)).toMatchObject({ position: null, counts: { added: 0 } });
    expect(await mirroredRows(base)).toBe(0);
  });
});

describe("a cursor longer than 1,024 characters", () => {
  it("is refused as an upstream error: nothing of its page written, the position kept", async () => {
    const base = "https://long-cursor.upstream.test";
    const servers = Array.from({ length: 100 }, (_, i) => item(`com.long-cursor/s${i}`, "1.0.0"));
    const cursor = "c".repeat(MAX_UPSTREAM_CURSOR_LENGTH + 1);
    stubFetch({ [`${base}/x/changes`]: NOT_FOUND, [`${base}/v0.1/servers`]: listOf(servers, cursor) });
    const id = await registerSource({ url: base, into: "public" });
    const { summary } = await stepOnce(id, 5);
    expect(summary?.error).toMatch(/a cursor of 1025 characters \(at most 1024\)/);
    expect(summary?.error?.length).toBeLessThanOrEqual(1000);
    expect(await sourceState(id)).toMatchObject({ position: null, counts: { added: 0 } });
    expect(await mirroredRows(base)).toBe(0);
  });

  it("one of 1,024 characters is kept as the position", async () => {
    const base = "https://long-enough-cursor.upstream.test";
    const servers = Array.from({ length: 100 }, (_, i) => item(`com.long-enough/s${i}`, "1.0.0"));
    const cursor = "c".repeat(MAX_UPSTREAM_CURSOR_LENGTH);
    stubFetch({ [`${base}/x/changes`]: NOT_FOUND, [`${base}/v0.1/servers`]: listOf(servers, cursor) });
    const id = await registerSource({ url: base, into: "public" });
    await stepOnce(id, 1);
    expect(await sourceState(id)).toMatchObject({ mode: "list", position: cursor, lastError: null });
  });
});

describe("skips of entries quoting huge upstream values", () => {
  const base = "https://huge-values.upstream.test";
  const huge = (c: string) => c.repeat(400_000);
  let id: string;

  beforeAll(async () => {
    const servers = [
      ...Array.from({ length: 8 }, (_, i) => item(`com.huge/status-${i}`, "1.0.0", { status: huge("s") })),
      item("com.huge/time", "1.0.0", { publishedAt: huge("t") }),
      { server: serverJson(`com.huge/${huge("n")}`, huge("v")), _meta: { [OFFICIAL]: { status: "active" } } },
    ];
    stubFetch({ [`${base}/x/changes`]: NOT_FOUND, [`${base}/v0.1/servers`]: listOf(servers) });
    id = await registerSource({ url: base, into: "public" });
    await stepOnce(id, 5);
  });

  it("are recorded, each value and each skip cut", async () => {
    const state = await sourceState(id);
    expect(state).toMatchObject({ lastError: null, caughtUp: true, counts: { added: 0, skipped: 10 } });
    expect(state.recentSkips).toHaveLength(10);
    for (const skip of state.recentSkips) {
      expect(skip.reason.length).toBeLessThanOrEqual(1100);
      expect((skip.name ?? "").length).toBeLessThanOrEqual(220);
      expect((skip.version ?? "").length).toBeLessThanOrEqual(220);
    }
    const status = state.recentSkips.find((s: any) => s.name === "com.huge/status-0");
    expect(status.reason).toMatch(/^status: expected one of active, deprecated, deleted: "s{200}… \(truncated\)"$/);
    const time = state.recentSkips.find((s: any) => s.name === "com.huge/time");
    expect(time.reason).toMatch(/^publishedAt: not an RFC 3339 timestamp: "t{200}… \(truncated\)"$/);
    const invalid = state.recentSkips.find((s: any) => s.name?.startsWith("com.huge/nnn"));
    expect(invalid.name).toBe(`com.huge/${"n".repeat(191)}… (truncated)`);
    expect(invalid.version).toBe(`${"v".repeat(200)}… (truncated)`);
  });

  it("are stored small", async () => {
    const row = await env.DB.prepare("SELECT length(recent_skips) AS n FROM sources WHERE id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(row!.n).toBeLessThan(20_000);
  });
});
