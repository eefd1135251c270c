// `npm run bench -- --profile <row>[,<row>…]` (or `node bench/profile.ts <row>…`): where the CPU
// of one benchmark row goes. Same bundle, servers, dataset and load as `npm run bench`, plus
// workerd's V8 inspector (Miniflare `inspectorPort`): while autocannon drives the row, a sampling
// CPU profile is taken in every relevant isolate of the instance's workerd (the user worker, with
// its Durable Objects; Miniflare's entry worker; the D1 and KV shims), then aggregated into self
// and total time per function and per category. Writes bench/out/profile-<row>.txt and the raw
// profiles (bench/out/profile-<row>-<isolate>.cpuprofile, for Chrome DevTools). Loopback only;
// each profile is bounded (≤ 15 s of load). See bench/README.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { listTargets, MultiProfiler, type CpuProfile, type InspectorTarget } from "./lib/cdp.ts";
import { runLoad, type LoadSpec, type Measured } from "./lib/load.ts";
import { assertPortFree, BenchError, splitThreads, threadMicros } from "./lib/proc.ts";
import {
  analyse,
  BundleResolver,
  FrameClassifier,
  renderReport,
  type IsolateCapture,
  type ReportContext,
} from "./lib/profile-report.ts";
import { publishBody } from "./lib/publish-body.ts";
import {
  buildSearchIndex,
  PUBLISH_MANY_NAMES,
  PUBLISH_ONE_NAMES,
  publishToken,
  readRowDefs,
  SEARCH_QUERIES,
  spread,
  uncachedSearchPaths,
  warmPaths,
} from "./lib/requests.ts";
import { loadDataset, seed } from "./lib/seed.ts";
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
const READ_ROWS = ["list", "latest", "substring", "search", "detail", "versions"];
/** search-miss: /x/search with the answer cache defeated (the ranking itself). */
const ALL_ROWS = ["hello", ...READ_ROWS, "search-miss", "publish-one", "publish-many"];
/** `--profile all`: the rows of the performance issue. */
const DEFAULT_SET = ["hello", "detail", "latest", "search", "search-miss", "publish-one"];
const MAX_SECONDS = 15;

const USAGE = `usage: npm run bench -- --profile ROW[,ROW…] [options]
       node bench/profile.ts ROW[,ROW…] [options]
  ROW                  ${ALL_ROWS.join(", ")} (publish = publish-one);
                       "all" = ${DEFAULT_SET.join(",")}. Rows run one at a time, publish rows last.
  --data FILE          NDJSON of server.json (default ../shared/data/servers.ndjson)
  --synthetic N        N generated versions instead (--seed S, default 42)
  --duration S         seconds of profiled load per row (default 10, at most ${MAX_SECONDS})
  --meter S            seconds of unprofiled load before it, for the process CPU (default 3; 0: none)
  --interval US        V8 sampling interval in µs (default 100)
  --connections C      concurrent connections (default 8)
  --targets T          "relevant" (user worker, entry worker, D1 and KV shims; default) or "all"
  --top N              rows per function table (default 25)
  --port N             registry on N, hello on N+1, their inspectors on N+2 and N+3 (default 18797)
  --reanalyse          no load: aggregate the profiles saved by an earlier run again
Writes bench/out/profile-<row>.txt and bench/out/profile-<row>-<isolate>.cpuprofile.`;

interface Options {
  rows: string[];
  reanalyse: boolean;
  topGiven: boolean;
  duration: number;
  meter: number;
  interval: number;
  connections: number;
  allTargets: boolean;
  top: number;
  port: number;
  data?: string;
  synthetic?: number;
  seed: number;
}

