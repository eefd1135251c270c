// The load generator, run in its own Node process (forked by load.ts) so that it never shares
// a thread with the code that measures: autocannon with fixed connections and duration, paths
// rotated per request, exact latency percentiles from every response's own timing.
//
// Protocol over IPC: parent sends {spec}; child answers "ready"; parent samples the server's
// CPU and sends "go"; child runs the load and answers {result}, then exits.
import autocannon from "autocannon";
import type { LoadResult, LoadSpec } from "./load.ts";
import { publishBody } from "./publish-body.ts";

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function run(spec: LoadSpec, send: (message: unknown) => void): void {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statuses: Record<string, number> = {};
  const stored: string[] = [];
  let next = 0;

  const request =
    spec.kind === "get"
      ? {
          method: "GET" as const,
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            path: spec.paths[next++ % spec.paths.length]!,
            ...(spec.headers ? { headers: spec.headers } : {}),
          }),
        }
      : spec.kind === "post"
        ? {
            method: "POST" as const,
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              path: spec.path,
              headers: spec.headers,
              body: spec.bodies[next++ % spec.bodies.length]!,
            }),
          }
        : spec.kind === "report"
          ? {
              method: "POST" as const,
              // Every report from another address, so none is rate-limited.
              setupRequest: (req: autocannon.Request) => {
                const n = next++;
                return {
                  ...req,
                  path: "/x/reports",
                  headers: {
                    "content-type": "application/json",
                    "cf-connecting-ip": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
                  },
                  body: JSON.stringify({
                    name: spec.names[n % spec.names.length],
                    reason: "spam",
                    details: spec.details,
                  }),
                };
              },
            }
          : {
              method: "POST" as const,
              setupRequest: (req: autocannon.Request) => {
                const n = next++;
                const name = spec.names[n % spec.names.length]!;
                return {
                  ...req,
                  path: "/v0.1/publish",
                  headers: { authorization: `Bearer ${spec.token}`, "content-type": "application/json" },
                  body: publishBody(name, `${spec.versionPrefix}.${n}`),
                };
              },
              onResponse: (status: number, body: string) => {
                if (status !== 200) return;
                try {
                  const item = JSON.parse(body) as { server?: { name?: string; version?: string } };
                  stored.push(`${item.server?.name}@${item.server?.version}`);
                } catch {
                  stored.push("?unparseable");
                }
              },
            };

  const started = process.hrtime.bigint();
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.durationSeconds,
      pipelining: 1,
      timeout: 10,
      requests: [request],
    },
    (err, result) => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      if (err) {
        send({ type: "error", message: String(err) });
        return;
      }
      const sorted = latencies.subarray(0, count).sort();
      const out: LoadResult = {
        responses: count,
        seconds: elapsed,
        reqPerSec: count / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        stored,
      };
      send({ type: "result", result: out });
    },
  );
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
}

if (process.send) {
  let spec: LoadSpec | undefined;
  const send = (message: unknown) => process.send!(message, () => undefined);
  process.on("message", (message: { type: string; spec?: LoadSpec }) => {
    if (message.type === "spec") {
      spec = message.spec;
      send({ type: "ready" });
    } else if (message.type === "go" && spec) {
      run(spec, (m) => {
        send(m);
        setTimeout(() => process.exit(0), 50);
      });
    }
  });
  // The parent going away ends the load at once.
  process.on("disconnect", () => process.exit(0));
}
