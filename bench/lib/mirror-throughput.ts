// Mirroring throughput (README "Mirroring upstream registries"): the benchmark's dataset served as
// an official-API upstream from a Node HTTP server on a free loopback port (dataset-upstream.ts),
// registered as a source of the running registry, and mirrored by POST /x/admin/sources/{id}/sync
// steps (what each cron run does) until caught up. Reported: versions written per second of wall
// time, and the registry's workerd CPU per version (utime + stime from /proc, through the
// caller's meter), everything the steps cost included: upstream reads, validation, D1 batches,
// and the catalog clock's cache flushes, which run up to FLUSH_INTERVAL_MS after a step's commit
// (the CPU is read once the registry is idle again). The upstream's own CPU is this Node
// process's, not counted; the search index's rebuild (the next cron run) is not part of it.
import type { ImportEntry } from "../../worker/src/writes/import-entries.ts";
import { serveDatasetUpstream, upstreamRecords } from "./dataset-upstream.ts";
import { call, spread } from "./requests.ts";

export interface MirrorThroughputOptions {
  /** The running registry's base URL (`npm start`, or the bench session's instance). */
  registryUrl: string;
  /** A registry token of an organisation administrator (edit on "*"). */
  adminToken: string;
  /** CPU (µs) the registry's workerd process(es) used so far, e.g. `server.cpu.micros()`. */
  cpuMicros: () => number;
  /** The dataset (the bench session's: servers.ndjson with its official metadata, or synthetic). */
  entries: readonly ImportEntry[];
  /** Loopback address the upstream listens on (a free port is picked). */
  host?: string;
  /** Steps at most before giving up (default 1000). */
  maxSteps?: number;
  log?: (line: string) => void;
}

export interface MirrorThroughput {
  /** Versions the upstream serves. */
  upstreamVersions: number;
  /** Versions the mirror wrote (the rest were skipped, e.g. refused by validation). */
  versions: number;
  skipped: number;
  /** POST …/sync calls until caught up, the upstream pages they read, and the most one step read (MIRROR_PAGES_PER_RUN). */
  steps: number;
  pages: number;
  pagesPerStep: number;
  seconds: number;
  versionsPerSecond: number;
  cpuMicrosPerVersion: number;
  /** The dataset was served under other names (the registry already held it; see below). */
  renamed: boolean;
  notes: string[];
}

/**
 * The entries under names (and remote URL hosts) starting with `prefix`: local names win, so a
 * mirror of names the registry already holds (the bench session's seed, or an earlier run)
 * would only skip. Same sizes, same validation work.
 */
function renamed(entries: readonly ImportEntry[], prefix: string): ImportEntry[] {
  return entries.map((entry) => {
    const server = structuredClone(entry.server) as { name?: unknown; remotes?: { url?: unknown }[] } | null;
    if (server === null || typeof server !== "object" || typeof server.name !== "string") return entry;
    server.name = `${prefix}${server.name}`;
    for (const remote of Array.isArray(server.remotes) ? server.remotes : []) {
      if (typeof remote?.url === "string") remote.url = remote.url.replace("://", `://${prefix}`);
    }
    return { ...entry, server };
  });
}

/**
 * The first name prefix ("" first, then "mirror-bench.", "mirror-bench2.", …) under which the
 * registry holds none of `probe` (names spread over the dataset: one name the seed refused does
 * not make the dataset look absent).
 */
async function freePrefix(base: string, probe: readonly string[]): Promise<string> {
  for (let k = 0; k < 100; k++) {
    const prefix = k === 0 ? "" : `mirror-bench${k === 1 ? "" : k}.`;
    let held = false;
    for (const name of probe) {
      const response = await fetch(`${base}/v0.1/servers/${encodeURIComponent(prefix + name)}/versions`);
      await response.arrayBuffer();
      if (response.status !== 404) {
        held = true;
        break;
      }
    }
    if (!held) return prefix;
  }
  throw new Error("the registry holds the dataset under 100 prefixes: start it with an empty state");
}

/** What the sources API answers (the fields used here). */
interface SourceState {
  id: string;
  counts: { added: number; skipped: number };
}
interface SyncAnswer {
  source: SourceState;
  step: { pages: number; caughtUp: boolean; error: string | null };
}

