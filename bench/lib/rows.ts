// The benchmark's rows: one table that the runner (run.ts) and the profiler (profile.ts) both
// iterate. A row names its server, what it sends (a load plan: fresh autocannon specs, the
// preparation before any load, the checks after it) or, for the rows that are not a load
// (publish → visible, mirroring), its own measurement.
import type { ImportEntry } from "../../worker/src/writes/import-entries.ts";
import type { LoadSpec, Measured } from "./load.ts";
import { measureMirrorThroughput } from "./mirror-throughput.ts";
import { BenchError } from "./proc.ts";
import { statusCounts, type Row } from "./report.ts";
import { adminToken, enc, get, groupReadSetup, publishOnce, publishToken, spread, warmPaths } from "./requests.ts";
import type { RegistryServer, RunningServer } from "./servers.ts";
import { log, UsageError } from "./session.ts";

/** run: the table (run.ts); profile: `--profile` (profile.ts). */
export type Mode = "run" | "profile";

export interface RowContext {
  registry?: RegistryServer | undefined;
  hello?: RunningServer | undefined;
  /** Readable names of the seeded catalogue (detail and versions rotate over them). */
  names: readonly string[];
  connections: number;
  /** publish → visible: how many trials. */
  trials: number;
  /** The seeded dataset (the mirroring row serves it as an upstream). */
  entries?: readonly ImportEntry[];
  /** CPU µs/req of the rows measured so far in this run, by id (the mirroring row compares with publish). */
  cpuSoFar?: ReadonlyMap<string, number>;
}

export interface Prepared {
  /** What the preparation did, for the profile report. */
  note: string;
  /** For the row's notes (the cache fill saw non-2xx answers). */
  warnings: string[];
  /** Why the row cannot be measured: reported instead of run. */
  skip?: string;
}

export interface Checked {
  notes: string[];
  /** Publishes answered 200 but missing from D1, or logged twice. */
  lost: number;
  /** Publishes not answered 200. */
  failed: number;
}

/** A load row made ready on a running server. */
export interface LoadPlan<S extends LoadSpec = LoadSpec> {
  server: RunningServer;
  /** What the row sends, in words. */
  requests: string;
  /** GET rows with fixed paths: the paths (failure samples, --against). */
  paths?: readonly string[];
  /** Each load run at most this long (registry tokens live 5 minutes). */
  maxSeconds?: number;
  /** Before any load: fill the caches or warm the write path. */
  prepare(): Promise<Prepared>;
  /** A spec for one load run of `seconds`; each call a fresh one (new versions, new cache keys). */
  spec(seconds: number): S;
  /** After the measured run: what D1 holds. */
  check?(spec: S, measured: Measured): Promise<Checked>;
}

interface RowBase {
  id: string;
  /** Other ids that select this row (`publish` = `publish-one`). */
  aliases?: readonly string[];
  server: "hello" | "registry";
  modes: readonly Mode[];
  /** The endpoint column of the table. */
  label(ctx: RowContext): string;
}

export interface LoadRow extends RowBase {
  kind: "read" | "publish" | "report";
  plan(ctx: RowContext): Promise<LoadPlan>;
}

/** What a row that is not a load fills in: the columns it has a figure for, and its notes. */
export type Measurement = Pick<Row, "reqPerSec" | "p50" | "cpuPerRequest"> & { notes: string[] };

/** A row that is not a load: it measures itself (run mode only). */
export interface MeasuredRow extends RowBase {
  kind: "visibility" | "mirror" | "pages";
  /** What the run does, for the progress line ("20 trials"). */
  what(ctx: RowContext): string;
  measure(ctx: RowContext): Promise<Measurement>;
}

export type RowDef = LoadRow | MeasuredRow;

// ---------------------------------------------------------------------------------------------
// What the rows send

const SUBSTRING_WORDS = ["github", "mcp", "server", "ai", "weather", "postgres", "slack", "api"];
const SEARCH_QUERIES = [
  "postgres",
  "send slack message",
  "kubernets",
  "github pull requests",
  "weather forecast",
  "file system",
  "browser automation",
  "notion pages",
  "jira tickets",
  "web search",
  "docker",
  "stripe payments",
  "aws s3 buckets",
  "google calendar",
  "memory knowledge graph",
  "sql datab",
];

