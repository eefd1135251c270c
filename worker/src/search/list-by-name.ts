// Empty q: every visible document that passes the filters, in name order, score 0. Without a
// namespace filter the counts come from per-profile totals and only the page is walked.
import type { FilterFacets, NamespaceFilter } from "./filter-facets.ts";
import type { LoadedIndex } from "./loaded-index.ts";
import type { PreparedOverlay } from "./loaded-index.ts";
import type { SearchHit } from "./types.ts";

export function listByName(
  index: LoadedIndex,
  overlay: PreparedOverlay,
  counter: FilterFacets,
  namespace: NamespaceFilter,
  offset: number,
  limit: number,
): SearchHit[] {
  const hits: SearchHit[] = [];
  const end = offset + limit;
  const hidden = overlay.hidden;
  const extra = overlay.docs;
  let position = 0;
  let o = 0;

  if (namespace.name === undefined) {
    counter.acceptAll(overlay.profileDocCount);
    if (limit === 0 || !counter.anyPasses) return hits;
    for (let d = 0; d <= index.docCount; d++) {
      const name = d < index.docCount ? (index.names[d] ?? "") : undefined;
      // Overlay documents sorting before this index document come first.
      while (o < extra.length && (name === undefined || (extra[o]?.name ?? "") < name)) {
        const doc = extra[o++];
        if (doc === undefined || !counter.passes(doc.profile)) continue;
        if (position++ >= offset) hits.push({ name: doc.name, score: 0 });
        if (position === end) return hits;
      }
      if (name === undefined || hidden?.[d] === 1 || !counter.passes(index.docProfile[d] ?? 0)) continue;
      if (position++ >= offset) hits.push({ name, score: 0 });
      if (position === end) return hits;
    }
    return hits;
  }

  // One namespace: walk its documents only, counting as we go.
  const group = namespace.id ?? -1;
  const from = group === -1 ? 0 : (index.namespaceStart[group] ?? 0);
  const to = group === -1 ? 0 : (index.namespaceStart[group + 1] ?? 0);
  const own = extra.filter((doc) => doc.namespace === namespace.name);
  for (let k = from; k <= to; k++) {
    const d = k < to ? (index.namespaceDocs[k] ?? 0) : -1;
    const name = d === -1 ? undefined : (index.names[d] ?? "");
    while (o < own.length && (name === undefined || (own[o]?.name ?? "") < name)) {
      const doc = own[o++];
      if (doc === undefined || !counter.accept(doc.profile)) continue;
      if (position >= offset && position < end) hits.push({ name: doc.name, score: 0 });
      position++;
    }
    if (name === undefined || hidden?.[d] === 1 || !counter.accept(index.docProfile[d] ?? 0)) continue;
    if (position >= offset && position < end) hits.push({ name, score: 0 });
    position++;
  }
  return hits;
}
