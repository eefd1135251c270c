// Entry point of a query: normalise, plan, then either list by name (no words) or rank.
import { FilterFacets, type NamespaceFilter } from "./filter-facets.ts";
import { listByName } from "./list-by-name.ts";
import type { LoadedIndex } from "./loaded-index.ts";
import { normalizeQuery } from "./normalize-query.ts";
import { preparedOverlay } from "./prepared-overlay.ts";
import { planQuery } from "./query-plan.ts";
import { rankedSearch } from "./ranked-search.ts";
import { indexOfSorted } from "./sorted-strings.ts";
import type { Overlay, SearchRequest, SearchResult } from "./types.ts";

export const EMPTY_OVERLAY: Overlay = Object.freeze({ upserts: Object.freeze([]), removed: new Set<string>() });

function wholeNumber(value: unknown, max: number): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(max, Math.max(0, Math.floor(value))) : 0;
}

export function search(index: LoadedIndex, overlay: Overlay, request: SearchRequest): SearchResult {
  const prepared = preparedOverlay(index, overlay);
  const candidates = index.docCount + prepared.docs.length;
  const limit = wholeNumber(request.limit, candidates);
  const offset = wholeNumber(request.offset, candidates);
  const filters = request.filters;
  const counter = new FilterFacets(prepared, filters);
  const name = typeof filters.namespace === "string" ? filters.namespace : undefined;
  const namespace: NamespaceFilter = {
    id: name === undefined ? undefined : indexOfSorted(index.namespaces, name),
    name,
  };
  const plan = planQuery(index, prepared, normalizeQuery(typeof request.q === "string" ? request.q : ""));
  const hits = counter.countsNothing
    ? []
    : plan.matchAll
      ? listByName(index, prepared, counter, namespace, offset, limit)
      : rankedSearch(index, prepared, counter, namespace, plan, offset, limit);
  return { hits, ...counter.result() };
}
