// `npm run bench -- --profile <row>[,<row>…]` (or `node bench/profile.ts <row>…`): where the CPU
// of one benchmark row goes. Same bundle, servers, dataset and rows as `npm run bench` (the
// start-up is lib/session.ts, the rows lib/rows.ts), plus workerd's V8 inspector (Miniflare
// `inspectorPort`): while autocannon drives the row, a sampling CPU profile is taken in every
// relevant isolate of the instance's workerd (the user worker, with its Durable Objects;
// Miniflare's entry worker; the D1 and KV shims), then aggregated into self and total time per
// function and per category. Writes bench/out/profile-<row>.txt and the raw profiles
// (bench/out/profile-<row>-<isolate>.cpuprofile, for Chrome DevTools). Loopback only; each
// profile is bounded (≤ 15 s of load). See bench/README.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { listTargets, MultiProfiler, type CpuProfile, type InspectorTarget } from "./lib/cdp.ts";
import { runLoad, type LoadSpec } from "./lib/load.ts";
import { splitThreads, threadMicros } from "./lib/proc.ts";
import {
  analyse,
  BundleResolver,
  FrameClassifier,
  renderReport,
  type IsolateCapture,
  type ReportContext,
} from "./lib/profile-report.ts";
import { statusCounts } from "./lib/report.ts";
import { rowIds, selectRows, type LoadRow, type RowContext } from "./lib/rows.ts";
import {
  intOption,
  log,
  machineInfo,
  OUT,
  parseCommandLine,
  readSharedOptions,
  ROOT,
  runCommand,
  SHARED_OPTIONS,
  sharedUsage,
  startSession,
  UsageError,
  usageLine,
  type SharedOptions,
} from "./lib/session.ts";

/** `--profile all`: the rows of the performance issue. */
const DEFAULT_SET = ["hello", "detail", "latest", "search", "search-miss", "publish-one"];
const MAX_SECONDS = 15;

const USAGE = `usage: npm run bench -- --profile ROW[,ROW…] [options]
       node bench/profile.ts ROW[,ROW…] [options]
${usageLine("  ROW                  ", rowIds("profile"), "(publish = publish-one);")}
                       "all" = ${DEFAULT_SET.join(",")}.
                       Rows run one at a time, in the table's order (reads first, writes last).
${sharedUsage({
  duration: `seconds of profiled load per row (default 10, at most ${MAX_SECONDS})`,
  quick: "2 s of profiled load, 2 s unprofiled (--meter), no load warm-up",
  port: "registry on N, hello on N+1, their inspectors on N+2 and N+3 (default 18797)",
})}
  --meter S            seconds of unprofiled load before it, for the process CPU (default 3; 0: none)
  --interval US        V8 sampling interval in µs (default 100)
  --targets T          "relevant" (user worker, entry worker, D1, KV, rate-limit shims; default) or "all"
  --top N              rows per function table (default 25)
  --reanalyse          no load: aggregate the profiles saved by an earlier run again
Writes bench/out/profile-<row>.txt and bench/out/profile-<row>-<isolate>.cpuprofile.`;

const PROFILE_OPTIONS = {
  ...SHARED_OPTIONS,
  meter: { type: "string" },
  interval: { type: "string", default: "100" },
  targets: { type: "string", default: "relevant" },
  top: { type: "string", default: "25" },
  reanalyse: { type: "boolean", default: false },
} as const;

interface Options extends SharedOptions {
  rows: LoadRow[];
  reanalyse: boolean;
  topGiven: boolean;
  meter: number;
  interval: number;
  allTargets: boolean;
  top: number;
}

/** The options, or undefined after --help. */
function parseOptions(argv: string[]): Options | undefined {
  // `--profile ROW` (from run.ts) and `--profile=ROW` name rows like positionals; a bare
  // `--profile` (as in `--profile --help`) names none.
  const args = argv.flatMap((a) => (a === "--profile" ? [] : a.startsWith("--profile=") ? [a.slice(10)] : [a]));
  const { values, positionals } = parseCommandLine(args, PROFILE_OPTIONS, USAGE, true);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  const requested = positionals
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean)
    .flatMap((v) => (v === "all" ? DEFAULT_SET : [v]));
  if (requested.length === 0) throw new UsageError(`which row?\n${USAGE}`);
  // Every profiled row is a load (publish → visible and mirroring are not).
  const rows = selectRows("profile", requested).filter((r): r is LoadRow => "plan" in r);
  if (values.targets !== "relevant" && values.targets !== "all") {
    throw new UsageError(`--targets is "relevant" or "all"`);
  }
  const shared = readSharedOptions(values, { defaultPort: 18797, ports: 4, maxDuration: MAX_SECONDS, usage: USAGE });
  return {
    ...shared,
    rows,
    reanalyse: values.reanalyse,
    topGiven: args.some((a) => a === "--top" || a.startsWith("--top=")),
    meter: intOption("meter", values.meter ?? (shared.quick ? "2" : "3"), 0, MAX_SECONDS, USAGE),
    interval: intOption("interval", values.interval, 50, 10_000, USAGE),
    allTargets: values.targets === "all",
    top: intOption("top", values.top, 1, 500, USAGE),
  };
}

/** The isolates worth profiling: the worker (and its Durable Objects), the entry worker, the D1, KV and rate-limit shims. */
function relevant(target: InspectorTarget): boolean {
  return /^core:user:|^core:entry$|^d1:|^kv:|^ratelimit:/.test(target.id);
}

