// `npm run bench [-- options]`: builds the Worker bundle, serves it with Miniflare directly
// (plus a constant-JSON hello worker on the same runtime), seeds a dataset through the
// project's import path, builds the search index via the cron handler, then drives every
// endpoint with autocannon from a second process and prints one table (also written to
// bench/RESULTS.md). Loopback only; bounded in time and request count. See bench/README.md.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runLoad, type LoadSpec, type Measured } from "./lib/load.ts";
import { publishBody } from "./lib/publish-body.ts";
import {
  buildSearchIndex,
  enc,
  get,
  PUBLISH_MANY_NAMES,
  PUBLISH_ONE_NAMES,
  publishToken,
  readRowDefs,
  spread,
  warmPaths,
  type ReadRowDef,
} from "./lib/requests.ts";
import { assertPortFree, BenchError } from "./lib/proc.ts";
import { markdownTable, tableCells, terminalTable, writeResultsSection, type Row } from "./lib/report.ts";
import { loadDataset, seed, type Catalogue } from "./lib/seed.ts";
import {
  applyMigrations,
  buildBundle,
  readRegistryConfig,
  startedChildren,
  startHello,
  startRegistry,
  type RegistryServer,
  type RunningServer,
} from "./lib/servers.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "bench", "out");
const HOST = "127.0.0.1";

const USAGE = `usage: npm run bench -- [options]
  --data FILE          NDJSON of server.json (default ../shared/data/servers.ndjson, with
                       servers.meta.ndjson beside it when present)
  --synthetic N        N generated versions instead (deterministic; --seed S, default 42)
  --connections C      concurrent connections per row (default 8)
  --duration S         seconds of load per row (default 10)
  --quick              2 s per row, no load warm-up (smoke run)
  --against URL        also send the read rows to another registry loaded with the same data
  --only a,b           rows to run: hello,list,latest,substring,search,detail,versions,
                       publish-one,publish-many,visibility,report (hello always runs)
  --trials N           publish → /x/search visibility trials (default 20)
  --port N             registry on N, hello on N+1 (default 18787)
  --no-results         do not write bench/RESULTS.md
  --serve              build, start and seed, then keep serving (no load) until Ctrl-C:
                       for profiling and manual probes
  --profile ROW[,ROW]  instead of the table: V8 CPU profiles of every workerd isolate under one
                       row's load, aggregated into bench/out/profile-<row>.txt (bench/profile.ts;
                       \`npm run bench -- --profile --help\` lists its options)`;

// `--profile <row>`: CPU profiles of the workerd isolates under one row's load (bench/profile.ts).
if (process.argv.slice(2).some((a) => a === "--profile" || a.startsWith("--profile="))) {
  const { profileMain } = await import("./profile.ts");
  process.exit(await profileMain(process.argv.slice(2)));
}

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    synthetic: { type: "string" },
    seed: { type: "string", default: "42" },
    connections: { type: "string", default: "8" },
    duration: { type: "string" },
    quick: { type: "boolean", default: false },
    against: { type: "string" },
    only: { type: "string" },
    trials: { type: "string", default: "20" },
    port: { type: "string", default: "18787" },
    "no-results": { type: "boolean", default: false },
    serve: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function positiveInt(name: string, value: string | undefined, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`--${name} must be an integer from 1 to ${max}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

const options = {
  connections: positiveInt("connections", args.connections, 256),
  duration: args.duration !== undefined ? positiveInt("duration", args.duration, 600) : args.quick ? 2 : 10,
  warmupSeconds: args.quick ? 0 : 2,
  synthetic: args.synthetic !== undefined ? positiveInt("synthetic", args.synthetic, 1_000_000) : undefined,
  seed: positiveInt("seed", args.seed, 2 ** 31),
  trials: positiveInt("trials", args.trials, 1000),
  port: positiveInt("port", args.port, 65534),
  against: args.against?.replace(/\/$/, ""),
  only: args.only ? new Set(args.only.split(",").map((s) => s.trim())) : undefined,
};
if (options.against !== undefined && !/^https?:\/\//.test(options.against)) {
  process.stderr.write(`--against must be an http(s) URL\n`);
  process.exit(2);
}
const wanted = (id: string) => id === "hello" || !options.only || options.only.has(id);
const log = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Shutdown: dispose what this run started (Miniflare instances, the load-generator child, the
// bundler), on success, on error and on SIGINT/SIGTERM.

// Miniflare installs its own SIGINT/SIGTERM hooks that kill workerd and exit at once, so the
// synchronous part (children, the state folder) also runs from the process "exit" event.
const disposers: (() => Promise<void>)[] = [];
const exitCleanups: (() => void)[] = [];
let shuttingDown: Promise<void> | undefined;
function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    for (const child of startedChildren) child.kill("SIGTERM");
    for (const dispose of disposers.reverse()) await dispose().catch((err) => log(`cleanup: ${String(err)}`));
    for (const cleanup of exitCleanups.splice(0)) cleanup();
  })();
  return shuttingDown;
}
process.on("exit", () => {
  for (const child of startedChildren) child.kill("SIGKILL");
  for (const cleanup of exitCleanups.splice(0)) cleanup();
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping`);
    void shutdown().finally(() => process.exit(130));
  });
}

