// Parent side of the load generator: forks load-child.ts (a second process), samples the
// server's CPU right before the load starts and right after it ends.
import { fork } from "node:child_process";
import { join } from "node:path";
import type { CpuMeter } from "./proc.ts";
import { track } from "./servers.ts";

export type LoadSpec = {
  url: string;
  connections: number;
  durationSeconds: number;
} & (
  | {
      kind: "get";
      paths: string[] /** Sent with every request (e.g. a bearer token). */;
      headers?: Record<string, string>;
    }
  | {
      kind: "post";
      path: string;
      /** Rotated per request, like the paths of a GET row. */
      bodies: string[];
      headers: Record<string, string>;
    }
  | { kind: "publish"; token: string; names: string[]; versionPrefix: string }
  | { kind: "report"; names: string[] /** Every report's details (the check counts them). */; details: string }
);

export interface LoadResult {
  /** Responses received (any status). */
  responses: number;
  seconds: number;
  reqPerSec: number;
  /** Milliseconds, from every response's own timing. */
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** publish: `name@version` of every 200, read from its body. */
  stored: string[];
}

export interface Measured extends LoadResult {
  /** Server CPU µs per response (workerd utime + stime over the load window), when metered. */
  cpuPerRequest?: number;
}

const CHILD = join(import.meta.dirname, "load-child.ts");

export function runLoad(spec: LoadSpec, meter?: CpuMeter): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = track(fork(CHILD, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
    let cpuBefore = 0;
    let settled = false;
    const limit = setTimeout(
      () => {
        finish(new Error(`load generator did not finish within ${spec.durationSeconds + 60} s`));
        child.kill("SIGKILL");
      },
      (spec.durationSeconds + 60) * 1000,
    );
    const finish = (err: Error | undefined, value?: Measured) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      if (err) reject(err);
      else resolve(value!);
    };
    child.on("message", (message: { type: string; result?: LoadResult; message?: string }) => {
      if (message.type === "ready") {
        cpuBefore = meter?.micros() ?? 0;
        child.send({ type: "go" });
      } else if (message.type === "result" && message.result) {
        const cpu = meter ? meter.micros() - cpuBefore : undefined;
        const r = message.result;
        finish(undefined, {
          ...r,
          ...(cpu !== undefined && r.responses > 0 ? { cpuPerRequest: cpu / r.responses } : {}),
        });
      } else if (message.type === "error") {
        finish(new Error(`load generator: ${message.message}`));
      }
    });
    child.on("error", (err) => finish(err));
    child.on("exit", (code, signal) => finish(new Error(`load generator exited early (${signal ?? code})`)));
    child.send({ type: "spec", spec });
  });
}