const PUNCTUATION = [".", ",", ";", "!", "?", "~"];

/**
 * `/x/search` paths that never hit the per-isolate answer cache: the same 16 queries, each
 * prefixed with a distinct run of punctuation ("!?.; postgres"). The tokenizer only reads letter
 * and digit runs, so the ranking work and the answer are those of the plain query, but the
 * cache key (the normalized q) differs. `run` picks a disjoint range of prefixes.
 */
function uncachedSearchPaths(run: number, perQuery = 4000): string[] {
  const paths: string[] = [];
  for (let k = 0; k < perQuery; k++) {
    let v = run * perQuery + k + 1;
    let prefix = "";
    while (v > 0) {
      prefix += PUNCTUATION[v % PUNCTUATION.length];
      v = Math.floor(v / PUNCTUATION.length);
    }
    for (const q of SEARCH_QUERIES) paths.push(`/x/search?q=${enc(`${prefix} ${q}`)}`);
  }
  return paths;
}

/** The names of the one-namespace and many-namespace publish rows (and of the reported servers). */
const PUBLISH_ONE_NAMES = Array.from({ length: 8 }, (_, i) => `io.bench.one/server-${i}`);
const PUBLISH_MANY_NAMES = Array.from({ length: 64 }, (_, i) => `io.bench.many${i}/server`);
/** Registry tokens live 5 minutes. */
const PUBLISH_MAX_SECONDS = 280;

function registryOf(ctx: RowContext): RegistryServer {
  if (!ctx.registry) throw new BenchError("this row needs the registry, which was not started");
  return ctx.registry;
}

function serverOf(def: RowBase, ctx: RowContext): RunningServer {
  if (def.server === "registry") return registryOf(ctx);
  if (!ctx.hello) throw new BenchError("this row needs the hello worker, which was not started");
  return ctx.hello;
}

// ---------------------------------------------------------------------------------------------
// Kinds of rows

const BOTH: readonly Mode[] = ["run", "profile"];

/** GET rows: every distinct path once (the cache fill), then the paths rotated per request. */
function readRow(
  id: string,
  label: string | ((ctx: RowContext) => string),
  paths: (ctx: RowContext) => string[],
  opts: { server?: "hello" | "registry"; optional?: boolean } = {},
): LoadRow {
  const def: LoadRow = {
    id,
    kind: "read",
    server: opts.server ?? "registry",
    modes: BOTH,
    label: typeof label === "string" ? () => label : label,
    plan: async (ctx) => {
      const server = serverOf(def, ctx);
      const rotated = paths(ctx);
      const unique = new Set(rotated).size;
      return {
        server,
        requests: `GET ${rotated[0] ?? "(nothing)"}${rotated.length > 1 ? ` … (${rotated.length} paths rotated)` : ""}`,
        paths: rotated,
        prepare: async () => {
          if (rotated.length === 0)
            return { note: "", warnings: [], skip: "skipped: no readable names in the dataset" };
          const warm = await warmPaths(server.url, rotated);
          if (opts.optional && (warm[404] ?? 0) === unique) {
            return { note: "", warnings: [], skip: `not implemented: ${rotated[0]!.split("?")[0]} answered 404` };
          }
          const odd = statusCounts(warm, (s) => s < 200 || s >= 300);
          return {
            note: `cache fill: ${unique} path(s) requested once (${statusCounts(warm)})`,
            warnings: odd ? [`warm-up non-2xx: ${odd}`] : [],
          };
        },
        spec: (seconds) => ({
          kind: "get",
          url: server.url,
          paths: rotated,
          connections: ctx.connections,
          durationSeconds: seconds,
        }),
      };
    },
  };
  return def;
}

/**
 * A private group's list page read with a personal access token: the group includes the whole
 * public catalogue ("*") plus a few private servers, so its page is the size of the public one
 * and the difference is the token check and the view.
 */
