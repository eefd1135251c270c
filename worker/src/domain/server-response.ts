// ServerResponse rendering (spec §7.5): the stored server.json unchanged under `server`, the
// registry's metadata in a sibling `_meta`. Bodies are assembled from the stored JSON text, so
// answering never parses or re-serialises a server.json.
import { formatRfc3339 } from "./timestamps.ts";

export const OFFICIAL_META_KEY = "io.modelcontextprotocol.registry/official";
/** Our own `_meta` key: moderation state, present only while a server is under review. */
export const MODERATION_META_KEY = "dev.mcp-registry-workers/moderation";

/** Our own `_meta` key: where a mirrored version came from (absent on local versions). */
export const MIRROR_META_KEY = "dev.mcp-registry-workers/mirror";

export type ServerStatus = "active" | "deprecated" | "deleted";

/** One stored version, as D1 holds it. */
export interface VersionRecord {
  name: string;
  version: string;
  status: ServerStatus;
  statusMessage: string | null;
  statusChangedAt: number;
  publishedAt: number;
  updatedAt: number;
  isLatest: boolean;
  /** Compact server.json text. */
  serverJson: string;
  /** µs: when the name's weighted open reports reached the review threshold, if they did. */
  underReviewSince?: number;
  /**
   * The group whose claimed namespace holds the server (null: public). Set by every read from
   * D1; absent (public) in records built elsewhere and in KV documents written before groups.
   */
  group?: string | null;
  /** A mirrored version's provenance: the upstream's canonical base URL and its updatedAt (µs). */
  mirror?: { source: string; updatedAt: number };
}

/** A version as it is first published at `at` (µs): active, not yet latest. */
export function newVersionRecord(server: { name: string; version: string }, at: number): VersionRecord {
  return {
    name: server.name,
    version: server.version,
    status: "active",
    statusMessage: null,
    statusChangedAt: at,
    publishedAt: at,
    updatedAt: at,
    isLatest: false,
    serverJson: JSON.stringify(server),
  };
}

export function officialMeta(record: Omit<VersionRecord, "serverJson">): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    status: record.status,
    statusChangedAt: formatRfc3339(record.statusChangedAt),
  };
  if (record.statusMessage !== null) meta.statusMessage = record.statusMessage;
  meta.publishedAt = formatRfc3339(record.publishedAt);
  meta.updatedAt = formatRfc3339(record.updatedAt);
  meta.isLatest = record.isLatest;
  return meta;
}

/** A response's `_meta`: the official metadata, then ours (moderation, mirror provenance). */
export function responseMeta(record: Omit<VersionRecord, "serverJson">): Record<string, unknown> {
  return {
    [OFFICIAL_META_KEY]: officialMeta(record),
    ...(record.underReviewSince === undefined
      ? {}
      : { [MODERATION_META_KEY]: { underReview: true, since: formatRfc3339(record.underReviewSince) } }),
    ...(record.mirror === undefined
      ? {}
      : {
          [MIRROR_META_KEY]: {
            source: record.mirror.source,
            upstreamUpdatedAt: formatRfc3339(record.mirror.updatedAt),
          },
        }),
  };
}

/** The JSON text of one ServerResponse. */
export function renderServerResponse(record: VersionRecord): string {
  return `{"server":${record.serverJson},"_meta":${JSON.stringify(responseMeta(record))}}`;
}

/** The JSON text of a list envelope from already rendered items. */
export function renderServerList(items: readonly string[], nextCursor?: string): string {
  const metadata =
    nextCursor === undefined
      ? `{"count":${items.length}}`
      : `{"count":${items.length},"nextCursor":${JSON.stringify(nextCursor)}}`;
  return `{"servers":[${items.join(",")}],"metadata":${metadata}}`;
}

/** Order of GET /servers/{name}/versions: newest publish first. */
export function byPublishedDesc(a: VersionRecord, b: VersionRecord): number {
  return b.publishedAt - a.publishedAt || (a.version < b.version ? 1 : a.version > b.version ? -1 : 0);
}