/** State folders of earlier runs whose process is gone (a run killed with SIGKILL). */
function removeStaleState(): void {
  if (!existsSync(OUT)) return;
  for (const entry of readdirSync(OUT)) {
    const pid = /^state-(\d+)$/.exec(entry)?.[1];
    if (pid === undefined || existsSync(`/proc/${pid}`)) continue;
    rmSync(join(OUT, entry), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

/** After a row saw errors: the same paths, 8 at a time for up to 3 s, until one fails; its body. */
async function sampleFailure(base: string, paths: readonly string[]): Promise<string | undefined> {
  const until = Date.now() + 3000;
  let next = 0;
  let found: string | undefined;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (found === undefined && Date.now() < until) {
        const path = paths[next++ % paths.length]!;
        const { status, text } = await get(`${base}${path}`);
        if (status >= 300) found ??= `e.g. ${status} for ${path}: ${text.replace(/\s+/g, " ").slice(0, 160)}`;
      }
    }),
  );
  return found ?? "not reproduced by a 3 s re-run of the same paths";
}

function statusNote(
  statuses: Record<string, number>,
  expected = (s: number) => s >= 200 && s < 300,
): string | undefined {
  const odd = Object.entries(statuses).filter(([s]) => !expected(Number(s)));
  return odd.length === 0 ? undefined : `non-2xx: ${odd.map(([s, n]) => `${s}×${n}`).join(", ")}`;
}

function loadSpec(url: string, paths: string[], seconds = options.duration): LoadSpec {
  return { kind: "get", url, paths, connections: options.connections, durationSeconds: seconds };
}

// ---------------------------------------------------------------------------------------------
// Rows

async function measureRead(server: RunningServer, def: ReadRowDef, helloCpu: number | undefined): Promise<Row> {
  const row: Row = { endpoint: def.endpoint, notes: [] };
  if (def.paths.length === 0) {
    row.notes.push("skipped: no readable names in the dataset");
    return row;
  }
  const warm = await warmPaths(server.url, def.paths);
  if (def.id === "search" && (warm[404] ?? 0) === def.paths.length) {
    row.notes.push("not implemented: /x/search answered 404");
    return row;
  }
  const warmNote = statusNote(warm);
  if (warmNote) row.notes.push(`warm-up ${warmNote}`);
  if (options.warmupSeconds > 0) await runLoad(loadSpec(server.url, def.paths, options.warmupSeconds));
  const m = await runLoad(loadSpec(server.url, def.paths), server.cpu);
  fill(row, m, helloCpu);
  if (statusNote(m.statuses)) {
    const sample = await sampleFailure(server.url, def.paths);
    if (sample) row.notes.push(sample);
  }
  if (options.against && def.id !== "hello") await measureAgainst(row, def);
  return row;
}