const groupReadRow: LoadRow = {
  id: "group-list",
  kind: "read",
  server: "registry",
  modes: BOTH,
  label: () => "private group list page, with a PAT",
  plan: async (ctx) => {
    const server = registryOf(ctx);
    const { path, headers } = await groupReadSetup(server);
    return {
      server,
      requests: `GET ${path} (Authorization: Bearer mcpr_pat_…)`,
      paths: [path],
      prepare: async () => {
        const warm = await warmPaths(server.url, [path], headers);
        const odd = statusCounts(warm, (s) => s < 200 || s >= 300);
        return { note: `cache fill: ${statusCounts(warm)}`, warnings: odd ? [`warm-up non-2xx: ${odd}`] : [] };
      },
      spec: (seconds) => ({
        kind: "get",
        url: server.url,
        paths: [path],
        headers,
        connections: ctx.connections,
        durationSeconds: seconds,
      }),
    };
  },
};

/**
 * A conditional read that hits: the list page with If-None-Match equal to its current ETag, so
 * every answer is a bodiless 304 (the `list` row reads the same page answered 200). The page's
 * tag is read in the preparation; the rows before the writes leave the catalogue unchanged.
 */
const notModifiedRow: LoadRow = {
  id: "list-304",
  kind: "read",
  server: "registry",
  modes: BOTH,
  label: () => "list page /v0.1/servers, If-None-Match → 304",
  plan: async (ctx) => {
    const server = registryOf(ctx);
    const path = "/v0.1/servers";
    let headers: Record<string, string> = {};
    return {
      server,
      requests: `GET ${path} (If-None-Match: its current ETag)`,
      prepare: async () => {
        const first = await fetch(`${server.url}${path}`);
        await first.arrayBuffer();
        const etag = first.headers.get("etag");
        if (first.status !== 200 || etag === null) {
          return { note: "", warnings: [], skip: `not implemented: ${path} answered ${first.status} without an ETag` };
        }
        headers = { "if-none-match": etag };
        const again = await fetch(`${server.url}${path}`, { headers });
        await again.arrayBuffer();
        if (again.status !== 304) {
          return { note: "", warnings: [], skip: `not implemented: If-None-Match ${etag} answered ${again.status}` };
        }
        return { note: `If-None-Match: ${etag} answered 304`, warnings: [] };
      },
      spec: (seconds) => ({
        kind: "get",
        url: server.url,
        paths: [path],
        headers,
        connections: ctx.connections,
        durationSeconds: seconds,
      }),
      // Every answer must be the 304 (a 200 would mean the tag changed under load).
      check: async (_spec, m) => ({
        notes: [
          `304 (expected): ${(m.statuses[304] ?? 0).toLocaleString("en-US")} of ${m.responses.toLocaleString("en-US")}`,
        ],
        lost: 0,
        failed: 0,
      }),
    };
  },
};

type PublishSpec = Extract<LoadSpec, { kind: "publish" }>;
type ReportSpec = Extract<LoadSpec, { kind: "report" }>;

/** Publishes of unique versions under load; then every 200 must be in D1, audited once. */
function publishRow(id: string, label: string, names: string[], namePattern: string, aliases?: string[]): LoadRow {
  return {
    id,
    ...(aliases ? { aliases } : {}),
    kind: "publish",
    server: "registry",
    modes: BOTH,
    label: () => label,
    plan: async (ctx): Promise<LoadPlan<PublishSpec>> => {
      const server = registryOf(ctx);
      const token = await publishToken(server);
      let run = 0;
      return {
        server,
        requests: `POST /v0.1/publish, unique versions of ${names.length} names (${names[0]} …)`,
        maxSeconds: PUBLISH_MAX_SECONDS,
        prepare: async () => {
          // Warm the write path (Durable Objects, D1 statements) with versions the check ignores.
          const warm = spread(names, 16);
          for (const [i, name] of warm.entries()) {
            const status = await publishOnce(server, token, name, `0.9.${i}`);
            if (status !== 200) throw new BenchError(`warm-up publish of ${name} answered ${status}`);
          }
          return { note: `write path warmed with ${warm.length} sequential publishes`, warnings: [] };
        },
        // A new major per load run: every version is new.
        spec: (seconds) => ({
          kind: "publish",
          url: server.url,
          token,
          names,
          versionPrefix: `${++run}.0`,
          connections: ctx.connections,
          durationSeconds: seconds,
        }),
        check: (spec, measured) => checkPublishes(server, namePattern, spec, measured),
      };
    },
  };
}

