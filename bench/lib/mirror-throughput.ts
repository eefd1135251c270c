// Mirroring throughput (README "Mirroring upstream registries"): the real dataset served as an
// official-API upstream from a Node HTTP server on a free loopback port (the tests' fake
// upstream: test/helpers/fake-upstream.ts), registered as a source of the running registry, and
// mirrored by POST /x/admin/sources/{id}/sync steps (what each cron run does) until caught up.
// Reported: versions written per second of wall time, and the registry's workerd CPU per version
// (utime + stime from /proc, through the caller's meter), everything the steps cost included:
// upstream reads, validation, D1 batches, the catalog clock's cache flushes.
import { FakeUpstream } from "../../test/helpers/fake-upstream.ts";
import { serveUpstreamOverHttp } from "../../test/node/fake-upstream-http.ts";

export interface MirrorThroughputOptions {
  /** The running registry's base URL (`npm start`, or the bench session's instance). */
  registryUrl: string;
  /** A registry token of an organisation administrator (edit on "*"). */
  adminToken: string;
  /** CPU (µs) the registry's workerd process(es) used so far, e.g. `server.cpu.micros()`. */
  cpuMicros: () => number;
  /** The dataset: servers.ndjson and servers.meta.ndjson (line for line), as text. */
  servers: string;
  meta: string;
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
  /** POST …/sync calls until caught up, and the pages one step reads (MIRROR_PAGES_PER_RUN). */
  steps: number;
  pagesPerStep: number;
  seconds: number;
  versionsPerSecond: number;
  cpuMicrosPerVersion: number;
  /** The dataset was served under other names (the registry already held it; see below). */
  renamed: boolean;
  notes: string[];
}

/**
 * The dataset under names (and remote URL hosts) starting with `prefix`: local names win, so a
 * mirror of names the registry already holds (the bench session's seed, or an earlier run)
 * would only skip. Same sizes, same validation work.
 */
function renamed(servers: string, meta: string, prefix: string): { servers: string; meta: string } {
  const rename = (line: string) => {
    const value = JSON.parse(line) as { name: string; remotes?: { url?: string }[] };
    value.name = `${prefix}${value.name}`;
    for (const remote of value.remotes ?? []) {
      if (typeof remote.url === "string") remote.url = remote.url.replace("://", `://${prefix}`);
    }
    return JSON.stringify(value);
  };
  const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
  return { servers: lines(servers).map(rename).join("\n"), meta: lines(meta).map(rename).join("\n") };
}

/** The first name prefix ("" first, then "mirror-bench.", "mirror-bench2.", …) whose names the registry does not hold. */
async function freePrefix(base: string, firstName: string): Promise<string> {
  for (let k = 0; k < 100; k++) {
    const prefix = k === 0 ? "" : `mirror-bench${k === 1 ? "" : k}.`;
    const response = await fetch(`${base}/v0.1/servers/${encodeURIComponent(prefix + firstName)}/versions`);
    await response.arrayBuffer();
    if (response.status === 404) return prefix;
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

async function call<T>(url: string, method: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text === "" ? null : JSON.parse(text)) as T;
}

/** Mirrors the dataset into the registry once and measures it. */
export async function measureMirrorThroughput(options: MirrorThroughputOptions): Promise<MirrorThroughput> {
  const log = options.log ?? (() => undefined);
  const base = options.registryUrl.replace(/\/$/, "");
  const firstName = (JSON.parse(options.servers.slice(0, options.servers.indexOf("\n"))) as { name: string }).name;
  const prefix = await freePrefix(base, firstName);
  const held = prefix !== "";
  const dataset = held
    ? renamed(options.servers, options.meta, prefix)
    : { servers: options.servers, meta: options.meta };
  const served = await serveUpstreamOverHttp(
    (url) => FakeUpstream.fromDataset(url, dataset.servers, dataset.meta),
    options.host ?? "127.0.0.1",
  );
  const notes: string[] = [];
  if (held) notes.push(`the registry already held the dataset: served under "${prefix}" names`);
  let sourceId: string | undefined;
  try {
    const upstreamVersions = served.upstream.all().length;
    log(`mirror upstream on ${served.url}: ${upstreamVersions} versions`);
    const source = await call<SourceState>(`${base}/x/admin/sources`, "POST", options.adminToken, {
      url: served.url,
      into: "public",
    });
    sourceId = source.id;
    const cpuBefore = options.cpuMicros();
    const started = performance.now();
    let steps = 0;
    let pagesPerStep = 0;
    let failures = 0;
    let state = source;
    for (;;) {
      if (steps >= (options.maxSteps ?? 1000)) throw new Error(`not caught up after ${steps} steps`);
      const answer = await call<SyncAnswer>(`${base}/x/admin/sources/${sourceId}/sync`, "POST", options.adminToken);
      steps++;
      state = answer.source;
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
    const cpu = options.cpuMicros() - cpuBefore;
    const versions = state.counts.added;
    if (versions === 0) throw new Error("the mirror wrote no version");
    log(`mirrored ${versions} versions in ${steps} steps, ${seconds.toFixed(1)} s`);
    return {
      upstreamVersions,
      versions,
      skipped: state.counts.skipped,
      steps,
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
