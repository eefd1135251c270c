// A fake upstream registry for the mirroring tests (test/node/fake-upstream-http.ts serves it over
// HTTP): the official list API (GET /v0.1/servers, spec §3.4 and §11, the page computed by
// sync/official-list-page.ts: rows in (name, version) byte order, nextCursor "name:version" only
// on full pages, updated_since strict with deleted rows forced in, version=latest), and, when
// `feed` is on, our change feed (GET /x/changes, rendered by domain/change-feed.ts as a deployment
// of ours answers it). Pure TypeScript: no Workers test APIs, so Node can run it too.
import { renderFeedPage, type FeedAction, type FeedEntry } from "../../worker/src/domain/change-feed.ts";
import type { ListQuery } from "../../worker/src/domain/list-query.ts";
import {
  byPublishedDesc,
  newVersionRecord,
  renderServerList,
  renderServerResponse,
  type ServerStatus,
  type VersionRecord,
} from "../../worker/src/domain/server-response.ts";
import { parseRfc3339 } from "../../worker/src/domain/timestamps.ts";
import { pickLatest } from "../../worker/src/domain/version-order.ts";
import { ApiError } from "../../worker/src/errors.ts";
import { parseListQuery } from "../../worker/src/http/list-params.ts";
import { problemBody } from "../../worker/src/http/problem.ts";
import { officialListPage } from "../../worker/src/sync/official-list-page.ts";

export interface UpstreamVersion extends VersionRecord {}

interface MetaLine {
  name: string;
  version: string;
  status?: ServerStatus;
  statusMessage?: string;
  publishedAt: string;
  updatedAt?: string;
  isLatest?: boolean;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A request the fake saw: its path and query, and whether it was failed on purpose. */
export interface SeenRequest {
  url: string;
  failed: boolean;
}

export class FakeUpstream {
  readonly base: string;
  /** Serve GET /x/changes (an upstream of ours); off: 404, like the official registry. */
  feed: boolean;
  readonly seen: SeenRequest[] = [];
  /** Fails a request (a network error) when it returns true; gets the request's number (1, 2, …). */
  failWhen: ((url: URL, n: number) => boolean) | undefined;
  private readonly rows = new Map<string, UpstreamVersion>();
  private readonly changes: FeedEntry[] = [];
  private clock = 0;

  constructor(base: string, { feed = false } = {}) {
    this.base = base.replace(/\/$/, "");
    this.feed = feed;
  }

  /**
   * The registry pull as the official registry served it: servers.ndjson with the official
   * metadata of servers.meta.ndjson line for line. `keep` leaves entries out (those the official
   * importer refuses today); a name that lost its latest version gets it back by the official rule.
   */
  static fromDataset(
    base: string,
    servers: string,
    meta: string,
    {
      feed = false,
      keep = (_server: unknown): boolean => true,
    }: { feed?: boolean; keep?: (server: unknown) => boolean } = {},
  ): FakeUpstream {
    const upstream = new FakeUpstream(base, { feed });
    const serverLines = servers.split("\n").filter((l) => l.trim() !== "");
    const metaLines = meta.split("\n").filter((l) => l.trim() !== "");
    const names = new Set<string>();
    serverLines.forEach((line, i) => {
      const server = JSON.parse(line) as unknown;
      if (!keep(server)) return;
      const m = JSON.parse(metaLines[i]!) as MetaLine;
      upstream.put({
        serverJson: line,
        name: m.name,
        version: m.version,
        status: m.status ?? "active",
        statusMessage: m.statusMessage ?? null,
        publishedAt: parseRfc3339(m.publishedAt)!,
        updatedAt: parseRfc3339(m.updatedAt ?? m.publishedAt)!,
        statusChangedAt: parseRfc3339(m.publishedAt)!,
        isLatest: m.isLatest === true,
      });
      names.add(m.name);
    });
    for (const name of names) {
      if (!upstream.versionsOf(name).some((v) => v.isLatest)) upstream.recomputeLatest(name);
    }
    return upstream;
  }

  /** A clock strictly after every timestamp served so far (µs), like the upstream's own. */
  now(): number {
    const max = Math.max(this.clock, Date.now() * 1000, ...[...this.rows.values()].map((r) => r.updatedAt));
    this.clock = max + 1;
    return this.clock;
  }

  all(): UpstreamVersion[] {
    return [...this.rows.values()].sort((a, b) => byteOrder(a.name, b.name) || byteOrder(a.version, b.version));
  }

  versionsOf(name: string): UpstreamVersion[] {
    return this.all().filter((r) => r.name === name);
  }

  get(name: string, version: string): UpstreamVersion | undefined {
    return this.rows.get(`${name}\n${version}`);
  }

