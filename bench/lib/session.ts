// The start-up both commands share (run.ts: the table; profile.ts: CPU profiles): the options
// they have in common, the bundle, port checks, the registry and hello instances, migrations,
// seeding and the search index, and the cleanup of all of it on exit, on error and on
// SIGINT/SIGTERM.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { assertPortFree, BenchError } from "./proc.ts";
import { buildSearchIndex, spread } from "./requests.ts";
import { loadDataset, seed, type Catalogue, type Dataset } from "./seed.ts";
import {
  applyMigrations,
  buildBundle,
  readRegistryConfig,
  startedChildren,
  startHello,
  startRegistry,
  type RegistryConfig,
  type RegistryServer,
  type RunningServer,
} from "./servers.ts";

export const ROOT = join(import.meta.dirname, "..", "..");
export const OUT = join(ROOT, "bench", "out");
export const HOST = "127.0.0.1";
const DEFAULT_DATA = join(ROOT, "..", "shared", "data", "servers.ndjson");
/** detail/versions rotate over at most this many names. */
const MAX_NAMES = 2000;

export const log = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Options

/** A wrong command line: the message and the usage, exit status 2. */
export class UsageError extends BenchError {
  override name = "UsageError";
}

/** The options of both commands (parseArgs specs: each command adds its own). */
export const SHARED_OPTIONS = {
  data: { type: "string" },
  synthetic: { type: "string" },
  seed: { type: "string", default: "42" },
  connections: { type: "string", default: "8" },
  duration: { type: "string" },
  quick: { type: "boolean", default: false },
  port: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsOptionsConfig;

/** The usage lines of SHARED_OPTIONS; `duration`, `quick` and `port` are worded per command. */
export function sharedUsage(text: { duration: string; quick: string; port: string }): string {
  return `  --data FILE          NDJSON of server.json (default ../shared/data/servers.ndjson, with
                       servers.meta.ndjson beside it when present)
  --synthetic N        N generated versions instead (deterministic; --seed S, default 42)
  --connections C      concurrent connections per row (default 8)
  --duration S         ${text.duration}
  --quick              ${text.quick}
  --port N             ${text.port}`;
}

/** `prefix`, then `items` joined by commas and `tail`, wrapped at 96 columns under the descriptions. */
export function usageLine(prefix: string, items: readonly string[], tail = ""): string {
  const pieces = items.map((item, i) => (i < items.length - 1 ? `${item},` : item));
  if (tail) pieces.push(` ${tail}`);
  const lines = [prefix];
  for (const piece of pieces) {
    if (lines.at(-1)!.length + piece.length > 96) lines.push(" ".repeat(23) + piece.trimStart());
    else lines[lines.length - 1] += piece;
  }
  return lines.join("\n");
}

/** parseArgs (strict), with its errors (unknown option, missing value) as UsageError. */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
  }
}

/** An integer option within [min, max], or a UsageError. */
export function intOption(name: string, value: string | undefined, min: number, max: number, usage: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}\n${usage}`);
  }
  return n;
}

export interface SharedOptions {
  connections: number;
  /** Seconds of (measured or profiled) load per row. */
  duration: number;
  /** Seconds of unmeasured load before it (0 with --quick). */
  warmupSeconds: number;
  quick: boolean;
  /** The registry's port; hello is on port + 1 (and the inspectors on + 2, + 3). */
  port: number;
  dataset: { data?: string; synthetic?: number; seed: number };
}

/** What parseArgs gives for SHARED_OPTIONS. */
type SharedValues = {
  [K in keyof typeof SHARED_OPTIONS]?: (typeof SHARED_OPTIONS)[K] extends { type: "boolean" }
    ? boolean | undefined
    : string | undefined;
};

export function readSharedOptions(
  values: SharedValues,
  limits: { defaultPort: number; ports: number; maxDuration: number; usage: string },
): SharedOptions {
  const { usage } = limits;
  const quick = values.quick === true;
  return {
    connections: intOption("connections", values.connections, 1, 256, usage),
    duration:
      values.duration !== undefined
        ? intOption("duration", values.duration, 1, limits.maxDuration, usage)
        : Math.min(quick ? 2 : 10, limits.maxDuration),
    warmupSeconds: quick ? 0 : 2,
    quick,
    port:
      values.port !== undefined
        ? intOption("port", values.port, 1024, 65536 - limits.ports, usage)
        : limits.defaultPort,
    dataset: {
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(values.synthetic !== undefined
        ? { synthetic: intOption("synthetic", values.synthetic, 1, 1_000_000, usage) }
        : {}),
      seed: intOption("seed", values.seed, 1, 2 ** 31, usage),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: dispose what this process started (Miniflare instances, the load-generator child,
// the bundler, the state folder), on success, on error and on SIGINT/SIGTERM.

// Miniflare installs its own SIGINT/SIGTERM hooks that kill workerd and exit at once, so the
// synchronous part (children, the state folder) also runs from the process "exit" event.
const disposers: (() => Promise<void>)[] = [];
const exitCleanups: (() => void)[] = [];
let shuttingDown: Promise<void> | undefined;

function cleanupSync(signal: NodeJS.Signals): void {
  for (const child of startedChildren) child.kill(signal);
  for (const cleanup of exitCleanups.splice(0)) cleanup();
}

function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    for (const child of startedChildren) child.kill("SIGTERM");
    for (const dispose of disposers.splice(0).reverse()) {
      await dispose().catch((err: unknown) => log(`cleanup: ${String(err)}`));
    }
    cleanupSync("SIGTERM");
  })();
  return shuttingDown;
}

/**
 * Runs a command with the cleanup installed; resolves to its exit status: `main`'s, 2 for a
 * UsageError, 1 for any other error (a BenchError without its stack).
 */
export async function runCommand(name: string, main: () => Promise<number>): Promise<number> {
  process.once("exit", () => cleanupSync("SIGKILL"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping`);
      void shutdown().finally(() => process.exit(130));
    });
  }
  try {
    return await main();
  } catch (err) {
    if (err instanceof UsageError) {
      log(err.message);
      return 2;
    }
    const detail =
      err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`${name} failed: ${detail}`);
    return 1;
  } finally {
    await shutdown();
  }
}

