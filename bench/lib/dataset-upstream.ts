// The benchmark's dataset as an upstream registry: a Node HTTP server on a free loopback port that
// answers GET /v0.1/servers as the official registry does (the page from
// worker/src/sync/official-list-page.ts, the query parsed by worker/src/http/list-params.ts, as
// the tests' fake upstream does), for the mirroring row (mirror-throughput.ts). Everything else
// is a 404, like the official registry's missing /x/changes (so the mirror reads the list).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { VersionRecord } from "../../worker/src/domain/server-response.ts";
import { parseRfc3339 } from "../../worker/src/domain/timestamps.ts";
import { pickLatest } from "../../worker/src/domain/version-order.ts";
import { ApiError } from "../../worker/src/errors.ts";
import { parseListQuery } from "../../worker/src/http/list-params.ts";
import { problemBody } from "../../worker/src/http/problem.ts";
import { officialListPage } from "../../worker/src/sync/official-list-page.ts";
import type { ImportEntry } from "../../worker/src/writes/import-entries.ts";

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const STATUSES = new Set(["active", "deprecated", "deleted"]);

/** µs of an RFC 3339 text, or `fallback`. */
const micros = (value: unknown, fallback: number) =>
  (typeof value === "string" ? parseRfc3339(value) : undefined) ?? fallback;

/**
 * The entries as an upstream holds them, in (name, version) byte order: the official metadata
 * where the entry has it (the pull's servers.meta.ndjson, or the synthetic generator's), latest
 * by the official rule per name. Entries without a string name and version cannot be listed and
 * are left out (counted in `unlisted`); of a repeated name@version the last wins.
 */
export function upstreamRecords(entries: readonly ImportEntry[]): { rows: VersionRecord[]; unlisted: number } {
  const byKey = new Map<string, VersionRecord>();
  let unlisted = 0;
  const now = Date.now() * 1000;
  for (const entry of entries) {
    const server = entry.server as { name?: unknown; version?: unknown } | null;
    if (typeof server?.name !== "string" || typeof server.version !== "string") {
      unlisted++;
      continue;
    }
    const official = entry.official ?? {};
    const publishedAt = micros(official.publishedAt, now);
    const status = typeof official.status === "string" && STATUSES.has(official.status) ? official.status : "active";
    byKey.set(`${server.name}\n${server.version}`, {
      name: server.name,
      version: server.version,
      status: status as VersionRecord["status"],
      statusMessage: typeof official.statusMessage === "string" ? official.statusMessage : null,
      statusChangedAt: micros(official.statusChangedAt, publishedAt),
      publishedAt,
      updatedAt: micros(official.updatedAt, publishedAt),
      isLatest: false,
      serverJson: JSON.stringify(entry.server),
    });
  }
  const rows = [...byKey.values()].sort((a, b) => byteOrder(a.name, b.name) || byteOrder(a.version, b.version));
  for (let start = 0; start < rows.length; ) {
    let end = start;
    while (end < rows.length && rows[end]!.name === rows[start]!.name) end++;
    const versions = rows.slice(start, end);
    const latest = pickLatest(versions.map((v) => ({ ...v, deleted: v.status === "deleted" })));
    if (latest >= 0) rows[start + latest]!.isLatest = true;
    start = end;
  }
  return { rows, unlisted };
}

export interface ServedDataset {
  /** The upstream's base URL (http://127.0.0.1:<port>). */
  url: string;
  /** List requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Serves `rows` (in byte order) as an upstream's GET /v0.1/servers on `host`, a free port. */
export async function serveDatasetUpstream(rows: readonly VersionRecord[], host: string): Promise<ServedDataset> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${host}`);
    let status = 404;
    let body = '{"title":"Not Found","status":404}';
    if (req.method === "GET" && url.pathname === "/v0.1/servers") {
      requests++;
      try {
        body = officialListPage(rows, parseListQuery(url.searchParams));
        status = 200;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        status = err.status;
        body = problemBody(err.status, err.detail, err.errors);
      }
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