  /** A new version, published now (or at `at`); latest moves by the official rule. */
  publish(server: { name: string; version: string } & Record<string, unknown>, at = this.now()): UpstreamVersion {
    const row: UpstreamVersion = newVersionRecord(server, at);
    this.put(row);
    this.recomputeLatest(server.name);
    return row;
  }

  /** A status change now: updatedAt moves; latest is recomputed (spec §5.3). */
  setStatus(name: string, version: string, status: ServerStatus, statusMessage: string | null = null): void {
    const row = this.get(name, version);
    if (!row) throw new Error(`no ${name}@${version} upstream`);
    const at = this.now();
    const changed = row.status !== status;
    this.put({
      ...row,
      status,
      statusMessage,
      updatedAt: at,
      statusChangedAt: changed ? at : row.statusChangedAt,
    });
    this.recomputeLatest(name);
  }

  /** GET /v0.1/servers: the query parsed as our registry parses it, the page as the official list answers it. */
  list(params: URLSearchParams): { status: number; body: string } {
    let query: ListQuery;
    try {
      query = parseListQuery(params);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { status: err.status, body: problemBody(err.status, err.detail, err.errors) };
    }
    return { status: 200, body: officialListPage(this.all(), query) };
  }

  /** GET /v0.1/servers/{name}/versions[/{version}] (§3.5, §3.6). */
  versions(name: string, version: string | undefined, params: URLSearchParams): { status: number; body: string } {
    const includeDeleted = params.get("include_deleted") === "true";
    const visible = this.versionsOf(name).filter((r) => includeDeleted || r.status !== "deleted");
    const notFound = { status: 404, body: '{"title":"Not Found","status":404,"detail":"Server not found"}' };
    if (version === undefined) {
      if (visible.length === 0) return notFound;
      return { status: 200, body: renderServerList(visible.sort(byPublishedDesc).map(renderServerResponse)) };
    }
    const row = visible.find((r) => (version === "latest" ? r.isLatest : r.version === version));
    return row ? { status: 200, body: renderServerResponse(row) } : notFound;
  }

  /** GET /x/changes as a deployment of ours answers it (public view). */
  feedPage(params: URLSearchParams): { status: number; body: string } {
    const after = Number(params.get("after") ?? "0");
    const limit = Number(params.get("limit") ?? "100");
    const entries = this.changes.filter((c) => c.pos > after).slice(0, limit);
    const heads = { public: this.changes.length, group: 0 };
    return { status: 200, body: renderFeedPage({ entries, heads }, { public: after, group: 0 }, limit) };
  }

  /** Answers one request to the upstream (GET only). */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const n = this.seen.length + 1;
    const failed = this.failWhen?.(url, n) === true;
    this.seen.push({ url: `${url.pathname}${url.search}`, failed });
    if (failed) throw new TypeError(`fake upstream: connection reset (request ${n})`);
    const path = url.pathname.slice(new URL(this.base).pathname.replace(/\/$/, "").length);
    const detail = /^\/v0\.1\/servers\/([^/]+)\/versions(?:\/([^/]+))?$/.exec(path);
    const answer =
      request.method !== "GET"
        ? { status: 405, body: "{}" }
        : path === "/v0.1/servers"
          ? this.list(url.searchParams)
          : detail
            ? this.versions(
                decodeURIComponent(detail[1]!),
                detail[2] === undefined ? undefined : decodeURIComponent(detail[2]),
                url.searchParams,
              )
            : path === "/x/changes" && this.feed
              ? this.feedPage(url.searchParams)
              : { status: 404, body: '{"title":"Not Found","status":404}' };
    return new Response(answer.body, { status: answer.status, headers: { "content-type": "application/json" } });
  }

  private put(row: UpstreamVersion): void {
    const key = `${row.name}\n${row.version}`;
    const action: FeedAction = !this.rows.has(key)
      ? "publish"
      : row.status === "deleted" && this.rows.get(key)!.status !== "deleted"
        ? "delete"
        : "status";
    this.rows.set(key, row);
    this.changes.push({
      ...row,
      seq: this.changes.length + 1,
      pos: this.changes.length + 1,
      publicPos: this.changes.length + 1,
      at: row.updatedAt,
      action,
      cause: null,
      group: null,
      serverJson: row.serverJson,
    });
  }

  private recomputeLatest(name: string): void {
    const versions = this.versionsOf(name);
    const index = pickLatest(versions.map((v) => ({ ...v, deleted: v.status === "deleted" })));
    versions.forEach((v, i) => this.rows.set(`${v.name}\n${v.version}`, { ...v, isLatest: i === index }));
  }
}

/** The official metadata of a list item, as both registries render it. */
export const officialOf = (item: { _meta: Record<string, unknown> }) =>
  item._meta["io.modelcontextprotocol.registry/official"] as Record<string, unknown>;