/** State folders of earlier runs whose process is gone (a run killed with SIGKILL). */
function removeStaleState(): void {
  mkdirSync(OUT, { recursive: true });
  for (const entry of readdirSync(OUT)) {
    const pid = /^state-(\d+)$/.exec(entry)?.[1];
    if (pid !== undefined && !existsSync(`/proc/${pid}`)) rmSync(join(OUT, entry), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up

export interface SessionOptions {
  shared: SharedOptions;
  /** Start (bundle, seed, index) the registry: rows other than hello need it. */
  registry: boolean;
  hello: boolean;
  /** workerd's V8 inspector on port + 2 (registry) and port + 3 (hello). */
  inspectors: boolean;
  /** Bundle folder below bench/out/ (the profiler uses its own, so it can run beside a bench run). */
  bundleDir: string;
}

/** The seeded registry. */
export interface Seeded {
  server: RegistryServer;
  /** The `wrangler deploy --dry-run` entry module (for source-mapped profiles). */
  bundle: string;
  dataset: Dataset;
  catalogue: Catalogue;
  /** Up to 2,000 readable names spread over the catalogue (detail and versions rotate over them). */
  names: string[];
  /** How the search index was built. */
  indexNote: string;
}

export interface Session {
  config: RegistryConfig;
  registry?: Seeded;
  hello?: RunningServer;
  /** `os.loadavg()` when the session started, before the bundler and the seeding. */
  loadAtStart: string;
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  const loadAtStart = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  const { port } = opts.shared;
  const ports = opts.inspectors ? [port, port + 1, port + 2, port + 3] : [port, port + 1];
  for (const p of ports) await assertPortFree(HOST, p);
  const inspector = (offset: number) => (opts.inspectors ? { inspectorPort: port + offset } : {});
  const inspectorNote = (server: RunningServer) =>
    server.inspectorPort !== undefined ? `, inspector ${HOST}:${server.inspectorPort}` : "";

  const config = await readRegistryConfig(ROOT);
  removeStaleState();
  const session: Session = { config, loadAtStart };

  if (opts.registry) {
    const dataset = loadDataset({ ...opts.shared.dataset, defaultData: DEFAULT_DATA });
    log(`dataset: ${dataset.label}`);
    log(`building the bundle: wrangler deploy --dry-run --outdir bench/out/${opts.bundleDir}`);
    const bundle = await buildBundle(ROOT, join(OUT, opts.bundleDir));
    const stateDir = join(OUT, `state-${process.pid}`);
    exitCleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const server = await startRegistry({ bundle, config, host: HOST, port, stateDir, ...inspector(2) });
    disposers.push(() => server.mf.dispose());
    log(`registry on ${server.url} (workerd pid ${server.cpu.pids.join(",")}${inspectorNote(server)})`);

    const migrations = await applyMigrations(server);
    log(`applied ${migrations.join(", ")}`);
    const seededAt = Date.now();
    const catalogue = await seed(server, dataset);
    log(
      `seeded ${catalogue.versions} versions of ${catalogue.names} names in ${((Date.now() - seededAt) / 1000).toFixed(1)} s (${catalogue.report.rejected.length} rejected)`,
    );
    const names = spread(catalogue.readableNames, MAX_NAMES);
    const indexNote = await buildSearchIndex(server, names[Math.floor(names.length / 2)] ?? "");
    log(indexNote);
    session.registry = { server, bundle, dataset, catalogue, names, indexNote };
  }

  if (opts.hello) {
    const hello = await startHello({
      script: join(ROOT, "bench", "hello-worker.js"),
      host: HOST,
      port: port + 1,
      compatibilityDate: config.compatibilityDate,
      ...inspector(3),
    });
    disposers.push(() => hello.mf.dispose());
    log(`hello on ${hello.url} (workerd pid ${hello.cpu.pids.join(",")}${inspectorNote(hello)})`);
    session.hello = hello;
  }
  return session;
}

// ---------------------------------------------------------------------------------------------
// Machine description (the header of RESULTS.md sections and profile reports)

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

/** CPUs, memory, kernel, load at the start; Node and runtime versions; the commit. */
export function machineInfo(session: Session): string {
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
    `${os.availableParallelism()} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, load average ${session.loadAtStart} at start`,
    `Node ${process.version}, wrangler ${packageVersion(fromHere, "wrangler")}, miniflare ${packageVersion(fromWrangler, "miniflare")}, workerd ${packageVersion(fromWrangler, "workerd")}, autocannon ${packageVersion(fromHere, "autocannon")}`,
    `commit ${commit}${dirty ? " + uncommitted changes" : ""}`,
  ].join("; ");
}