async function checkPublishes(
  server: RegistryServer,
  namePattern: string,
  spec: PublishSpec,
  m: Measured,
): Promise<Checked> {
  const db = await server.mf.getD1Database(server.config.d1.binding);
  const versions = `${spec.versionPrefix}.%`;
  const rows = await db
    .prepare("SELECT name || '@' || version AS k FROM server_versions WHERE name LIKE ?1 AND version LIKE ?2")
    .bind(namePattern, versions)
    .all<{ k: string }>();
  const inD1 = new Set(rows.results.map((r) => r.k));
  const dupes = await db
    .prepare(
      "SELECT COUNT(*) AS n FROM (SELECT name, version FROM audit_log WHERE action = 'publish' AND outcome = 'ok' AND name LIKE ?1 AND version LIKE ?2 GROUP BY name, version HAVING COUNT(*) > 1)",
    )
    .bind(namePattern, versions)
    .first<{ n: number }>();
  const ok = m.stored.length;
  const lost = m.stored.filter((k) => !inD1.has(k)).length;
  const twice = dupes?.n ?? 0;
  const failed = m.responses - ok + m.errors + m.timeouts;
  return {
    notes: [
      `200: ${ok}, non-200: ${failed}, lost: ${lost}, logged twice: ${twice}, rows ${inD1.size} (+${inD1.size - (ok - lost)} in flight at stop)`,
    ],
    lost: lost + twice,
    failed,
  };
}

/** Reports under load into one namespace, each from its own address; then the count in D1. */
const reportRow: LoadRow = {
  id: "report",
  kind: "report",
  server: "registry",
  modes: BOTH,
  label: () => "report (POST /x/reports), 8 names",
  plan: async (ctx): Promise<LoadPlan<ReportSpec>> => {
    const server = registryOf(ctx);
    const names = PUBLISH_ONE_NAMES.slice(0, 8);
    let run = 0;
    return {
      server,
      requests: `POST /x/reports on ${names.length} names (${names[0]} …), each request from its own address`,
      prepare: async () => {
        // The reported servers must exist (when the publish rows did not run, this creates them).
        const token = await publishToken(server);
        for (const name of names) await publishOnce(server, token, name, "0.0.1");
        return { note: `the ${names.length} reported names published (0.0.1)`, warnings: [] };
      },
      // Each load run's reports carry their own details, which the check counts.
      spec: (seconds) => ({
        kind: "report",
        url: server.url,
        names,
        details: `bench ${++run}`,
        connections: ctx.connections,
        durationSeconds: seconds,
      }),
      check: async (spec, m) => {
        const db = await server.mf.getD1Database(server.config.d1.binding);
        const stored =
          (
            await db
              .prepare("SELECT count(*) AS n FROM reports WHERE details = ?1")
              .bind(spec.details)
              .first<{ n: number }>()
          )?.n ?? 0;
        const created = m.statuses[201] ?? 0;
        return {
          notes: [`201: ${created}, stored: ${stored} (+${stored - created} in flight at stop)`],
          lost: 0,
          failed: 0,
        };
      },
    };
  },
};