function parseOptions(argv: string[]): Options | number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: "string" },
      data: { type: "string" },
      synthetic: { type: "string" },
      seed: { type: "string", default: "42" },
      duration: { type: "string", default: "10" },
      meter: { type: "string", default: "3" },
      interval: { type: "string", default: "100" },
      connections: { type: "string", default: "8" },
      targets: { type: "string", default: "relevant" },
      top: { type: "string", default: "25" },
      port: { type: "string", default: "18797" },
      reanalyse: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || values.profile === "--help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const int = (name: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new BenchError(`--${name} must be an integer from ${min} to ${max}\n${USAGE}`);
    return n;
  };
  const requested = [values.profile, ...positionals]
    .filter((v): v is string => v !== undefined)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean)
    .flatMap((v) => (v === "all" ? DEFAULT_SET : v === "publish" ? ["publish-one"] : [v]));
  if (requested.length === 0) throw new BenchError(`which row? ${USAGE}`);
  const unknown = requested.filter((r) => !ALL_ROWS.includes(r));
  if (unknown.length > 0)
    throw new BenchError(`unknown row(s) ${unknown.join(", ")}: one of ${ALL_ROWS.join(", ")}, all`);
  // Reads before writes: a publish changes the catalogue generation, which empties the read caches.
  const rows = ALL_ROWS.filter((r) => requested.includes(r));
  if (values.targets !== "relevant" && values.targets !== "all")
    throw new BenchError(`--targets is "relevant" or "all"`);
  return {
    rows,
    reanalyse: values.reanalyse,
    topGiven: argv.some((a) => a === "--top" || a.startsWith("--top=")),
    duration: int("duration", values.duration, 1, MAX_SECONDS),
    meter: int("meter", values.meter, 0, MAX_SECONDS),
    interval: int("interval", values.interval, 50, 10_000),
    connections: int("connections", values.connections, 1, 256),
    allTargets: values.targets === "all",
    top: int("top", values.top, 1, 500),
    port: int("port", values.port, 1024, 65530),
    ...(values.data !== undefined ? { data: values.data } : {}),
    ...(values.synthetic !== undefined ? { synthetic: int("synthetic", values.synthetic, 1, 1_000_000) } : {}),
    seed: int("seed", values.seed, 1, 2 ** 31),
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The isolates worth profiling: the worker (and its Durable Objects), the entry worker, the D1 and KV shims. */
function relevant(target: InspectorTarget): boolean {
  return /^core:user:|^core:entry$|^d1:|^kv:/.test(target.id);
}

interface Workload {
  server: RunningServer;
  inspectorPort: number;
  description: string;
  /** A fresh load spec for `seconds` (publish rows need unique versions per run). */
  spec: (seconds: number) => LoadSpec;
  prepare: () => Promise<string | undefined>;
}

async function profileRow(
  row: string,
  work: Workload,
  opts: Options,
  header: string[],
  bundle: string | undefined,
): Promise<string> {
  log(`\n[${row}] ${work.description}`);
  const prepared = await work.prepare();
  // Unmeasured warm-up, then the process CPU without the profiler, then the profiled window.
  await runLoad(work.spec(2));
  // workerd runs every isolate on its first thread; the profiler adds threads of its own.
  const pid = work.server.cpu.pids[0]!;
  const threadsPerRequest = async (spec: LoadSpec) => {
    const before = threadMicros(pid);
    const m = await runLoad(spec, work.server.cpu);
    const split = splitThreads(pid, before, threadMicros(pid));
    const n = Math.max(1, m.responses);
    return {
      m,
      cpu: { total: m.cpuPerRequest, main: split.main / n, mainSystem: split.mainSystem / n, others: split.others / n },
    };
  };
  let unprofiled: Awaited<ReturnType<typeof threadsPerRequest>> | undefined;
  if (opts.meter > 0) unprofiled = await threadsPerRequest(work.spec(opts.meter));
  const all = await listTargets(work.inspectorPort);
  const targets = opts.allTargets ? all : all.filter(relevant);
  log(`  inspector targets: ${all.map((t) => t.id).join(", ")}; profiling ${targets.map((t) => t.id).join(", ")}`);
  const profiler = await MultiProfiler.start(targets, opts.interval);
  let profiled: Awaited<ReturnType<typeof threadsPerRequest>>;
  try {
    profiled = await threadsPerRequest(work.spec(opts.duration));
  } catch (err) {
    await profiler.stop().catch(() => undefined);
    throw err;
  }
  const measured: Measured = profiled.m;
  const captures = (await profiler.stop()).map(({ target, profile }) => ({ target: target.id, profile }));
  for (const c of captures) {
    writeFileSync(
      join(OUT, `profile-${row}-${c.target.replace(/[^\w.-]+/g, "_")}.cpuprofile`),
      JSON.stringify(c.profile),
    );
  }
  const statuses = Object.entries(measured.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(", ");
  const meta: CaptureMeta = {
    row,
    responses: measured.responses,
    interval: opts.interval,
    top: opts.top,
    ...(bundle ? { bundle } : {}),
    processCpu: { ...(unprofiled ? { unprofiled: unprofiled.cpu } : {}), profiled: profiled.cpu },
    files: captures.map((c) => ({
      target: c.target,
      file: `profile-${row}-${c.target.replace(/[^\w.-]+/g, "_")}.cpuprofile`,
    })),
    lines: [
      ...header,
      `row: ${work.description}`,
      ...(prepared ? [prepared] : []),
      `profiled load: ${opts.connections} connections, ${opts.duration} s: ${measured.responses.toLocaleString("en-US")} responses (${statuses}), ${Math.round(measured.reqPerSec)} req/s, p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(1)} ms${measured.errors || measured.timeouts ? `, errors ${measured.errors}, timeouts ${measured.timeouts}` : ""}`,
      ...(unprofiled
        ? [
            `unprofiled load before it: ${opts.meter} s, ${unprofiled.m.responses.toLocaleString("en-US")} responses, ${Math.round(unprofiled.m.reqPerSec)} req/s, p50 ${unprofiled.m.p50.toFixed(2)} ms`,
          ]
        : []),
      `inspector targets of this workerd: ${all.map((t) => t.id).join(", ")}; profiled: ${targets.map((t) => t.id).join(", ")}`,
    ],
  };
  writeFileSync(join(OUT, `profile-${row}.json`), `${JSON.stringify(meta, null, 1)}\n`);
  const { file, busyPerRequest } = writeReport(meta, captures);
  log(
    `  ${measured.responses} responses; workerd CPU µs/req: unprofiled ${unprofiled?.cpu.total?.toFixed(0) ?? "?"} (main thread ${unprofiled?.cpu.main.toFixed(0) ?? "?"}), profiled ${profiled.cpu.total?.toFixed(0) ?? "?"} (main thread ${profiled.cpu.main.toFixed(0)}); isolates busy ${busyPerRequest.toFixed(0)} µs/req → ${file}`,
  );
  return file;
}

/** What a capture needs to be aggregated again later (`--reanalyse`): bench/out/profile-<row>.json. */
interface CaptureMeta {
  row: string;
  responses: number;
  interval: number;
  top: number;
  bundle?: string;
  processCpu: ReportContext["processCpu"];
  files: { target: string; file: string }[];
  lines: string[];
}

/** Aggregates the captures of one row into bench/out/profile-<row>.txt. */
function writeReport(meta: CaptureMeta, captures: IsolateCapture[]): { file: string; busyPerRequest: number } {
  const bundle = meta.bundle && existsSync(meta.bundle) ? new BundleResolver(meta.bundle, ROOT) : undefined;
  const analysis = analyse(captures, {
    responses: meta.responses,
    requestedIntervalMicros: meta.interval,
    classifier: new FrameClassifier(bundle),
  });
  const report = renderReport(analysis, {
    title: `CPU profile: ${meta.row}`,
    lines: meta.lines,
    processCpu: meta.processCpu,
    top: meta.top,
    minShare: 0.02,
    breakdowns: 12,
  });
  const file = join(OUT, `profile-${meta.row}.txt`);
  writeFileSync(file, `${report}\n`);
  const busy = analysis.isolates.reduce((s, i) => s + i.busy, 0);
  return { file, busyPerRequest: (busy * analysis.periodMicros) / Math.max(1, meta.responses) };
}

/** `--reanalyse`: the report again from the saved profiles (after changing the aggregation, or --top). */
function reanalyse(rows: string[], top: number | undefined): number {
  for (const row of rows) {
    const metaFile = join(OUT, `profile-${row}.json`);
    if (!existsSync(metaFile)) {
      log(`${metaFile}: no saved capture of ${row}`);
      return 1;
    }
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as CaptureMeta;
    if (top !== undefined) meta.top = top;
    const captures = meta.files.map(({ target, file }) => ({
      target,
      profile: JSON.parse(readFileSync(join(OUT, file), "utf8")) as CpuProfile,
    }));
    const { file } = writeReport(meta, captures);
    log(`${row}: ${file}`);
  }
  return 0;
}

export async function profileMain(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    const parsed = parseOptions(argv);
    if (typeof parsed === "number") return parsed;
    opts = parsed;
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (opts.reanalyse) return reanalyse(opts.rows, opts.topGiven ? opts.top : undefined);

  const disposers: (() => Promise<void>)[] = [];
  let stateDir: string | undefined;
  const cleanupSync = () => {
    for (const child of startedChildren) child.kill("SIGKILL");
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  process.once("exit", cleanupSync);
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      for (const child of startedChildren) child.kill("SIGTERM");
      for (const dispose of disposers.reverse()) await dispose().catch((err) => log(`cleanup: ${String(err)}`));
      cleanupSync();
    })());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping`);
      void shutdown().finally(() => process.exit(130));
    });
  }

  try {
    const needHello = opts.rows.includes("hello");
    const needRegistry = opts.rows.some((r) => r !== "hello");
    const ports = {
      registry: opts.port,
      hello: opts.port + 1,
      registryInspector: opts.port + 2,
      helloInspector: opts.port + 3,
    };
    for (const port of Object.values(ports)) await assertPortFree(HOST, port);
    mkdirSync(OUT, { recursive: true });
    for (const entry of readdirSync(OUT)) {
      const pid = /^state-(\d+)$/.exec(entry)?.[1];
      if (pid !== undefined && !existsSync(`/proc/${pid}`)) rmSync(join(OUT, entry), { recursive: true, force: true });
    }

    const config = await readRegistryConfig(ROOT);
    const header: string[] = [];
    const machine = `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? "CPU"}, load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")} at start, Node ${process.version}`;
    let registry: RegistryServer | undefined;
    let bundle: string | undefined;
    let names: string[] = [];
    if (needRegistry) {
      const dataset = loadDataset({
        ...(opts.data !== undefined ? { data: opts.data } : {}),
        ...(opts.synthetic !== undefined ? { synthetic: opts.synthetic } : {}),
        seed: opts.seed,
        defaultData: join(ROOT, "..", "shared", "data", "servers.ndjson"),
      });
      log(`dataset: ${dataset.label}`);
      log("building the bundle: wrangler deploy --dry-run --outdir bench/out/profile-dist");
      bundle = await buildBundle(ROOT, join(OUT, "profile-dist"));
      stateDir = join(OUT, `state-${process.pid}`);
      registry = await startRegistry({
        bundle,
        config,
        host: HOST,
        port: ports.registry,
        stateDir,
        inspectorPort: ports.registryInspector,
      });
      const reg = registry;
      disposers.push(() => reg.mf.dispose());
      log(
        `registry on ${registry.url} (workerd pid ${registry.cpu.pids.join(",")}, inspector 127.0.0.1:${ports.registryInspector})`,
      );
      await applyMigrations(registry);
      const catalogue = await seed(registry, dataset);
      names = spread(catalogue.readableNames, 2000);
      const indexNote = await buildSearchIndex(registry, names[Math.floor(names.length / 2)] ?? "");
      log(indexNote);
      header.push(`dataset: ${dataset.label} → ${catalogue.versions} versions, ${catalogue.names} names; ${indexNote}`);
    }
    let hello: RunningServer | undefined;
    if (needHello) {
      hello = await startHello({
        script: join(ROOT, "bench", "hello-worker.js"),
        host: HOST,
        port: ports.hello,
        compatibilityDate: config.compatibilityDate,
        inspectorPort: ports.helloInspector,
      });
      const h = hello;
      disposers.push(() => h.mf.dispose());
      log(
        `hello on ${hello.url} (workerd pid ${hello.cpu.pids.join(",")}, inspector 127.0.0.1:${ports.helloInspector})`,
      );
    }
    header.push(`machine: ${machine}`);

    const readDefs = new Map(readRowDefs(names).map((d) => [d.id, d]));
    const written: string[] = [];
    for (const row of opts.rows) {
      let work: Workload;
      const get = (server: RunningServer, inspectorPort: number, description: string, paths: string[]): Workload => ({
        server,
        inspectorPort,
        description,
        spec: (seconds) => ({
          kind: "get",
          url: server.url,
          paths,
          connections: opts.connections,
          durationSeconds: seconds,
        }),
        prepare: async () => {
          const warm = await warmPaths(server.url, paths);
          return `cache fill: ${paths.length} path(s) requested once (${Object.entries(warm)
            .map(([s, n]) => `${s}×${n}`)
            .join(", ")})`;
        },
      });
      if (row === "hello") {
        work = get(hello!, ports.helloInspector, "GET / on the constant-JSON hello worker", ["/"]);
      } else if (READ_ROWS.includes(row)) {
        const def = readDefs.get(row)!;
        work = get(
          registry!,
          ports.registryInspector,
          `${def.endpoint}: ${def.paths[0]}${def.paths.length > 1 ? ` … (${def.paths.length} paths rotated)` : ""}`,
          def.paths,
        );
      } else if (row === "search-miss") {
        const reg = registry!;
        let run = 0;
        work = {
          server: reg,
          inspectorPort: ports.registryInspector,
          description: `/x/search?q=<${SEARCH_QUERIES.length} queries, each request with a new punctuation prefix: no answer-cache hit>`,
          spec: (seconds) => ({
            kind: "get",
            url: reg.url,
            paths: uncachedSearchPaths(run++),
            connections: opts.connections,
            durationSeconds: seconds,
          }),
          prepare: async () => {
            // The prefix must not change the answer: compare the result names of each query with and without it.
            const differ: string[] = [];
            const probe = uncachedSearchPaths(999, 1);
            for (const [i, q] of SEARCH_QUERIES.entries()) {
              const names = async (path: string) =>
                (
                  (
                    JSON.parse(await (await fetch(`${reg.url}${path}`)).text()) as {
                      results?: { server: { name: string } }[];
                    }
                  ).results ?? []
                )
                  .map((r) => r.server.name)
                  .join(",");
              if ((await names(`/x/search?q=${encodeURIComponent(q)}`)) !== (await names(probe[i]!))) differ.push(q);
            }
            return differ.length === 0
              ? "prefix check: every query answers the same results with and without its punctuation prefix"
              : `prefix check: DIFFERENT results with the prefix for ${differ.join(", ")}`;
          },
        };
      } else {
        const reg = registry!;
        const publishNames = row === "publish-one" ? PUBLISH_ONE_NAMES : PUBLISH_MANY_NAMES;
        const token = await publishToken(reg);
        let run = 0;
        work = {
          server: reg,
          inspectorPort: ports.registryInspector,
          description: `POST /v0.1/publish, unique versions of ${publishNames.length} names (${publishNames[0]} …)`,
          // A new minor per load run: every version is new.
          spec: (seconds) => ({
            kind: "publish",
            url: reg.url,
            token,
            names: publishNames,
            versionPrefix: `${++run + 1}.0`,
            connections: opts.connections,
            durationSeconds: seconds,
          }),
          prepare: async () => {
            for (const [i, name] of spread(publishNames, 16).entries()) {
              const r = await fetch(`${reg.url}/v0.1/publish`, {
                method: "POST",
                headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                body: publishBody(name, `0.9.${i}`),
              });
              await r.arrayBuffer();
              if (r.status !== 200) throw new BenchError(`warm-up publish answered ${r.status}`);
            }
            return "write path warmed with 16 sequential publishes";
          },
        };
      }
      written.push(await profileRow(row, work, opts, header, row === "hello" ? undefined : bundle));
    }
    log(`\nwritten: ${written.map((f) => f.replace(`${ROOT}`, "")).join(", ")}`);
    return 0;
  } catch (err) {
    log(
      `profile failed: ${err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  } finally {
    await shutdown();
  }
}

if (import.meta.main) process.exit(await profileMain(process.argv.slice(2)));
