// GET /x/search: ranked search with facets (our extension space; the official `search`
// parameter of /servers keeps its substring semantics). See docs/storage.md, "Search index".
import type { IRequest } from "itty-router";
import { visibleIn } from "../../domain/groups.ts";
import {
  SEARCH_HOSTING,
  SEARCH_REGISTRY_TYPES,
  SEARCH_STATUSES,
  SEARCH_TRANSPORTS,
} from "../../domain/search-filters.ts";
import type { ResolvedView } from "../group-view.ts";
import { readLimitParam } from "../list-params.ts";
import { normalizeQuery, search, type Hosting, type SearchRequest } from "../../search/index.ts";
import { boundedKeyPart } from "../../storage/kv-keys.ts";
import { readServer } from "../../storage/read-cache.ts";
import { cachedAnswer, freshSnapshotKey, rememberAnswer, searchSnapshot } from "../../storage/search-cache.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { limitAddress } from "../rate-limits.ts";
import { readAnswer } from "../conditional.ts";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const REGISTRY_TYPES = SEARCH_REGISTRY_TYPES;
const TRANSPORTS = SEARCH_TRANSPORTS;
const HOSTING = SEARCH_HOSTING;
const STATUSES = SEARCH_STATUSES;

function oneOfMessage(options: readonly string[]): string {
  return `expected value to be one of "${options.join(", ")}"`;
}

/** A comma list whose every item must be one of `options`; undefined when absent or empty. */
function readList<T extends string>(
  params: URLSearchParams,
  key: string,
  options: readonly T[],
  errors: ProblemDetail[],
): T[] | undefined {
  const raw = params.get(key);
  if (raw === null || raw.trim() === "") return undefined;
  const items = raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  const unknown = items.find((item) => !(options as readonly string[]).includes(item));
  if (unknown !== undefined) {
    errors.push({ message: oneOfMessage(options), location: `query.${key}`, value: unknown });
    return undefined;
  }
  return [...new Set(items)] as T[];
}

/** Cursors are opaque: base64url of the next offset. */
function encodeCursor(offset: number): string {
  return btoa(`o:${offset}`).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

function readCursor(params: URLSearchParams, errors: ProblemDetail[]): number {
  const raw = params.get("cursor");
  if (raw === null || raw === "") return 0;
  let decoded = "";
  try {
    decoded = atob(raw.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    // reported below
  }
  const match = /^o:(\d{1,7})$/.exec(decoded);
  if (!match) errors.push({ message: "invalid cursor", location: "query.cursor", value: raw });
  return match ? Number(match[1]) : 0;
}

export function parseSearchRequest(params: URLSearchParams): SearchRequest {
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(params, errors, { defaultLimit: DEFAULT_LIMIT, maxLimit: MAX_LIMIT });
  const offset = readCursor(params, errors);
  const registryType = readList(params, "registryType", REGISTRY_TYPES, errors);
  const transport = readList(params, "transport", TRANSPORTS, errors);
  const hosting = readList(params, "hosting", HOSTING, errors);
  if (hosting && hosting.length > 1)
    errors.push({ message: oneOfMessage(HOSTING), location: "query.hosting", value: params.get("hosting") });
  const status = readList(params, "status", STATUSES, errors) ?? [...STATUSES];
  if (errors.length > 0) throw ApiError.validation(errors);
  const namespace = (params.get("namespace") ?? "").trim();
  return {
    q: normalizeQuery(params.get("q") ?? ""),
    limit,
    offset,
    filters: {
      status,
      ...(registryType ? { registryType } : {}),
      ...(transport ? { transport } : {}),
      ...(hosting?.[0] ? { hosting: hosting[0] as Hosting } : {}),
      ...(namespace ? { namespace } : {}),
    },
  };
}

/**
 * The in-memory answer key of a raw query string. Query strings are as long as a URL allows, so
 * long ones are keyed by their hash: the cache's memory is bounded by its entries, not its keys.
 */
export function rawAnswerKey(snapshotKey: string, search: string): string {
  return `${snapshotKey}|raw|${boundedKeyPart(search)}`;
}

export async function searchServers(
  httpRequest: IRequest,
  env: Env,
  ctx: ExecutionContext,
  url: URL,
  resolved: ResolvedView,
) {
  const { view } = resolved;
  // Repeated queries: the answer by the raw query string, before any parsing. Snapshot keys
  // carry the view (a group's name and configuration version), so answers never cross views.
  const fresh = freshSnapshotKey(env, view);
  const rawHit = fresh === undefined ? undefined : cachedAnswer(rawAnswerKey(fresh, url.search));
  if (rawHit !== undefined) return readAnswer(httpRequest, env, view, "server", rawHit);

  const request = parseSearchRequest(url.searchParams);
  const snapshot = await searchSnapshot(env, view);
  const cacheKey = `${snapshot.key}|${boundedKeyPart(JSON.stringify(request))}`;
  const cached = cachedAnswer(cacheKey);
  if (cached !== undefined) {
    rememberAnswer(rawAnswerKey(snapshot.key, url.search), cached);
    return readAnswer(httpRequest, env, view, "server", cached);
  }

  // Only computed queries count: the answer-cache hits above stay as cheap as a hello worker.
  await limitAddress(httpRequest, env, "search");
  const result = search(snapshot.index, snapshot.overlay, request);
  const utf8 = new TextDecoder();
  const entries = await Promise.all(result.hits.map((hit) => readServer(env, ctx, hit.name)));
  const items: string[] = [];
  result.hits.forEach((hit, i) => {
    const entry = entries[i]!;
    const detail = entry.latestVersion === undefined ? undefined : entry.details.get(entry.latestVersion);
    // Deleted since the snapshot, or (moved) out of the view.
    if (detail === undefined || detail.deleted || !visibleIn(view, hit.name, entry.group)) return;
    const text = utf8.decode(detail.body);
    items.push(`${text.slice(0, -1)},"score":${Math.round(hit.score * 10_000) / 10_000}}`);
  });
  const next = request.offset + request.limit;
  const metadata: Record<string, unknown> = { count: items.length, total: result.total };
  if (next < result.total) metadata.nextCursor = encodeCursor(next);
  const body = `{"results":[${items.join(",")}],"facets":${JSON.stringify(result.facets)},"metadata":${JSON.stringify(metadata)}}`;
  // One object under both keys: its tag is hashed once, whichever key answers next.
  const answer = { body: new TextEncoder().encode(body) };
  rememberAnswer(cacheKey, answer);
  rememberAnswer(rawAnswerKey(snapshot.key, url.search), answer);
  return readAnswer(httpRequest, env, view, "server", answer);
}
