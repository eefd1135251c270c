// Aggregation of V8 sampling CPU profiles taken in several workerd isolates at once (see
// cdp.ts): self and total (inclusive) time per function and per category, per isolate and
// over all of them, as plain-text tables.
//
// How a sample is weighed: V8's sampler ticks at a fixed period but records a sample only
// while the isolate is entered, so the gaps between recorded samples are not CPU time of the
// isolate (Chrome DevTools' delta weighting would charge them to the previous sample). Every
// sample here counts one sampling period instead, the period being the typical gap between
// consecutive recorded samples (pooled over every profile of the capture).
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { relative } from "node:path";
import type { CallFrame, CpuProfile } from "./cdp.ts";

export interface IsolateCapture {
  /** Inspector target id: "core:user:<worker>", "core:entry", "d1:db", "kv:ns", … */
  target: string;
  profile: CpuProfile;
}

/** Where a frame of the registry bundle comes from. */
interface Origin {
  /** Project-relative source path ("worker/src/http/router.ts", "node_modules/valibot/dist/index.mjs"). */
  file: string;
  /** 1-based. */
  line: number;
}

/** Maps positions in the wrangler bundle back to sources: its source map, else the `// path` section comments. */
export class BundleResolver {
  #map: SourceMap | undefined;
  #sections: { line: number; file: string }[] = [];
  readonly basename: string;
  readonly root: string;

  constructor(bundlePath: string, root: string) {
    this.root = root;
    this.basename = bundlePath.split("/").pop()!;
    const text = readFileSync(bundlePath, "utf8");
    text.split("\n").forEach((line, i) => {
      const m = /^\/\/ ((?:worker|node_modules|bench)\/\S+\.[mc]?[jt]s)$/.exec(line);
      if (m) this.#sections.push({ line: i, file: m[1]! });
    });
    try {
      this.#map = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, "utf8")));
    } catch {
      this.#map = undefined;
    }
  }

  /** `url` is whatever workerd reports for the bundle (a path relative to the cwd, or a file URL). */
  matches(url: string): boolean {
    return url !== "" && (url === this.basename || url.endsWith(`/${this.basename}`));
  }

  resolve(line0: number, column0: number): Origin {
    const section = this.#section(line0);
    const entry = this.#map?.findEntry(line0, column0) as
      | { originalSource?: string; originalLine?: number }
      | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      let file = entry.originalSource.replace(/^file:\/\//, "");
      if (file.startsWith("/")) file = relative(this.root, file);
      file = file.replace(/^(\.\.\/)+/, "");
      // itty-router ships a source map whose sources are "src/src/Router.ts".
      if (section?.startsWith("node_modules/") && !file.startsWith("node_modules/") && !file.startsWith("worker/")) {
        file = `${section.split("/").slice(0, 2).join("/")}/${file.replace(/^node_modules\//, "")}`;
      } else if (file.startsWith("node_modules/src/") && section?.startsWith("node_modules/")) {
        file = `${section.split("/").slice(0, 2).join("/")}/${file.slice("node_modules/".length)}`;
      }
      return { file, line: entry.originalLine + 1 };
    }
    return { file: section ?? `bundle:${this.basename}`, line: line0 + 1 };
  }

  #section(line0: number): string | undefined {
    let lo = 0;
    let hi = this.#sections.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#sections[mid]!.line <= line0) {
        found = this.#sections[mid]!.file;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

const CRYPTO_NATIVES = new Set([
  "sign",
  "verify",
  "importKey",
  "exportKey",
  "digest",
  "getRandomValues",
  "randomUUID",
  "generateKey",
  "deriveBits",
  "deriveKey",
  "encrypt",
  "decrypt",
  "timingSafeEqual",
]);
const JSON_NATIVES = new Set(["parse", "stringify", "JSON.parse", "JSON.stringify"]);
const TEXT_NATIVES = new Set(["encode", "decode", "encodeInto", "TextEncoder", "TextDecoder", "btoa", "atob"]);

/** What a frame is, for the category tables. */
export interface FrameInfo {
  key: string;
  name: string;
  location: string;
  category: string;
  /** A JS frame with a script (not a native, not a V8 pseudo-frame). */
  script: boolean;
}

function isolateRole(target: string): string {
  if (target.startsWith("core:user:")) return "user worker";
  if (target === "core:entry") return "Miniflare entry worker";
  if (target.startsWith("d1:")) return "Miniflare D1 shim";
  if (target.startsWith("kv:")) return "Miniflare KV shim";
  if (target.startsWith("cache:")) return "Miniflare cache shim";
  if (target.startsWith("ratelimit:")) return "Miniflare rate-limit shim";
  return `Miniflare ${target}`;
}

export class FrameClassifier {
  #cache = new Map<string, FrameInfo>();
  readonly bundle: BundleResolver | undefined;

