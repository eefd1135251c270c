// Public shapes of the ranked search: the per-name document, the request and the answer.
import type { IncludeSet } from "./include-set.ts";

export type Hosting = "remote" | "package";
export type SearchStatus = "active" | "deprecated";

/** One per server name: its latest visible version, reduced to what search reads. */
export interface SearchDocument {
  /** e.g. "io.github.alice/postgres-mcp" */
  name: string;
  /** The part before "/". */
  namespace: string;
  version: string;
  status: SearchStatus;
  title?: string;
  description: string;
  /** e.g. "@modelcontextprotocol/server-postgres", "ghcr.io/acme/pg:1.0" */
  packageIdentifiers: string[];
  /** Hostnames of remote URLs, e.g. "mcp.acme.com". */
  remoteHosts: string[];
  /** npm | pypi | oci | nuget | mcpb (others kept as-is). */
  registryTypes: string[];
  /** stdio | streamable-http | sse, from packages and remotes. */
  transports: string[];
  /** "remote" if it has remotes, "package" if it has packages. */
  hosting: Hosting[];
}

export interface SearchFilters {
  /** OR-list: a document matches when it has any of these. */
  registryType?: string[];
  /** OR-list, like registryType. */
  transport?: string[];
  hosting?: Hosting;
  /** Exact namespace. */
  namespace?: string;
  status: SearchStatus[];
}

export interface SearchRequest {
  q: string;
  limit: number;
  offset: number;
  filters: SearchFilters;
}

export interface SearchHit {
  name: string;
  score: number;
}

export interface SearchFacets {
  registryType: Record<string, number>;
  transport: Record<string, number>;
  hosting: Record<string, number>;
}

export interface SearchResult {
  /** The page [offset, offset + limit). */
  hits: SearchHit[];
  /** Every document matching q and all filters. */
  total: number;
  facets: SearchFacets;
}

/**
 * Documents changed after the index was built: `upserts` replace or add names, `removed`
 * hides names (a name in both is hidden). Pass the same object to many searches: its
 * prepared form is cached per object.
 */
export interface Overlay {
  upserts: readonly SearchDocument[];
  removed: ReadonlySet<string>;
  /**
   * A view's filter (a group's): index documents its include patterns do not match, and upserts
   * neither matched nor its own, are hidden like removed ones, so results, totals and facets
   * count only what it shows. Absent: every document is visible.
   */
  view?: OverlayView;
}

export interface OverlayView {
  /** The view's include patterns, compiled (one per group configuration: it keeps its index mask). */
  include: IncludeSet;
  /** Names of upserts shown whatever the patterns: the view's own documents. */
  own: ReadonlySet<string>;
}