/** /x/search with the answer cache defeated: the ranking and rendering themselves. */
const searchMissRow: LoadRow = {
  id: "search-miss",
  kind: "read",
  server: "registry",
  modes: ["profile"],
  label: () => `/x/search?q=<${SEARCH_QUERIES.length} queries>, no answer-cache hit`,
  plan: async (ctx) => {
    const server = registryOf(ctx);
    let run = 0;
    return {
      server,
      requests: `GET /x/search?q=<${SEARCH_QUERIES.length} queries, each request with a new punctuation prefix>`,
      prepare: async () => {
        // The prefix must not change the answer: compare the result names of each query with and without it.
        const resultNames = async (path: string) => {
          const { text } = await get(`${server.url}${path}`);
          const body = JSON.parse(text) as { results?: { server: { name: string } }[] };
          return (body.results ?? []).map((r) => r.server.name).join(",");
        };
        const differ: string[] = [];
        const probe = uncachedSearchPaths(999, 1);
        for (const [i, q] of SEARCH_QUERIES.entries()) {
          if ((await resultNames(`/x/search?q=${enc(q)}`)) !== (await resultNames(probe[i]!))) differ.push(q);
        }
        return differ.length === 0
          ? {
              note: "prefix check: every query answers the same results with and without its punctuation prefix",
              warnings: [],
            }
          : { note: `prefix check: DIFFERENT results with the prefix for ${differ.join(", ")}`, warnings: [] };
      },
      spec: (seconds) => ({
        kind: "get",
        url: server.url,
        paths: uncachedSearchPaths(run++),
        connections: ctx.connections,
        durationSeconds: seconds,
      }),
    };
  },
};

/** Publish a fresh name, poll /x/search until it shows: the delay after the 200, over `trials`. */
const visibilityRow: MeasuredRow = {
  id: "visibility",
  kind: "visibility",
  server: "registry",
  modes: ["run"],
  label: () => "publish → visible in /x/search",
  what: (ctx) => `${ctx.trials} trials`,
  measure: async (ctx) => {
    const server = registryOf(ctx);
    const notes: string[] = [];
    if ((await get(`${server.url}/x/search?q=probe`)).status === 404) {
      return { notes: ["not implemented: /x/search answered 404"] };
    }
    const token = await publishToken(server);
    const delays: number[] = [];
    const polls: number[] = [];
    let invisible = 0;
    const budgetEnds = Date.now() + 60_000;
    for (let i = 0; i < ctx.trials && Date.now() < budgetEnds; i++) {
      const name = `io.bench.visible/fresh-${process.pid}-${Date.now().toString(36)}-${i}`;
      const status = await publishOnce(server, token, name, "1.0.0");
      if (status !== 200) {
        notes.push(`publish answered ${status}`);
        break;
      }
      const published = performance.now();
      let seen = false;
      let n = 0;
      while (performance.now() - published < 10_000) {
        n++;
        const { status, text } = await get(`${server.url}/x/search?q=${enc(name)}`);
        if (status === 200 && text.includes(`"name":"${name}"`)) {
          seen = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (!seen) {
        invisible++;
        if (invisible >= 3 && delays.length === 0) break;
        continue;
      }
      delays.push(performance.now() - published);
      polls.push(n);
    }
    delays.sort((a, b) => a - b);
    const pct = (p: number) => delays[Math.min(delays.length - 1, Math.ceil((p / 100) * delays.length) - 1)]!;
    if (delays.length > 0) {
      notes.push(
        `delay after the publish 200 over ${delays.length} trials: median ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms; found on the first poll ${polls.filter((n) => n === 1).length}/${delays.length}`,
      );
    }
    if (invisible > 0) notes.push(`${invisible} not visible within 10 s`);
    return delays.length > 0 ? { p50: pct(50), notes } : { notes };
  },
};

/**
 * The seeded dataset mirrored from an upstream (a Node server answering the official list API,
 * mirror-throughput.ts) by POST /x/admin/sources/{id}/sync steps until caught up: versions per
 * second in the req/s column, CPU µs per mirrored version in the CPU column (÷ hello as for the
 * other rows; the notes add ÷ publish, a version arriving through the API). Names the registry
 * already holds are served under a prefix (local names win: they would only be skipped).
 */
const mirrorRow: MeasuredRow = {
  id: "mirror",
  kind: "mirror",
  server: "registry",
  modes: ["run"],
  label: () => "mirror an upstream (…/sources/{id}/sync), per version",
  what: (ctx) => `${ctx.entries?.length ?? 0} versions mirrored once`,
  measure: async (ctx) => {
    const server = registryOf(ctx);
    if (!ctx.entries || ctx.entries.length === 0) return { notes: ["skipped: no dataset"] };
    const m = await measureMirrorThroughput({
      registryUrl: server.url,
      adminToken: await adminToken(server),
      cpuMicros: () => server.cpu.micros(),
      entries: ctx.entries,
      log: (line) => log(`  ${line}`),
    });
    const notes = [
      `${m.versions.toLocaleString("en-US")} versions mirrored of ${m.upstreamVersions.toLocaleString("en-US")} served, ${m.skipped} skipped`,
      `${m.steps} steps of ≤ ${m.pagesPerStep} pages (${m.pages} pages of ≤ 100) in ${m.seconds.toFixed(1)} s`,
    ];
    const publishCpu = ctx.cpuSoFar?.get("publish-one");
    if (publishCpu) notes.push(`CPU ÷ publish (1 namespace): ${(m.cpuMicrosPerVersion / publishCpu).toFixed(2)}×`);
    notes.push(...m.notes);
    return { reqPerSec: m.versionsPerSecond, cpuPerRequest: m.cpuMicrosPerVersion, notes };
  },
};

// ---------------------------------------------------------------------------------------------
// The web pages and the MCP endpoint

/** A server's page: its name's one slash stays a path separator. */
function serverPagePath(name: string): string {
  return `/server/${name.split("/").map(enc).join("/")}`;
}

/** MCP tools/call search_servers over the search row's queries, as the SDK's client sends it. */
function searchToolCall(q: string, id: number): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "search_servers", arguments: { query: q, limit: 10 } },
  });
}