  constructor(bundle: BundleResolver | undefined) {
    this.bundle = bundle;
  }

  classify(target: string, frame: CallFrame): FrameInfo {
    const cacheKey = `${target}\u0000${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    let info = this.#cache.get(cacheKey);
    if (!info) {
      info = this.#classify(target, frame);
      this.#cache.set(cacheKey, info);
    }
    return info;
  }

  #classify(target: string, frame: CallFrame): FrameInfo {
    const name = frame.functionName;
    const user = target.startsWith("core:user:");
    const role = isolateRole(target);
    const pseudo = (category: string): FrameInfo => ({
      key: `${name} [${target}]`,
      name,
      location: "",
      category,
      script: false,
    });
    if (name === "(garbage collector)") return pseudo(user ? "GC" : `${role}: GC`);
    if (name === "(idle)") return pseudo("idle");
    if (name === "(program)")
      return pseudo(user ? "(program): workerd C++ under the isolate lock, no JS frame" : `${role}: (program)`);
    if (name === "(root)") return pseudo("root");
    if (frame.url === "") {
      const shown = name || "(anonymous)";
      let category: string;
      if (!user) category = `${role}: natives`;
      else if (name === "") category = "V8/runtime anonymous (promise jobs, async resumption)";
      else if (JSON_NATIVES.has(name)) category = "JSON (parse/stringify)";
      else if (CRYPTO_NATIVES.has(name)) category = "crypto (WebCrypto natives)";
      else if (TEXT_NATIVES.has(name)) category = "text encoding natives";
      else category = "workerd API natives (Response, URL, fetch, binding stubs, …)";
      return { key: `${shown} [native, ${target}]`, name: shown, location: "native", category, script: false };
    }
    const shown = name || "(anonymous)";
    if (user && this.bundle?.matches(frame.url)) {
      const origin = this.bundle.resolve(frame.lineNumber, frame.columnNumber);
      const location = `${origin.file}:${origin.line}`;
      let category: string;
      if (origin.file.startsWith("worker/")) category = "ours (worker/)";
      else if (origin.file.includes("valibot")) category = "valibot";
      else if (origin.file.includes("itty-router")) category = "itty-router";
      else if (origin.file.startsWith("node_modules/")) category = `other package: ${origin.file.split("/")[1]}`;
      else category = "bundle (unmapped)";
      return { key: `${shown} ${location}`, name: shown, location, category, script: true };
    }
    const location = `${frame.url}:${frame.lineNumber + 1}`;
    const category = user ? `workerd JS builtins (${frame.url.split(":")[0]})` : `${role}: JS`;
    return { key: `${shown} ${location} [${target}]`, name: shown, location, category, script: true };
  }
}

/** The sub-category of our own code: worker/src/<folder>. */
export function ourFolder(location: string): string | undefined {
  const m = /^worker\/src\/([^/:]+)/.exec(location);
  if (!m) return undefined;
  return m[1]!.endsWith(".ts") ? `worker/src/${m[1]}` : `worker/src/${m[1]}/`;
}

export interface Tally {
  samples: number;
}

export interface IsolateAnalysis {
  target: string;
  role: string;
  /** Every recorded sample (idle included). */
  samples: number;
  /** Samples that are not "(idle)". */
  busy: number;
  byCategorySelf: Map<string, number>;
  byCategoryOwner: Map<string, number>;
  byFolderOwner: Map<string, number>;
  self: Map<string, { info: FrameInfo; samples: number }>;
  total: Map<string, { info: FrameInfo; samples: number }>;
  /** Per function key: its direct callees' inclusive samples ("(self)" for its own). */
  callees: Map<string, Map<string, { info: FrameInfo | undefined; samples: number }>>;
  wallMicros: number;
}

export interface Analysis {
  isolates: IsolateAnalysis[];
  /** Estimated sampling period (µs): median gap between consecutive recorded samples. */
  periodMicros: number;
  requestedIntervalMicros: number;
  responses: number;
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Typical gap between consecutive recorded samples, ignoring gaps where the isolate was not entered. */
export function estimatePeriod(captures: IsolateCapture[], requested: number): number {
  const deltas: number[] = [];
  for (const { profile } of captures) for (const d of (profile.timeDeltas ?? []).slice(1)) if (d > 0) deltas.push(d);
  if (deltas.length < 50) return requested;
  deltas.sort((a, b) => a - b);
  const floor = deltas[Math.floor(deltas.length * 0.05)]!;
  const consecutive = deltas.filter((d) => d <= Math.max(floor * 2.5, requested * 1.5));
  return consecutive[Math.floor(consecutive.length / 2)] ?? requested;
}

export function analyse(
  captures: IsolateCapture[],
  opts: { responses: number; requestedIntervalMicros: number; classifier: FrameClassifier },
): Analysis {
  const isolates: IsolateAnalysis[] = [];
  for (const { target, profile } of captures) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const a: IsolateAnalysis = {
      target,
      role: isolateRole(target),
      samples: 0,
      busy: 0,
      byCategorySelf: new Map(),
      byCategoryOwner: new Map(),
      byFolderOwner: new Map(),
      self: new Map(),
      total: new Map(),
      callees: new Map(),
      wallMicros: profile.endTime - profile.startTime,
    };
    // Per leaf node: its stack, classified once.
    const stacks = new Map<number, FrameInfo[]>();
    const stackOf = (leaf: number): FrameInfo[] => {
      let stack = stacks.get(leaf);
      if (!stack) {
        stack = [];
        for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
          const node = byId.get(id)!;
          if (node.callFrame.functionName === "(root)" && parent.get(id) === undefined) break;
          stack.push(opts.classifier.classify(target, node.callFrame));
        }
        stacks.set(leaf, stack);
      }
      return stack;
    };
    for (const leafId of profile.samples ?? []) {
      a.samples++;
      const stack = stackOf(leafId);
      const leaf = stack[0];
      if (!leaf || leaf.category === "idle") continue;
      a.busy++;
      bump(a.byCategorySelf, leaf.category);
      const owner = stack.find((f) => f.script) ?? leaf;
      bump(a.byCategoryOwner, owner.category);
      if (target.startsWith("core:user:")) {
        const ourFrame = stack.find((f) => f.category === "ours (worker/)");
        bump(
          a.byFolderOwner,
          ourFrame ? (ourFolder(ourFrame.location) ?? "worker/?") : "(no frame of ours on the stack)",
        );
      }
      const selfEntry = a.self.get(leaf.key) ?? { info: leaf, samples: 0 };
      selfEntry.samples++;
      a.self.set(leaf.key, selfEntry);
      // Outermost occurrence of each function (recursion counted once), and what it called there.
      const seen = new Set<string>();
      for (let j = stack.length - 1; j >= 0; j--) {
        const f = stack[j]!;
        if (seen.has(f.key)) continue;
        seen.add(f.key);
        const t = a.total.get(f.key) ?? { info: f, samples: 0 };
        t.samples++;
        a.total.set(f.key, t);
        const callee = j > 0 ? stack[j - 1]! : undefined;
        let byCallee = a.callees.get(f.key);
        if (!byCallee) {
          byCallee = new Map();
          a.callees.set(f.key, byCallee);
        }
        const calleeKey = callee?.key ?? "(self)";
        const c = byCallee.get(calleeKey) ?? { info: callee, samples: 0 };
        c.samples++;
        byCallee.set(calleeKey, c);
      }
    }
    isolates.push(a);
  }
  isolates.sort((x, y) => y.busy - x.busy);
  return {
    isolates,
    periodMicros: estimatePeriod(captures, opts.requestedIntervalMicros),
    requestedIntervalMicros: opts.requestedIntervalMicros,
    responses: opts.responses,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function table(headers: string[], rows: string[][], right: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : "–");
const us = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export interface ThreadCpu {
  total: number | undefined;
  main: number;
  /** Of `main`, the kernel part (stime): socket and file I/O, signals. */
  mainSystem?: number;
  others: number;
}

export interface ReportContext {
  title: string;
  lines: string[];
  /** workerd CPU (utime+stime) µs per response, without and with the profiler attached: whole process, first thread, other threads. */
  processCpu: { unprofiled?: ThreadCpu; profiled?: ThreadCpu };
  top: number;
  /** Isolates below this share of all busy samples get no function tables. */
  minShare: number;
  /** How many of the heaviest functions (by total time) get a breakdown by direct callee. */
  breakdowns: number;
}

export function renderReport(an: Analysis, ctx: ReportContext): string {
  const perReq = (samples: number) => (samples * an.periodMicros) / Math.max(1, an.responses);
  const allBusy = an.isolates.reduce((s, i) => s + i.busy, 0);
  const out: string[] = [];
  out.push(ctx.title, "=".repeat(ctx.title.length), "", ...ctx.lines, "");
  out.push(
    `sampling: ${an.requestedIntervalMicros} µs requested, ≈${an.periodMicros} µs effective (median gap between consecutive samples); each sample counts one period.`,
    `µs/req = samples × period ÷ ${an.responses.toLocaleString("en-US")} responses. "busy" = every sample but (idle).`,
    "",
  );

  // Per isolate.
  const isoRows = an.isolates.map((i) => {
    const cat = (pred: (c: string) => boolean) =>
      [...i.byCategorySelf].filter(([c]) => pred(c)).reduce((s, [, n]) => s + n, 0);
    const gc = cat((c) => c.endsWith("GC"));
    const program = cat((c) => c.includes("(program)"));
    return [
      i.target,
      i.role,
      i.samples.toLocaleString("en-US"),
      us(perReq(i.busy)),
      us(perReq(i.busy - gc - program)),
      us(perReq(program)),
      us(perReq(gc)),
      pct(i.busy, allBusy),
    ];
  });
  const sumBusy = perReq(allBusy);
  isoRows.push(["all profiled isolates", "", "", us(sumBusy), "", "", "", "100%"]);
  out.push("Isolates (workerd inspector targets)", "");
  out.push(
    table(
      ["target", "role", "samples", "busy µs/req", "JS+natives", "(program)", "GC", "% of busy"],
      isoRows,
      new Set([2, 3, 4, 5, 6, 7]),
    ),
  );
  const { unprofiled, profiled } = ctx.processCpu;
  const cpuLine = (label: string, c: ThreadCpu) =>
    `  ${label}: ${c.total !== undefined ? us(c.total) : "?"} µs/req (first thread, which runs every isolate: ${us(c.main)}${c.mainSystem !== undefined ? `, of which kernel ${us(c.mainSystem)}` : ""}; other threads: ${us(c.others)})`;
  out.push("", "workerd process CPU (/proc utime+stime over the load window ÷ responses):");
  if (unprofiled) out.push(cpuLine("without the profiler", unprofiled));
  if (profiled) out.push(cpuLine("while profiling     ", profiled));
  if (profiled) {
    out.push(
      `Busy isolate time is ${pct(sumBusy, profiled.main)} of the first thread's CPU while profiling; the rest of that thread (≈${us(Math.max(0, profiled.main - sumBusy))} µs/req) is workerd C++ outside any isolate: sockets, HTTP, capnp RPC between the services, the event loop.`,
      'The profiler\'s own threads show as "other threads" (compare with and without); in-thread it slows every isolate a little, so shares are more reliable than absolute µs.',
    );
  }
  out.push("");

