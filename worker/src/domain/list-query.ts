// The official list query (GET /servers, spec §3.4 and §11) as parsed, and its canonical form,
// which doubles as the cache key. Parsing from the URL lives in http/list-params.ts.

export interface ListCursor {
  name: string;
  /** Absent for a legacy cursor without ':' (continue after the name). */
  version?: string;
}

export interface ListQuery {
  cursor?: ListCursor;
  limit: number;
  /** Lower-cased substring of the name, matched literally; absent when empty. */
  search?: string;
  /** Microseconds; rows with updated_at strictly greater are kept. */
  updatedSince?: number;
  /** Keep only is_latest rows (version=latest). */
  latestOnly: boolean;
  /** Keep only rows with exactly this version. */
  exactVersion?: string;
  /** Deleted rows are shown (forced on by updatedSince). */
  includeDeleted: boolean;
}

export const DEFAULT_LIMIT = 30;
export const MAX_LIMIT = 100;

/** A canonical, collision-free rendering of a parsed query, used as its cache key. */
export function listQueryKey(query: ListQuery): string {
  return JSON.stringify([
    query.cursor?.name ?? null,
    query.cursor?.version ?? null,
    query.limit,
    query.search ?? null,
    query.updatedSince ?? null,
    query.latestOnly,
    query.exactVersion ?? null,
    query.includeDeleted,
  ]);
}