function fill(row: Row, m: Measured, helloCpu: number | undefined): void {
  row.reqPerSec = m.reqPerSec;
  row.p50 = m.p50;
  row.p99 = m.p99;
  if (m.cpuPerRequest !== undefined) row.cpuPerRequest = m.cpuPerRequest;
  if (m.cpuPerRequest !== undefined && helloCpu) row.cpuRatio = m.cpuPerRequest / helloCpu;
  const note = statusNote(m.statuses);
  if (note) row.notes.push(note);
  if (m.errors > 0 || m.timeouts > 0) row.notes.push(`errors ${m.errors}, timeouts ${m.timeouts}`);
  row.notes.unshift(`${m.responses.toLocaleString("en-US")} req`);
}

async function measureAgainst(row: Row, def: ReadRowDef): Promise<void> {
  const base = options.against!;
  const probe = await get(`${base}${def.paths[0]}`).catch((err: unknown) => ({ status: 0, text: String(err) }));
  if (probe.status < 200 || probe.status >= 300) {
    row.againstNote = `n/a (${probe.status === 0 ? "unreachable" : `HTTP ${probe.status}`})`;
    return;
  }
  await warmPaths(base, def.paths);
  if (options.warmupSeconds > 0) await runLoad(loadSpec(base, def.paths, options.warmupSeconds));
  const theirs = await runLoad(loadSpec(base, def.paths));
  if (row.reqPerSec !== undefined) row.againstReqPerSec = row.reqPerSec / theirs.reqPerSec;
  if (row.p50 !== undefined) row.againstP50 = row.p50 / theirs.p50;
  const note = statusNote(theirs.statuses);
  row.notes.push(
    `against: ${Math.round(theirs.reqPerSec)} req/s, p50 ${theirs.p50.toFixed(2)} ms${note ? `, ${note}` : ""}`,
  );
}

const PUBLISH_MAX_SECONDS = 280;

interface PublishOutcome {
  lost: number;
  failed: number;
}

/** Publishes under load, then checks D1: every 200 stored, each exactly once in the change log. */
async function measurePublish(
  server: RegistryServer,
  endpoint: string,
  names: string[],
  namePattern: string,
  helloCpu: number | undefined,
): Promise<{ row: Row; outcome: PublishOutcome }> {
  const row: Row = { endpoint, notes: [] };
  const token = await publishToken(server);
  // Warm the write path (Durable Objects, D1 statements) with versions the check ignores.
  for (const [i, name] of spread(names, 16).entries()) {
    await fetch(`${server.url}/v0.1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: publishBody(name, `0.9.${i}`),
    }).then((r) => r.arrayBuffer());
  }
  const spec: LoadSpec = {
    kind: "publish",
    url: server.url,
    token,
    names,
    versionPrefix: "1.0",
    connections: options.connections,
    // Registry tokens live 5 minutes.
    durationSeconds: Math.min(options.duration, PUBLISH_MAX_SECONDS),
  };
  if (options.duration > PUBLISH_MAX_SECONDS) row.notes.push(`${PUBLISH_MAX_SECONDS} s (token lifetime)`);
  const m = await runLoad(spec, server.cpu);
  fill(row, m, helloCpu);
  const db = await server.mf.getD1Database(server.config.d1.binding);
  const rows = await db
    .prepare("SELECT name || '@' || version AS k FROM server_versions WHERE name LIKE ?1 AND version LIKE '1.0.%'")
    .bind(namePattern)
    .all<{ k: string }>();
  const inD1 = new Set(rows.results.map((r) => r.k));
  const dupes = await db
    .prepare(
      "SELECT COUNT(*) AS n FROM (SELECT name, version FROM audit_log WHERE action = 'publish' AND outcome = 'ok' AND name LIKE ?1 AND version LIKE '1.0.%' GROUP BY name, version HAVING COUNT(*) > 1)",
    )
    .bind(namePattern)
    .first<{ n: number }>();
  const ok = m.stored.length;
  const lost = m.stored.filter((k) => !inD1.has(k)).length;
  const failed = m.responses - ok + m.errors + m.timeouts;
  row.notes.push(
    `200: ${ok}, non-200: ${failed}, lost: ${lost}, logged twice: ${dupes?.n ?? 0}, rows ${inD1.size} (+${inD1.size - (ok - lost)} in flight at stop)`,
  );
  return { row, outcome: { lost: lost + (dupes?.n ?? 0), failed } };
}

/** Reports under load into one namespace (each from its own address), then checks D1. */
async function measureReports(server: RegistryServer, helloCpu: number | undefined): Promise<Row> {
  const row: Row = { endpoint: "report (POST /x/reports), 8 names", notes: [] };
  const names = PUBLISH_ONE_NAMES.slice(0, 8);
  // The reported servers must exist (when the publish rows did not run, this creates them).
  const token = await publishToken(server);
  for (const name of names) {
    await fetch(`${server.url}/v0.1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: publishBody(name, "0.0.1"),
    }).then((r) => r.arrayBuffer());
  }
  const db = await server.mf.getD1Database(server.config.d1.binding);
  const count = async () =>
    (await db.prepare("SELECT count(*) AS n FROM reports WHERE details = 'bench'").first<{ n: number }>())?.n ?? 0;
  const before = await count();
  const m = await runLoad(
    { kind: "report", url: server.url, names, connections: options.connections, durationSeconds: options.duration },
    server.cpu,
  );
  fill(row, m, helloCpu);
  const created = m.statuses[201] ?? 0;
  const stored = (await count()) - before;
  row.notes.push(`201: ${created}, stored: ${stored} (+${stored - created} in flight at stop)`);
  return row;
}

