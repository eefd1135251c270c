// A mirror step cut short anywhere resumes without loss or duplicates: each page's rows and the
// source's new position commit in one D1 batch, so whether the upstream fails mid-step, a batch
// fails, or a batch commits but its answer is lost, the next run continues after the last page
// that committed. In the end the mirror equals the upstream, and every version was written once
// (one feed row each, cause "mirror").
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { registerSource, serveUpstreams, sourceState, stepOnce } from "./helpers/mirror.ts";
import { official, serverJson, walkList } from "./helpers/registry.ts";

const VERSIONS = 3;
const NAMES = 150; // 450 versions: 5 pages of 100

function upstreamOf(label: string): FakeUpstream {
  const upstream = new FakeUpstream(`https://${label}.upstream.test`);
  for (let n = 0; n < NAMES; n++) {
    for (let v = 1; v <= VERSIONS; v++) {
      const name = `com.${label}/server-${String(n).padStart(3, "0")}`;
      upstream.publish(serverJson(name, `${v}.0.0`) as never, Date.UTC(2025, 0, 1, 0, n, v) * 1000);
    }
  }
  return upstream;
}

const PAGE_COMMIT = Symbol("a mirror page's batch");

/**
 * The real D1, whose `nth` page commit (a batch marking its feed cause; reads are batches too)
 * fails: before it runs, or after it committed (`lost`).
 */
function dbFailingBatch(nth: number, lost: boolean): D1Database {
  let commits = 0;
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!sql.startsWith("INSERT INTO feed_cause")) return statement;
          return Object.assign(Object.create(statement), {
            bind: (...args: unknown[]) => Object.assign(statement.bind(...args), { [PAGE_COMMIT]: true }),
          });
        };
      }
      if (prop !== "batch") return Reflect.get(target, prop);
      return async (statements: D1PreparedStatement[]) => {
        if (!statements.some((s) => PAGE_COMMIT in s) || ++commits !== nth) return target.batch(statements);
        if (lost) await target.batch(statements);
        throw new Error("D1_ERROR: Network connection lost.");
      };
    },
  });
}

async function expectConverged(upstream: FakeUpstream, id: string, label: string) {
  for (let run = 0; run < 5 && !(await sourceState(id)).caughtUp; run++) await stepOnce(id, 10);
  const state = await sourceState(id);
  expect(state).toMatchObject({ caughtUp: true, lastError: null });
  expect(state.counts).toMatchObject({ added: NAMES * VERSIONS, updated: 0, skipped: 0 });

  const { items } = await walkList(`search=com.${label}/&include_deleted=true`, 100);
  const { body } = upstream.list(new URLSearchParams({ limit: "100", include_deleted: "true" }));
  const theirs = [...JSON.parse(body).servers];
  for (let cursor = JSON.parse(body).metadata.nextCursor; cursor; ) {
    const page = JSON.parse(upstream.list(new URLSearchParams({ limit: "100", include_deleted: "true", cursor })).body);
    theirs.push(...page.servers);
    cursor = page.metadata.nextCursor;
  }
  expect(items.map((i) => [i.server, official(i)])).toEqual(theirs.map((i) => [i.server, official(i)]));

  // Written once each: one feed row per version, a publish caused by the mirror.
  const feed = await env.DB.prepare(
    `SELECT name, version, action, cause, count(*) AS n FROM catalog_feed WHERE mirror_source = ?
      GROUP BY name, version, action, cause`,
  )
    .bind(upstream.base)
    .all<{ action: string; cause: string; n: number }>();
  expect(feed.results).toHaveLength(NAMES * VERSIONS);
  for (const row of feed.results) expect(row).toMatchObject({ action: "publish", cause: "mirror", n: 1 });
}

describe("a mirror step cut short", () => {
  it("resumes after the upstream failed mid-step", async () => {
    const upstream = upstreamOf("resume-fetch");
    serveUpstreams(upstream);
    const id = await registerSource({ url: upstream.base, into: "public" });
    // Request 1 is the feed probe; 2, 3 the first list pages; 4 fails.
    upstream.failWhen = (_url, n) => n === 4;
    await stepOnce(id, 10);
    const state = await sourceState(id);
    expect(state.lastError).toMatch(/connection reset/);
    expect(state.counts.added).toBe(200);
    expect(state.position).toBe("com.resume-fetch/server-066:2.0.0");
    upstream.failWhen = undefined;
    await expectConverged(upstream, id, "resume-fetch");
    // The failed page was asked for again, from the saved cursor, and nothing before it.
    const listed = upstream.seen.filter((s) => s.url.startsWith("/v0.1/servers"));
    expect(listed.map((s) => new URL(`https://x${s.url}`).searchParams.get("cursor"))).toEqual([
      null,
      "com.resume-fetch/server-033:1.0.0",
      "com.resume-fetch/server-066:2.0.0",
      "com.resume-fetch/server-066:2.0.0",
      "com.resume-fetch/server-099:3.0.0",
      "com.resume-fetch/server-133:1.0.0",
    ]);
  });

  it("resumes after a page's batch failed", async () => {
    const upstream = upstreamOf("resume-batch");
    serveUpstreams(upstream);
    const id = await registerSource({ url: upstream.base, into: "public" });
    await stepOnce(id, 10, { DB: dbFailingBatch(3, false) });
    const state = await sourceState(id);
    expect(state.lastError).toMatch(/Network connection lost/);
    expect(state.counts.added).toBe(200);
    await expectConverged(upstream, id, "resume-batch");
  });

  it("resumes after a page's batch committed but its answer was lost", async () => {
    const upstream = upstreamOf("resume-lost");
    serveUpstreams(upstream);
    const id = await registerSource({ url: upstream.base, into: "public" });
    await stepOnce(id, 10, { DB: dbFailingBatch(3, true) });
    const state = await sourceState(id);
    expect(state.lastError).toMatch(/Network connection lost/);
    expect(state.counts.added).toBe(300);
    await expectConverged(upstream, id, "resume-lost");
  });
});