/** One row: cache fill or warm-up, unprofiled load (process CPU), profiled load, the report. */
async function profileRow(
  def: LoadRow,
  ctx: RowContext,
  opts: Options,
  header: string[],
  bundle: string | undefined,
): Promise<{ file?: string; lost: number; failed: number }> {
  const row = def.id;
  const plan = await def.plan(ctx);
  const description = `${def.label(ctx)}: ${plan.requests}`;
  log(`\n[${row}] ${description}`);
  const inspectorPort = plan.server.inspectorPort;
  if (inspectorPort === undefined) throw new Error(`${plan.server.name}: started without an inspector`);
  const prepared = await plan.prepare();
  if (prepared.skip) {
    log(`  ${prepared.skip}: not profiled`);
    return { lost: 0, failed: 0 };
  }
  // Unmeasured warm-up, then the process CPU without the profiler, then the profiled window.
  if (opts.warmupSeconds > 0) await runLoad(plan.spec(opts.warmupSeconds));
  // workerd runs every isolate on its first thread; the profiler adds threads of its own.
  const pid = plan.server.cpu.pids[0]!;
  const threadsPerRequest = async (spec: LoadSpec) => {
    const before = threadMicros(pid);
    const m = await runLoad(spec, plan.server.cpu);
    const split = splitThreads(pid, before, threadMicros(pid));
    const n = Math.max(1, m.responses);
    return {
      m,
      cpu: { total: m.cpuPerRequest, main: split.main / n, mainSystem: split.mainSystem / n, others: split.others / n },
    };
  };
  let unprofiled: Awaited<ReturnType<typeof threadsPerRequest>> | undefined;
  if (opts.meter > 0) unprofiled = await threadsPerRequest(plan.spec(opts.meter));
  const all = await listTargets(inspectorPort);
  const targets = opts.allTargets ? all : all.filter(relevant);
  log(`  inspector targets: ${all.map((t) => t.id).join(", ")}; profiling ${targets.map((t) => t.id).join(", ")}`);
  const profiler = await MultiProfiler.start(targets, opts.interval);
  const spec = plan.spec(opts.duration);
  let profiled: Awaited<ReturnType<typeof threadsPerRequest>>;
  try {
    profiled = await threadsPerRequest(spec);
  } catch (err) {
    await profiler.stop().catch(() => undefined);
    throw err;
  }
  const measured = profiled.m;
  const captures = (await profiler.stop()).map(({ target, profile }) => ({ target: target.id, profile }));
  const fileOf = (target: string) => `profile-${row}-${target.replace(/[^\w.-]+/g, "_")}.cpuprofile`;
  for (const c of captures) writeFileSync(join(OUT, fileOf(c.target)), JSON.stringify(c.profile));
  const checked = plan.check ? await plan.check(spec, measured) : undefined;
  const meta: CaptureMeta = {
    row,
    responses: measured.responses,
    interval: opts.interval,
    top: opts.top,
    ...(bundle ? { bundle } : {}),
    processCpu: { ...(unprofiled ? { unprofiled: unprofiled.cpu } : {}), profiled: profiled.cpu },
    files: captures.map((c) => ({ target: c.target, file: fileOf(c.target) })),
    lines: [
      ...header,
      `row: ${description}`,
      ...(prepared.note ? [prepared.note] : []),
      ...prepared.warnings,
      `profiled load: ${opts.connections} connections, ${opts.duration} s: ${measured.responses.toLocaleString("en-US")} responses (${statusCounts(measured.statuses)}), ${Math.round(measured.reqPerSec)} req/s, p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(1)} ms${measured.errors || measured.timeouts ? `, errors ${measured.errors}, timeouts ${measured.timeouts}` : ""}`,
      ...(checked ? checked.notes.map((note) => `after the profiled load: ${note}`) : []),
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
  for (const note of checked?.notes ?? []) log(`  ${note}`);
  return { file, lost: checked?.lost ?? 0, failed: checked?.failed ?? 0 };
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

async function profile(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (!opts) return 0;
  if (opts.reanalyse) {
    return reanalyse(
      opts.rows.map((r) => r.id),
      opts.topGiven ? opts.top : undefined,
    );
  }
  const session = await startSession({
    shared: opts,
    registry: opts.rows.some((r) => r.server === "registry"),
    hello: opts.rows.some((r) => r.server === "hello"),
    inspectors: true,
    bundleDir: "profile-dist",
  });
  const { registry, hello } = session;
  const header = [
    ...(registry
      ? [
          `dataset: ${registry.dataset.label} → ${registry.catalogue.versions} versions, ${registry.catalogue.names} names; ${registry.indexNote}`,
        ]
      : []),
    `machine: ${machineInfo(session)}`,
  ];
  const ctx: RowContext = {
    registry: registry?.server,
    hello,
    names: registry?.names ?? [],
    connections: opts.connections,
    trials: 0,
  };
  const written: string[] = [];
  let lost = 0;
  let failed = 0;
  for (const def of opts.rows) {
    const result = await profileRow(def, ctx, opts, header, def.server === "registry" ? registry?.bundle : undefined);
    if (result.file) written.push(result.file);
    lost += result.lost;
    failed += result.failed;
  }
  log(`\nwritten: ${written.map((f) => relative(ROOT, f)).join(", ")}`);
  if (lost > 0 || failed > 0) {
    log(`FAIL: ${lost} publishes lost or logged twice, ${failed} publishes not answered 200`);
    return 1;
  }
  return 0;
}

export function profileMain(argv: string[]): Promise<number> {
  return runCommand("profile", () => profile(argv));
}

if (import.meta.main) process.exit(await profileMain(process.argv.slice(2)));