/** Polls of the CPU meter while waiting for the registry to go idle, and what counts as idle. */
const IDLE_POLL_MS = 500;
const IDLE_MICROS_PER_POLL = 5_000;
const IDLE_MAX_POLLS = 20;
/** The catalog clock's FLUSH_INTERVAL_MS (worker/src/durable/catalog-clock.ts, not importable from Node) plus a poll. */
const IDLE_MIN_MS = 1000 + IDLE_POLL_MS;

/**
 * The meter's reading once the registry is idle: after the last step answered, the catalog
 * clock still flushes (within FLUSH_INTERVAL_MS, 1 s, of the commit: KV deletions of every
 * changed name, the generation token). Idle: one poll interval adds under 1% of a core.
 */
async function idleCpu(cpuMicros: () => number): Promise<number> {
  let last = cpuMicros();
  for (let i = 0; i < IDLE_MAX_POLLS; i++) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    const now = cpuMicros();
    if (now - last < IDLE_MICROS_PER_POLL && (i + 1) * IDLE_POLL_MS >= IDLE_MIN_MS) return now;
    last = now;
  }
  return last;
}

/** Mirrors the dataset into the registry once and measures it. */
export async function measureMirrorThroughput(options: MirrorThroughputOptions): Promise<MirrorThroughput> {
  const log = options.log ?? (() => undefined);
  const base = options.registryUrl.replace(/\/$/, "");
  const original = upstreamRecords(options.entries);
  if (original.rows.length === 0) throw new Error("the dataset has no version with a name and a version");
  const probe = spread([...new Set(original.rows.map((r) => r.name))], 16);
  const prefix = await freePrefix(base, probe);
  const held = prefix !== "";
  const { rows } = held ? upstreamRecords(renamed(options.entries, prefix)) : original;
  const served = await serveDatasetUpstream(rows, options.host ?? "127.0.0.1");
  const notes: string[] = [];
  if (held) notes.push(`the registry already held the dataset: served under "${prefix}" names`);
  if (original.unlisted > 0) notes.push(`${original.unlisted} entries without a name and a version not served`);
  let sourceId: string | undefined;
  try {
    const upstreamVersions = rows.length;
    log(`mirror upstream on ${served.url}: ${upstreamVersions} versions`);
    const source = await call<SourceState>(`${base}/x/admin/sources`, "POST", options.adminToken, {
      url: served.url,
      into: "public",
    });
    sourceId = source.id;
    const cpuBefore = options.cpuMicros();
    const started = performance.now();
    let steps = 0;
    let pages = 0;
    let pagesPerStep = 0;
    let failures = 0;
    let state = source;
    for (;;) {
      if (steps >= (options.maxSteps ?? 1000)) throw new Error(`not caught up after ${steps} steps`);
      const answer = await call<SyncAnswer>(`${base}/x/admin/sources/${sourceId}/sync`, "POST", options.adminToken);
      steps++;
      state = answer.source;
      pages += answer.step.pages;
      pagesPerStep = Math.max(pagesPerStep, answer.step.pages);
      if (answer.step.error !== null) {
        // A cron run of the registry may take the source over for a step: tolerated, counted.
        notes.push(`step ${steps}: ${answer.step.error.slice(0, 200)}`);
        if (++failures > 5) throw new Error(`mirroring keeps failing: ${answer.step.error}`);
        continue;
      }
      if (answer.step.caughtUp) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = (await idleCpu(options.cpuMicros)) - cpuBefore;
    const versions = state.counts.added;
    if (versions === 0) throw new Error("the mirror wrote no version");
    log(`mirrored ${versions} versions in ${steps} steps, ${seconds.toFixed(1)} s`);
    return {
      upstreamVersions,
      versions,
      skipped: state.counts.skipped,
      steps,
      pages,
      pagesPerStep,
      seconds,
      versionsPerSecond: versions / seconds,
      cpuMicrosPerVersion: cpu / versions,
      renamed: held,
      notes,
    };
  } finally {
    // The cron would otherwise keep asking the closed upstream.
    if (sourceId !== undefined) {
      await call<unknown>(`${base}/x/admin/sources/${sourceId}`, "DELETE", options.adminToken).catch(() => undefined);
    }
    await served.close();
  }
}
