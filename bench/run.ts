// `npm run bench [-- options]`: builds the Worker bundle, serves it with Miniflare directly
// (plus a constant-JSON hello worker on the same runtime), seeds a dataset through the
// project's import path, builds the search index via the cron handler, then drives every
// endpoint with autocannon from a second process and prints one table (also written to
// bench/RESULTS.md). Loopback only; bounded in time and request count. See bench/README.md.
// The start-up is lib/session.ts, the rows are lib/rows.ts (shared with profile.ts).
import { join } from "node:path";
import { runLoad, type Measured } from "./lib/load.ts";
import { markdownTable, statusCounts, tableCells, terminalTable, writeResultsSection, type Row } from "./lib/report.ts";
import { get, warmPaths } from "./lib/requests.ts";
import { rowIds, selectRows, type LoadRow, type RowContext, type RowDef } from "./lib/rows.ts";
import {
  intOption,
  log,
  machineInfo,
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

const USAGE = `usage: npm run bench -- [options]
${sharedUsage({
  duration: "seconds of load per row (default 10)",
  quick: "2 s per row, no load warm-up (smoke run)",
  port: "registry on N, hello on N+1 (default 18787)",
})}
${usageLine("  --only a,b           rows to run: ", rowIds("run"), "(hello always runs)")}
  --against URL        also send the read rows to another registry loaded with the same data
  --trials N           publish → /x/search visibility trials (default 20)
  --no-results         do not write bench/RESULTS.md
  --serve              build, start and seed, then keep serving (no load) until Ctrl-C:
                       for profiling and manual probes
  --profile ROW[,ROW]  instead of the table: V8 CPU profiles of every workerd isolate under one
                       row's load, aggregated into bench/out/profile-<row>.txt (bench/profile.ts;
                       \`npm run bench -- --profile --help\` lists its options)`;

const RUN_OPTIONS = {
  ...SHARED_OPTIONS,
  against: { type: "string" },
  only: { type: "string" },
  trials: { type: "string", default: "20" },
  "no-results": { type: "boolean", default: false },
  serve: { type: "boolean", default: false },
} as const;

interface RunOptions extends SharedOptions {
  against: string | undefined;
  trials: number;
  rows: RowDef[];
  results: boolean;
  serve: boolean;
}

/** The options, or undefined after --help. */
function parseOptions(argv: string[]): RunOptions | undefined {
  const { values } = parseCommandLine(argv, RUN_OPTIONS, USAGE);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  const against = values.against?.replace(/\/$/, "");
  if (against !== undefined && !/^https?:\/\//.test(against)) throw new UsageError("--against must be an http(s) URL");
  const only = values.only?.split(",").map((s) => s.trim());
  return {
    ...readSharedOptions(values, { defaultPort: 18787, ports: 2, maxDuration: 600, usage: USAGE }),
    against,
    trials: intOption("trials", values.trials, 1, 1000, USAGE),
    rows: selectRows("run", only ? ["hello", ...only] : rowIds("run")),
    results: !values["no-results"],
    serve: values.serve,
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring one row

/** What a row adds to the table and to the exit status. */
interface Outcome {
  row: Row;
  /** Publishes answered 200 but missing from D1, or logged twice. */
  lost: number;
  /** Publishes not answered 200 (a publish row that threw counts 1). */
  failed: number;
}

function statusNote(statuses: Record<string, number>): string | undefined {
  const odd = statusCounts(statuses, (s) => s < 200 || s >= 300);
  return odd ? `non-2xx: ${odd}` : undefined;
}

/** After a row saw errors: the same paths, 8 at a time for up to 3 s, until one fails; its body. */
async function sampleFailure(base: string, paths: readonly string[]): Promise<string> {
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

/** Cache fill (or write-path warm-up), warm-up load (reads), measured load, checks, --against. */
async function measureLoad(
  def: LoadRow,
  ctx: RowContext,
  options: RunOptions,
  helloCpu: number | undefined,
): Promise<Outcome> {
  const row: Row = { endpoint: def.label(ctx), notes: [] };
  const plan = await def.plan(ctx);
  const prepared = await plan.prepare();
  if (prepared.skip) return { row: { ...row, notes: [prepared.skip] }, lost: 0, failed: 0 };
  row.notes.push(...prepared.warnings);
  if (def.kind === "read" && options.warmupSeconds > 0) await runLoad(plan.spec(options.warmupSeconds));
  const seconds = Math.min(options.duration, plan.maxSeconds ?? options.duration);
  if (seconds < options.duration) row.notes.push(`${seconds} s (token lifetime)`);
  const spec = plan.spec(seconds);
  const m = await runLoad(spec, plan.server.cpu);
  fill(row, m, helloCpu);
  if (statusNote(m.statuses) && plan.paths) row.notes.push(await sampleFailure(plan.server.url, plan.paths));
  const checked = plan.check ? await plan.check(spec, m) : { notes: [], lost: 0, failed: 0 };
  row.notes.push(...checked.notes);
  if (options.against && def.kind === "read" && def.server === "registry" && plan.paths) {
    await measureAgainst(row, options, plan.paths);
  }
  return { row, lost: checked.lost, failed: checked.failed };
}

/** The same paths, connections and duration against another registry: ours ÷ theirs. */
async function measureAgainst(row: Row, options: RunOptions, paths: readonly string[]): Promise<void> {
  const base = options.against!;
  const probe = await get(`${base}${paths[0]}`).catch((err: unknown) => ({ status: 0, text: String(err) }));
  if (probe.status < 200 || probe.status >= 300) {
    row.againstNote = `n/a (${probe.status === 0 ? "unreachable" : `HTTP ${probe.status}`})`;
    return;
  }
  const spec = (seconds: number) => ({
    kind: "get" as const,
    url: base,
    paths: [...paths],
    connections: options.connections,
    durationSeconds: seconds,
  });
  await warmPaths(base, paths);
  if (options.warmupSeconds > 0) await runLoad(spec(options.warmupSeconds));
  const theirs = await runLoad(spec(options.duration));
  if (row.reqPerSec !== undefined) row.againstReqPerSec = row.reqPerSec / theirs.reqPerSec;
  if (row.p50 !== undefined) row.againstP50 = row.p50 / theirs.p50;
  const note = statusNote(theirs.statuses);
  row.notes.push(
    `against: ${Math.round(theirs.reqPerSec)} req/s, p50 ${theirs.p50.toFixed(2)} ms${note ? `, ${note}` : ""}`,
  );
}

/** Any row; one that throws is reported as failed in its notes, and the run goes on. */
async function measure(
  def: RowDef,
  ctx: RowContext,
  options: RunOptions,
  helloCpu: number | undefined,
): Promise<Outcome> {
  try {
    if ("plan" in def) return await measureLoad(def, ctx, options, helloCpu);
    const row: Row = { endpoint: def.label(ctx), ...(await def.measure(ctx)) };
    if (row.cpuPerRequest !== undefined && helloCpu) row.cpuRatio = row.cpuPerRequest / helloCpu;
    return { row, lost: 0, failed: 0 };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const endpoint = def.label(ctx);
    log(`  ${endpoint} failed: ${message}`);
    return {
      row: { endpoint, notes: [`FAILED: ${message.replace(/\s+/g, " ").slice(0, 200)}`] },
      lost: 0,
      failed: def.kind === "publish" ? 1 : 0,
    };
  }
}

// ---------------------------------------------------------------------------------------------

function commandLine(): string {
  const quoted = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  return `npm run bench${quoted.length > 0 ? ` -- ${quoted.join(" ")}` : ""}`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return 0;
  const startedAt = new Date();
  const session = await startSession({
    shared: options,
    registry: true,
    hello: true,
    inspectors: false,
    bundleDir: "dist",
  });
  const { registry, hello } = session;
  if (!registry || !hello) throw new Error("the session did not start both servers");
  if (options.serve) {
    log(`serving until Ctrl-C: registry ${registry.server.url}, hello ${hello.url}`);
    await new Promise<never>(() => undefined);
  }

  const cpuSoFar = new Map<string, number>();
  const ctx: RowContext = {
    registry: registry.server,
    hello,
    names: registry.names,
    connections: options.connections,
    trials: options.trials,
    entries: registry.dataset.entries,
    cpuSoFar,
  };
  const rows: Row[] = [];
  let helloCpu: number | undefined;
  let lost = 0;
  let failed = 0;
  for (const [i, def] of options.rows.entries()) {
    const what = "what" in def ? def.what(ctx) : `${options.connections} connections, ${options.duration} s`;
    log(`[${i + 1}/${options.rows.length}] ${def.label(ctx)} (${what})`);
    const outcome = await measure(def, ctx, options, helloCpu);
    if (def.id === "hello") {
      helloCpu = outcome.row.cpuPerRequest;
      if (helloCpu !== undefined) outcome.row.cpuRatio = 1;
    }
    if (outcome.row.cpuPerRequest !== undefined) cpuSoFar.set(def.id, outcome.row.cpuPerRequest);
    rows.push(outcome.row);
    lost += outcome.lost;
    failed += outcome.failed;
  }

  const { dataset, catalogue, indexNote } = registry;
  const cells = tableCells(rows, options.against !== undefined);
  const header = [
    `dataset: ${dataset.label} → ${catalogue.versions} versions, ${catalogue.names} names stored (${catalogue.report.rejected.length} rejected by validation)`,
    `load: autocannon, ${options.connections} connections, ${options.duration} s per row${options.warmupSeconds ? ` after a ${options.warmupSeconds} s warm-up` : ""}, loopback; ${indexNote}`,
    ...(options.against
      ? [`against: ${options.against} (ratios are ours ÷ theirs: req/s > 1 and p50 < 1 mean we are faster)`]
      : []),
    `machine: ${machineInfo(session)}`,
  ];
  process.stdout.write(`\n${header.join("\n")}\n\n${terminalTable(cells)}\n`);

  if (options.results) {
    const short = options.duration < 10;
    const title = `## ${dataset.label}${short ? ` — ${options.duration} s rows` : ""}${options.against ? ` vs ${options.against}` : ""}`;
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
      "CPU µs/req: workerd utime+stime of the instance over the load window ÷ responses; CPU ÷ hello: that figure over the hello row's (same runtime, same run). The mirroring row counts versions instead of requests: req/s is versions mirrored per second, CPU µs/req the CPU per mirrored version.",
    ].join("\n");
    const key = `${dataset.key}${short ? "-short" : ""}${options.against ? "-against" : ""}`;
    writeResultsSection(join(ROOT, "bench", "RESULTS.md"), key, section);
    log(`\nwritten to bench/RESULTS.md (section "${key}")`);
  }

  if (lost > 0 || failed > 0) {
    log(`FAIL: ${lost} publishes lost or logged twice, ${failed} publishes not answered 200`);
    return 1;
  }
  return 0;
}

// `--profile <row>`: CPU profiles of the workerd isolates under one row's load (bench/profile.ts).
const argv = process.argv.slice(2);
if (argv.some((a) => a === "--profile" || a.startsWith("--profile="))) {
  const { profileMain } = await import("./profile.ts");
  process.exit(await profileMain(argv));
}
process.exit(await runCommand("bench", main));
