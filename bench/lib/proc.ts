// Linux /proc accounting for the server processes: which workerd processes an instance owns,
// and their CPU time (utime + stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

let clockTicks: number | undefined;

/** `getconf CLK_TCK` (100 on every Linux we run on; asked once). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime in clock ticks, all threads of the process. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited meanwhile
  }
  // comm is in parentheses and may contain spaces: split after the last ')'.
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state): field n is rest[n - 3].
  return { pid, ppid: Number(rest[1]), comm, ticks: Number(rest[11]) + Number(rest[12]) };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) out.push(stat);
  }
  return out;
}

/** Every process below `root` (children, grandchildren, …). */
export function descendants(root: number): ProcStat[] {
  const stats = allStats();
  const byParent = new Map<number, ProcStat[]>();
  for (const s of stats) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** PIDs of the workerd processes below this Node process. */
export function workerdPids(): Set<number> {
  return new Set(
    descendants(process.pid)
      .filter((s) => s.comm.startsWith("workerd"))
      .map((s) => s.pid),
  );
}

/** A group of processes whose CPU time is summed (one Miniflare instance's workerd). */
export class CpuMeter {
  readonly pids: readonly number[];

  constructor(pids: Iterable<number>) {
    this.pids = [...pids];
  }

  /** Summed utime + stime, in microseconds. */
  micros(): number {
    let ticks = 0;
    for (const pid of this.pids) ticks += readStat(pid)?.ticks ?? 0;
    return (ticks * 1_000_000) / ticksPerSecond();
  }
}

/** CPU (utime + stime, µs) of every thread of `pid`, by thread id; `main` is the thread whose id is the pid. */
export function threadMicros(pid: number): Map<number, { comm: string; micros: number; systemMicros: number }> {
  const out = new Map<number, { comm: string; micros: number; systemMicros: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const rest = text.slice(close + 2).split(" ");
    const tick = 1_000_000 / ticksPerSecond();
    out.set(Number(tid), {
      comm,
      micros: (Number(rest[11]) + Number(rest[12])) * tick,
      systemMicros: Number(rest[12]) * tick,
    });
  }
  return out;
}

/** CPU of the first thread (the one running every isolate of a workerd) and of all the others, between two snapshots. */
export function splitThreads(
  pid: number,
  before: Map<number, { comm: string; micros: number; systemMicros: number }>,
  after: Map<number, { comm: string; micros: number; systemMicros: number }>,
): { main: number; mainSystem: number; others: number } {
  let main = 0;
  let mainSystem = 0;
  let others = 0;
  for (const [tid, a] of after) {
    const d = a.micros - (before.get(tid)?.micros ?? 0);
    if (tid === pid) {
      main += d;
      mainSystem += a.systemMicros - (before.get(tid)?.systemMicros ?? 0);
    } else others += d;
  }
  return { main, mainSystem, others };
}

/** An expected failure (busy port, missing file, failed build): reported without a stack. */
export class BenchError extends Error {
  override name = "BenchError";
}

/** Rejects with a clear message when something already listens on host:port. */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new BenchError(
          `port ${host}:${port} is not free (${err.code ?? err.message}); pick others with --port N (uses N and N+1)`,
        ),
      ),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