async function measureVisibility(server: RegistryServer, trials: number): Promise<Row> {
  const row: Row = { endpoint: "publish → visible in /x/search", notes: [] };
  if ((await get(`${server.url}/x/search?q=probe`)).status === 404) {
    row.notes.push("not implemented: /x/search answered 404");
    return row;
  }
  const token = await publishToken(server);
  const delays: number[] = [];
  const polls: number[] = [];
  let invisible = 0;
  const budgetEnds = Date.now() + 60_000;
  for (let i = 0; i < trials && Date.now() < budgetEnds; i++) {
    const name = `io.bench.visible/fresh-${process.pid}-${Date.now().toString(36)}-${i}`;
    const response = await fetch(`${server.url}/v0.1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: publishBody(name, "1.0.0"),
    });
    await response.arrayBuffer();
    if (response.status !== 200) {
      row.notes.push(`publish answered ${response.status}`);
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
  const pct = (p: number) => delays[Math.min(delays.length - 1, Math.ceil((p / 100) * delays.length) - 1)];
  if (delays.length > 0) {
    row.p50 = pct(50);
    row.notes.push(
      `delay after the publish 200 over ${delays.length} trials: median ${pct(50)!.toFixed(1)} ms, p95 ${pct(95)!.toFixed(1)} ms; found on the first poll ${polls.filter((n) => n === 1).length}/${delays.length}`,
    );
  }
  if (invisible > 0) row.notes.push(`${invisible} not visible within 10 s`);
  return row;
}

// ---------------------------------------------------------------------------------------------

/** The installed version of a package, as `from` resolves it. */
function packageVersion(from: NodeJS.Require, name: string): string {
  try {
    let dir = dirname(from.resolve(name));
    for (;;) {
      const file = join(dir, "package.json");
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? "?";
      }
      if (dirname(dir) === dir) return "?";
      dir = dirname(dir);
    }
  } catch {
    return "?";
  }
}

const loadAtStart = os
  .loadavg()
  .map((n) => n.toFixed(2))
  .join(" ");

function machineInfo(): string {
  const fromHere = createRequire(import.meta.url);
  const fromWrangler = createRequire(fromHere.resolve("wrangler"));
  const git = (...a: string[]) => {
    try {
      return execFileSync("git", a, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  const commit = git("rev-parse", "--short", "HEAD") || "unknown";
  const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return [
    `${os.availableParallelism()} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, load average ${loadAtStart} at start`,
    `Node ${process.version}, wrangler ${packageVersion(fromHere, "wrangler")}, miniflare ${packageVersion(fromWrangler, "miniflare")}, workerd ${packageVersion(fromWrangler, "workerd")}, autocannon ${packageVersion(fromHere, "autocannon")}`,
    `commit ${commit}${dirty ? " + uncommitted changes" : ""}`,
  ].join("; ");
}

function commandLine(): string {
  const quoted = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  return `npm run bench${quoted.length > 0 ? ` -- ${quoted.join(" ")}` : ""}`;
}

/** A row that throws is reported as failed in its notes; the run goes on. */
async function guarded(endpoint: string, measure: () => Promise<Row>): Promise<Row> {
  try {
    return await measure();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`  ${endpoint} failed: ${message}`);
    return { endpoint, notes: [`FAILED: ${message.replace(/\s+/g, " ").slice(0, 200)}`] };
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const regPort = options.port;
  const helloPort = options.port + 1;
  await assertPortFree(HOST, regPort);
  await assertPortFree(HOST, helloPort);

  const dataset = loadDataset({
    ...(args.data !== undefined ? { data: args.data } : {}),
    ...(options.synthetic !== undefined ? { synthetic: options.synthetic } : {}),
    seed: options.seed,
    defaultData: join(ROOT, "..", "shared", "data", "servers.ndjson"),
  });
  log(`dataset: ${dataset.label}`);

  log("building the bundle: wrangler deploy --dry-run --outdir bench/out/dist");
  const bundle = await buildBundle(ROOT, join(OUT, "dist"));
  const config = await readRegistryConfig(ROOT);

  removeStaleState();
  const stateDir = join(OUT, `state-${process.pid}`);
  exitCleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const registry = await startRegistry({ bundle, config, host: HOST, port: regPort, stateDir });
  disposers.push(() => registry.mf.dispose());
  const hello = await startHello({
    script: join(ROOT, "bench", "hello-worker.js"),
    host: HOST,
    port: helloPort,
    compatibilityDate: config.compatibilityDate,
  });
  disposers.push(() => hello.mf.dispose());
  log(
    `registry on ${registry.url} (workerd pid ${registry.cpu.pids.join(",")}), hello on ${hello.url} (workerd pid ${hello.cpu.pids.join(",")})`,
  );

  const migrations = await applyMigrations(registry);
  log(`applied ${migrations.join(", ")}`);
  const seededAt = Date.now();
  const catalogue: Catalogue = await seed(registry, dataset);
  log(
    `seeded ${catalogue.versions} versions of ${catalogue.names} names in ${((Date.now() - seededAt) / 1000).toFixed(1)} s (${catalogue.report.rejected.length} rejected)`,
  );
  const names = spread(catalogue.readableNames, 2000);
  const probeName = names[Math.floor(names.length / 2)] ?? "";
  const indexNote = await buildSearchIndex(registry, probeName);
  log(indexNote);
  if (args.serve) {
    log(`serving until Ctrl-C: registry ${registry.url}, hello ${hello.url}`);
    await new Promise<never>(() => undefined);
  }

  const readRows: ReadRowDef[] = readRowDefs(names);
  const total =
    1 +
    readRows.filter((r) => wanted(r.id)).length +
    ["publish-one", "publish-many", "visibility", "report"].filter(wanted).length;
  let step = 0;
  const progress = (label: string, load = true) =>
    log(`[${++step}/${total}] ${label}${load ? ` (${options.connections} connections, ${options.duration} s)` : ""}`);

  const rows: Row[] = [];
  progress("hello");
  const helloDef = { id: "hello", endpoint: "hello (constant JSON)", paths: ["/"] };
  const helloRow = await guarded(helloDef.endpoint, () => measureRead(hello, helloDef, undefined));
  rows.push(helloRow);
  const helloCpu = helloRow.cpuPerRequest;
  if (helloCpu !== undefined) helloRow.cpuRatio = 1;

  for (const def of readRows) {
    if (!wanted(def.id)) continue;
    progress(def.endpoint);
    rows.push(await guarded(def.endpoint, () => measureRead(registry, def, helloCpu)));
  }

  let lost = 0;
  let failed = 0;
  if (wanted("publish-one")) {
    progress("publish, one namespace");
    const names1 = PUBLISH_ONE_NAMES;
    let outcome: PublishOutcome = { lost: 0, failed: 1 }; // stays failed if the row throws
    rows.push(
      await guarded("publish, 1 namespace (8 names)", async () => {
        const result = await measurePublish(
          registry,
          "publish, 1 namespace (8 names)",
          names1,
          "io.bench.one/%",
          helloCpu,
        );
        outcome = result.outcome;
        return result.row;
      }),
    );
    lost += outcome.lost;
    failed += outcome.failed;
  }
  if (wanted("publish-many")) {
    progress("publish, 64 namespaces");
    const names64 = PUBLISH_MANY_NAMES;
    let outcome: PublishOutcome = { lost: 0, failed: 1 };
    rows.push(
      await guarded("publish, 64 namespaces", async () => {
        const result = await measurePublish(registry, "publish, 64 namespaces", names64, "io.bench.many%", helloCpu);
        outcome = result.outcome;
        return result.row;
      }),
    );
    lost += outcome.lost;
    failed += outcome.failed;
  }
  if (wanted("visibility")) {
    progress(`publish → visible in /x/search (${options.trials} trials)`, false);
    rows.push(await guarded("publish → visible in /x/search", () => measureVisibility(registry, options.trials)));
  }

  if (wanted("report")) {
    progress("report, one namespace");
    rows.push(await guarded("report (POST /x/reports), 8 names", () => measureReports(registry, helloCpu)));
  }

  const cells = tableCells(rows, options.against !== undefined);
  const info = machineInfo();
  const header = [
    `dataset: ${dataset.label} → ${catalogue.versions} versions, ${catalogue.names} names stored (${catalogue.report.rejected.length} rejected by validation)`,
    `load: autocannon, ${options.connections} connections, ${options.duration} s per row${options.warmupSeconds ? ` after a ${options.warmupSeconds} s warm-up` : ""}, loopback; ${indexNote}`,
    ...(options.against
      ? [`against: ${options.against} (ratios are ours ÷ theirs: req/s > 1 and p50 < 1 mean we are faster)`]
      : []),
    `machine: ${info}`,
  ];
  process.stdout.write(`\n${header.join("\n")}\n\n${terminalTable(cells)}\n`);

  if (!args["no-results"]) {
    const title = `## ${dataset.label}${options.duration < 10 ? ` — ${options.duration} s rows` : ""}${options.against ? ` vs ${options.against}` : ""}`;
    const section = [
      title,
      "",
      `Run ${startedAt.toISOString()} with:`,
      "",
      "```sh",
      commandLine(),
      "```",
      "",
      ...header.map((h) => `- ${h}`),
      "",
      markdownTable(cells),
      "",
      "CPU µs/req: workerd utime+stime of the instance over the load window ÷ responses; CPU ÷ hello: that figure over the hello row's (same runtime, same run).",
    ].join("\n");
    const key = `${dataset.key}${options.duration < 10 ? "-short" : ""}${options.against ? "-against" : ""}`;
    writeResultsSection(join(ROOT, "bench", "RESULTS.md"), key, section);
    log(`\nwritten to bench/RESULTS.md (section "${key}")`);
  }

  if (lost > 0 || failed > 0) {
    log(`FAIL: ${lost} publishes lost or logged twice, ${failed} publishes not answered 200`);
    return 1;
  }
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  const detail =
    err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  log(`bench failed: ${detail}`);
  code = 1;
} finally {
  await shutdown();
}
process.exit(code);