const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-11-25",
};

/**
 * The MCP endpoint's tool call: stateless Streamable HTTP, one JSON-RPC request per POST. The
 * `mcp-api` row reads what the tool reads (/x/search with limit 10), so the two rows give the
 * protocol's cost on top of the API call behind it.
 */
const mcpToolRow: LoadRow = {
  id: "mcp",
  kind: "read",
  server: "registry",
  modes: BOTH,
  label: () => `MCP tools/call search_servers (${SEARCH_QUERIES.length} queries)`,
  plan: async (ctx) => {
    const server = registryOf(ctx);
    const bodies = SEARCH_QUERIES.map((q, i) => searchToolCall(q, i + 1));
    return {
      server,
      requests: `POST /mcp ${bodies[0]} … (${bodies.length} bodies rotated)`,
      prepare: async () => {
        const statuses: Record<number, number> = {};
        for (const body of bodies) {
          const response = await fetch(`${server.url}/mcp`, { method: "POST", headers: MCP_HEADERS, body });
          const text = await response.text();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status !== 200 || !text.includes('"structuredContent"')) {
            return {
              note: "",
              warnings: [],
              skip: `not implemented: /mcp answered ${response.status}: ${text.slice(0, 120)}`,
            };
          }
        }
        return { note: `cache fill: ${bodies.length} calls (${statusCounts(statuses)})`, warnings: [] };
      },
      spec: (seconds) => ({
        kind: "post",
        url: server.url,
        path: "/mcp",
        bodies,
        headers: MCP_HEADERS,
        connections: ctx.connections,
        durationSeconds: seconds,
      }),
    };
  },
};

/** Pages measured for their size: the home page, every server's page, the guide and the API reference. */
const pageSizeRow: MeasuredRow = {
  id: "page-size",
  kind: "pages",
  server: "registry",
  modes: ["run"],
  label: () => "largest HTML page (every server page, home, guide, /docs)",
  what: (ctx) => `${ctx.names.length + 3} pages read once`,
  measure: async (ctx) => {
    const server = registryOf(ctx);
    const paths = ["/", "/guide", "/docs", ...ctx.names.map(serverPagePath)];
    let largest = { bytes: 0, path: "" };
    let total = 0;
    const statuses: Record<number, number> = {};
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < paths.length) {
          const path = paths[next++]!;
          const response = await fetch(`${server.url}${path}`);
          const bytes = (await response.arrayBuffer()).byteLength;
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          total += bytes;
          if (bytes > largest.bytes) largest = { bytes, path };
        }
      }),
    );
    return {
      notes: [
        `largest: ${(largest.bytes / 1024).toFixed(1)} KB (${largest.path}); mean ${(total / paths.length / 1024).toFixed(1)} KB over ${paths.length} pages (${statusCounts(statuses)})`,
      ],
    };
  },
};

