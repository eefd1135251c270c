// The other side of upstream.ts: the page an upstream registry answers to GET /v0.1/servers
// (spec §3.4 and §11), computed over versions held in memory. The registry answers its own list
// from D1 (storage/); this is the upstream as a mirror sees it, served by the fake upstreams of
// the mirroring tests (test/helpers/fake-upstream.ts) and of the mirroring benchmark
// (bench/lib/dataset-upstream.ts). Pure: parse the query with http/list-params.ts first.
import type { ListQuery } from "../domain/list-query.ts";
import { renderServerList, renderServerResponse, type VersionRecord } from "../domain/server-response.ts";

/**
 * The list page `query` selects from `rows`, which must be in (name, version) byte order (the
 * official order): deleted rows only with includeDeleted (which updated_since forces on),
 * updated_since strict, search a case-insensitive substring of the name, version exact or
 * "latest", after the cursor ("name:version", or a bare name: after every version of it), at
 * most `limit` rows, and nextCursor ("name:version" of the last row) only on a full page.
 */
export function officialListPage(rows: readonly VersionRecord[], query: ListQuery): string {
  const { cursor, search, updatedSince, exactVersion } = query;
  const after = (r: VersionRecord) =>
    cursor === undefined ||
    r.name > cursor.name ||
    (cursor.version !== undefined && r.name === cursor.name && r.version > cursor.version);
  const page: VersionRecord[] = [];
  for (const r of rows) {
    if (page.length === query.limit) break;
    if (
      (query.includeDeleted || r.status !== "deleted") &&
      (updatedSince === undefined || r.updatedAt > updatedSince) &&
      (search === undefined || r.name.toLowerCase().includes(search)) &&
      (exactVersion === undefined || r.version === exactVersion) &&
      (!query.latestOnly || r.isLatest) &&
      after(r)
    ) {
      page.push(r);
    }
  }
  const last = page.at(-1);
  const next = page.length === query.limit && last ? `${last.name}:${last.version}` : undefined;
  return renderServerList(page.map(renderServerResponse), next);
}
