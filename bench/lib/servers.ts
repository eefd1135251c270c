// The servers under test: the `wrangler deploy --dry-run` bundle of the registry and the
// constant-JSON hello worker, each on its own Miniflare instance (its own workerd process)
// straight on a loopback port — no `wrangler dev` proxy in front.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Miniflare as MiniflareClass, V4MiniflareOptions } from "miniflare";
import { BenchError, CpuMeter, workerdPids } from "./proc.ts";

export const QUIET_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  WRANGLER_LOG: "error",
};
Object.assign(process.env, QUIET_ENV);

const require = createRequire(import.meta.url);

/** wrangler's own copy of Miniflare (v5 beta; the npm `latest` tag of miniflare is an old v4). */
async function loadMiniflare(): Promise<typeof import("miniflare")> {
  const fromWrangler = createRequire(require.resolve("wrangler"));
  return (await import(pathToFileURL(fromWrangler.resolve("miniflare")).href)) as typeof import("miniflare");
}

type Wrangler = typeof import("wrangler");
let wranglerModule: Promise<Wrangler> | undefined;
const loadWrangler = (): Promise<Wrangler> => (wranglerModule ??= import("wrangler"));

/** Child processes this run started and has not seen exit (stopped on SIGINT). */
export const startedChildren = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  startedChildren.add(child);
  child.once("exit", () => startedChildren.delete(child));
  return child;
}

/** `wrangler deploy --dry-run --outdir <outDir>`, on this Node (24), quietly; returns the entry module. */
export function buildBundle(root: string, outDir: string): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  const bin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const args = [bin, "deploy", "--dry-run", "--outdir", outDir, "--config", join(root, "wrangler.toml")];
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, args, {
        cwd: root,
        env: { ...process.env, ...QUIET_ENV },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const entry = join(outDir, "index.js");
      if (code === 0 && existsSync(entry)) resolve(entry);
      else reject(new BenchError(`wrangler deploy --dry-run failed (${signal ?? code})\n${output}`));
    });
  });
}

export interface RegistryConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  d1: { binding: string; id: string; migrationsDir: string };
  kv: { binding: string; id: string };
  durableObjects: Record<string, { className: string; useSQLite: boolean }>;
  /**
   * wrangler.toml's [[ratelimits]] bindings, with limits no benchmark row reaches (the publish
   * and report rows send thousands of writes with one token): the limiter's cost is measured,
   * its refusals are not.
   */
  ratelimits: Record<string, { namespace_id: string; simple: { limit: number; period: 10 | 60 } }>;
  /** The cron schedule scheduled() is triggered with. */
  cron: string;
}

/** The bindings and variables of wrangler.toml, read by wrangler itself. */
export async function readRegistryConfig(root: string): Promise<RegistryConfig> {
  const { unstable_readConfig } = await loadWrangler();
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") }, { hideWarnings: true });
  const d1 = config.d1_databases[0];
  const kv = config.kv_namespaces[0];
  if (!d1 || !kv) throw new Error("wrangler.toml: expected a D1 database and a KV namespace");
  // SQLite-backed classes, followed through renames (NamespaceWriter became StreamWriter).
  const sqliteClasses = new Set<string>();
  for (const m of config.migrations as {
    new_sqlite_classes?: string[];
    renamed_classes?: { from: string; to: string }[];
  }[]) {
    for (const name of m.new_sqlite_classes ?? []) sqliteClasses.add(name);
    for (const { from, to } of m.renamed_classes ?? []) if (sqliteClasses.delete(from)) sqliteClasses.add(to);
  }
  const durableObjects: RegistryConfig["durableObjects"] = {};
  for (const b of config.durable_objects.bindings) {
    durableObjects[b.name] = { className: b.class_name, useSQLite: sqliteClasses.has(b.class_name) };
  }
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.vars))
    vars[key] = typeof value === "string" ? value : JSON.stringify(value);
  return {
    compatibilityDate: config.compatibility_date ?? "2026-10-20",
    compatibilityFlags: config.compatibility_flags,
    vars,
    d1: {
      binding: d1.binding,
      id: d1.database_id ?? d1.database_name ?? "db",
      migrationsDir: join(root, d1.migrations_dir ?? "migrations"),
    },
    kv: { binding: kv.binding, id: kv.id ?? "cache" },
    durableObjects,
    ratelimits: Object.fromEntries(
      config.ratelimits.map((r: { name: string; namespace_id: string; simple: { period: 10 | 60 } }) => [
        r.name,
        { namespace_id: r.namespace_id, simple: { limit: 1_000_000_000, period: r.simple.period } },
      ]),
    ),
    cron: config.triggers.crons?.[0] ?? "*/5 * * * *",
  };
}