// ---------------------------------------------------------------------------------------------
// The table, in the order rows run (reads before writes: a publish changes the catalogue
// generation, which empties the read caches; the mirror last: it adds the whole dataset again).

export const ROWS: readonly RowDef[] = [
  readRow("hello", "hello (constant JSON)", () => ["/"], { server: "hello" }),
  readRow("list", "list page /v0.1/servers", () => ["/v0.1/servers"]),
  notModifiedRow,
  readRow("latest", "list ?version=latest&limit=100", () => ["/v0.1/servers?version=latest&limit=100"]),
  readRow("substring", `substring ?search=<${SUBSTRING_WORDS.length} words>`, () =>
    SUBSTRING_WORDS.map((w) => `/v0.1/servers?search=${enc(w)}`),
  ),
  readRow(
    "search",
    `/x/search?q=<${SEARCH_QUERIES.length} queries>`,
    () => SEARCH_QUERIES.map((q) => `/x/search?q=${enc(q)}`),
    { optional: true },
  ),
  readRow(
    "detail",
    (ctx) => `detail …/versions/latest (${ctx.names.length} names)`,
    (ctx) => ctx.names.map((n) => `/v0.1/servers/${enc(n)}/versions/latest`),
  ),
  readRow(
    "versions",
    (ctx) => `versions …/versions (${ctx.names.length} names)`,
    (ctx) => ctx.names.map((n) => `/v0.1/servers/${enc(n)}/versions`),
  ),
  groupReadRow,
  readRow("home", "home page / (HTML)", () => ["/"]),
  readRow("search-page", `search page /?q=<${SEARCH_QUERIES.length} queries> (HTML)`, () =>
    SEARCH_QUERIES.map((q) => `/?q=${enc(q)}`),
  ),
  readRow(
    "server-page",
    (ctx) => `server page /server/{name} (${ctx.names.length} names, HTML)`,
    (ctx) => ctx.names.map(serverPagePath),
  ),
  readRow("mcp-api", `/x/search?q=<${SEARCH_QUERIES.length} queries>&limit=10 (what the MCP tool reads)`, () =>
    SEARCH_QUERIES.map((q) => `/x/search?q=${enc(q)}&limit=10`),
  ),
  mcpToolRow,
  pageSizeRow,
  searchMissRow,
  publishRow("publish-one", "publish, 1 namespace (8 names)", PUBLISH_ONE_NAMES, "io.bench.one/%", ["publish"]),
  publishRow("publish-many", "publish, 64 namespaces", PUBLISH_MANY_NAMES, "io.bench.many%"),
  visibilityRow,
  reportRow,
  mirrorRow,
];

/** The ids of the rows of `mode`, in table order. */
export function rowIds(mode: Mode): string[] {
  return ROWS.filter((r) => r.modes.includes(mode)).map((r) => r.id);
}

/** The rows of `mode` named by `ids` (or their aliases), in table order; a UsageError for any other id. */
export function selectRows(mode: Mode, ids: readonly string[]): RowDef[] {
  const rows = ROWS.filter((r) => r.modes.includes(mode));
  const named = (r: RowDef, id: string) => r.id === id || (r.aliases?.includes(id) ?? false);
  const unknown = ids.filter((id) => !rows.some((r) => named(r, id)));
  if (unknown.length > 0)
    throw new UsageError(`unknown row(s) ${unknown.join(", ")}: one of ${rowIds(mode).join(", ")}`);
  return rows.filter((r) => ids.some((id) => named(r, id)));
}