  // Categories over every isolate.
  const catSelf = new Map<string, number>();
  const catOwner = new Map<string, number>();
  for (const i of an.isolates) {
    for (const [c, n] of i.byCategorySelf) bump(catSelf, c, n);
    for (const [c, n] of i.byCategoryOwner) bump(catOwner, c, n);
  }
  const catRows = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([c, n]) => [c, us(perReq(n)), pct(n, allBusy)]);
  out.push("Categories, self time of the sampled frame (all isolates)", "");
  out.push(table(["category", "µs/req", "% of busy"], catRows(catSelf), new Set([1, 2])));
  out.push("");
  out.push("Categories by owner: a native frame is charged to the nearest JS frame that called it", "");
  out.push(table(["category", "µs/req", "% of busy"], catRows(catOwner), new Set([1, 2])));
  out.push("");
  const user = an.isolates.find((i) => i.target.startsWith("core:user:"));
  if (user && user.byFolderOwner.size > 0) {
    out.push(
      `Our code by folder (${user.target}): each busy sample charged to the innermost worker/ frame on its stack`,
      "",
    );
    out.push(
      table(
        ["folder", "µs/req", "% of isolate busy"],
        [...user.byFolderOwner].sort((a, b) => b[1] - a[1]).map(([f, n]) => [f, us(perReq(n)), pct(n, user.busy)]),
        new Set([1, 2]),
      ),
    );
    out.push("");
  }

  // Function tables.
  for (const i of an.isolates) {
    if (i.busy === 0 || i.busy / Math.max(1, allBusy) < ctx.minShare) continue;
    const fnRows = (m: Map<string, { info: FrameInfo; samples: number }>) =>
      [...m.values()]
        .filter((e) => e.info.category !== "root")
        .sort((a, b) => b.samples - a.samples)
        .slice(0, ctx.top)
        .map((e, n) => [
          String(n + 1),
          us(perReq(e.samples)),
          pct(e.samples, i.busy),
          pct(e.samples, allBusy),
          e.info.name.slice(0, 48),
          e.info.location.slice(0, 64),
          e.info.category.slice(0, 48),
        ]);
    const heads = ["#", "µs/req", "% isolate", "% all", "function", "location", "category"];
    out.push(`${i.target} (${i.role}): top ${ctx.top} by self time`, "");
    out.push(table(heads, fnRows(i.self), new Set([0, 1, 2, 3])));
    out.push("");
    out.push(`${i.target} (${i.role}): top ${ctx.top} by total (inclusive) time`, "");
    out.push(table(heads, fnRows(i.total), new Set([0, 1, 2, 3])));
    out.push("");
    // Where the time of the heaviest script functions goes, one level down.
    const heavy = [...i.total.values()]
      .filter((e) => e.info.script)
      .sort((x, y) => y.samples - x.samples)
      .slice(0, ctx.breakdowns);
    if (heavy.length > 0) {
      out.push(
        `${i.target} (${i.role}): the ${heavy.length} heaviest JS functions by total time, split by direct callee`,
        "",
      );
      for (const e of heavy) {
        out.push(`  ${e.info.name} ${e.info.location}: ${us(perReq(e.samples))} µs/req total`);
        const rows = [
          ...(
            i.callees.get(e.info.key) ?? new Map<string, { info: FrameInfo | undefined; samples: number }>()
          ).entries(),
        ]
          .sort((x, y) => y[1].samples - x[1].samples)
          .slice(0, 8)
          .map(([k, c]) => [
            us(perReq(c.samples)),
            pct(c.samples, e.samples),
            c.info ? `${c.info.name.slice(0, 40)} ${c.info.location.slice(0, 60)}` : k,
          ]);
        out.push(
          table(["µs/req", "share", "callee"], rows, new Set([0, 1]))
            .split("\n")
            .map((l) => `    ${l}`)
            .join("\n"),
          "",
        );
      }
    }
  }
  const skipped = an.isolates.filter((i) => i.busy === 0 || i.busy / Math.max(1, allBusy) < ctx.minShare);
  if (skipped.length > 0) {
    out.push(
      `No function tables for isolates under ${(ctx.minShare * 100).toFixed(0)}% of busy samples: ${skipped.map((i) => `${i.target} (${i.busy} busy)`).join(", ")}.`,
      "",
    );
  }
  return out.join("\n");
}