export interface RunningServer {
  name: string;
  url: string;
  mf: MiniflareClass;
  /** CPU of the workerd process(es) this instance started. */
  cpu: CpuMeter;
  /** workerd's own V8 inspector (`--inspector-addr`), when started with `inspectorPort`. */
  inspectorPort?: number;
}

async function startInstance(name: string, options: V4MiniflareOptions): Promise<RunningServer> {
  const { Miniflare, convertV4MiniflareOptions } = await loadMiniflare();
  const before = workerdPids();
  const mf = new Miniflare(convertV4MiniflareOptions(options));
  const url = await mf.ready;
  const pids = [...workerdPids()].filter((pid) => !before.has(pid));
  if (pids.length === 0) {
    await mf.dispose();
    throw new Error(`${name}: could not find the workerd process Miniflare started (no /proc?)`);
  }
  const inspectorPort = options.inspectorPort;
  return {
    name,
    url: url.href.replace(/\/$/, ""),
    mf,
    cpu: new CpuMeter(pids),
    ...(inspectorPort !== undefined ? { inspectorPort } : {}),
  };
}

const SHARED = {
  cf: false,
  logRequests: false,
  verbose: false,
  telemetry: { enabled: false },
  unsafeLocalExplorer: false,
} as const;

export interface RegistryServer extends RunningServer {
  jwtPrivateKey: string;
  config: RegistryConfig;
}

export async function startRegistry(opts: {
  bundle: string;
  config: RegistryConfig;
  host: string;
  port: number;
  stateDir: string;
  /** Opens workerd's V8 inspector on this loopback port (every isolate: user worker, D1/KV/DO shims). */
  inspectorPort?: number;
}): Promise<RegistryServer> {
  const { config } = opts;
  rmSync(opts.stateDir, { recursive: true, force: true });
  mkdirSync(opts.stateDir, { recursive: true });
  const jwtPrivateKey = randomBytes(32).toString("hex");
  const server = await startInstance("registry", {
    ...SHARED,
    host: opts.host,
    port: opts.port,
    ...(opts.inspectorPort !== undefined ? { inspectorPort: opts.inspectorPort, inspectorHost: "127.0.0.1" } : {}),
    resourcePersistencePath: opts.stateDir,
    unsafeTriggerHandlers: true, // GET /cdn-cgi/local/scheduled?cron=… runs scheduled()
    workers: [
      {
        name: "mcp-registry",
        modules: true,
        scriptPath: opts.bundle,
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: config.compatibilityFlags,
        bindings: {
          ...config.vars,
          JWT_PRIVATE_KEY: jwtPrivateKey,
          ENABLE_ANONYMOUS_AUTH: "true",
          ENABLE_REGISTRY_VALIDATION: "false",
        },
        d1Databases: { [config.d1.binding]: config.d1.id },
        kvNamespaces: { [config.kv.binding]: config.kv.id },
        durableObjects: config.durableObjects,
        ratelimits: config.ratelimits,
      },
    ],
  });
  return { ...server, jwtPrivateKey, config };
}

export function startHello(opts: {
  script: string;
  host: string;
  port: number;
  compatibilityDate: string;
  inspectorPort?: number;
}): Promise<RunningServer> {
  return startInstance("hello", {
    ...SHARED,
    host: opts.host,
    port: opts.port,
    ...(opts.inspectorPort !== undefined ? { inspectorPort: opts.inspectorPort, inspectorHost: "127.0.0.1" } : {}),
    workers: [{ name: "hello", modules: true, scriptPath: opts.script, compatibilityDate: opts.compatibilityDate }],
  });
}

/** Applies every `NNNN_*.sql` of the migrations folder in order, each file as one D1 batch. */
export async function applyMigrations(server: RegistryServer): Promise<string[]> {
  const { unstable_splitSqlQuery } = await loadWrangler();
  const db = await server.mf.getD1Database(server.config.d1.binding);
  const dir = server.config.d1.migrationsDir;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
  return files;
}

/** Runs the Worker's scheduled() once through Miniflare's trigger endpoint (waits for waitUntil). */
export async function triggerCron(server: RegistryServer, cron: string): Promise<string> {
  const response = await fetch(`${server.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&format=json`);
  const text = await response.text();
  if (!response.ok) throw new Error(`scheduled() failed: ${response.status} ${text}`);
  return text;
}
