// The query path: accumulate precomputed impacts per word, combine words, add name boosts,
// then one pass over the matched documents for filters, facets and the top k.
import type { Expansion } from "./expansion.ts";
import { FilterFacets } from "./filter-facets.ts";
import { type LoadedIndex, scratchFor } from "./loaded-index.ts";
import { PACKAGE_BOOST, chain, nameBoost } from "./name-keys.ts";
import { normalizeQuery } from "./normalize-query.ts";
import { type PreparedOverlay, preparedOverlay } from "./prepared-overlay.ts";
import { type QueryPlan, planQuery } from "./query-plan.ts";
import { DEPRECATED_FLAG } from "./serialized-index.ts";
import { indexOfSorted } from "./sorted-strings.ts";
import { TopK } from "./top-k.ts";
import type { Overlay, SearchHit, SearchRequest, SearchResult } from "./types.ts";

/**
 * Deprecated documents keep half their score: below active documents of similar relevance,
 * but a deprecated exact name match (≥ 450) still beats every non-exact active match.
 */
export const DEPRECATED_FACTOR = 0.5;

export const EMPTY_OVERLAY: Overlay = Object.freeze({ upserts: Object.freeze([]), removed: new Set<string>() });

function wholeNumber(value: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(0, Math.floor(value))) : 0;
}

function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

export function search(index: LoadedIndex, overlay: Overlay, request: SearchRequest): SearchResult {
  const prepared = preparedOverlay(index, overlay);
  const candidates = index.docCount + prepared.docs.length;
  const limit = wholeNumber(request.limit, candidates);
  const offset = wholeNumber(request.offset, candidates);
  const counter = new FilterFacets(index, prepared, request.filters);
  const plan = planQuery(index, prepared, normalizeQuery(typeof request.q === "string" ? request.q : ""));
  const hits = counter.admitsNothing
    ? []
    : plan.matchAll
      ? listByName(index, prepared, counter, offset, limit)
      : ranked(index, prepared, counter, plan, offset, limit);
  return { hits, total: counter.total, facets: counter.facets() };
}

/** Empty q: every document that passes the filters, by name, score 0. */
function listByName(
  index: LoadedIndex,
  overlay: PreparedOverlay,
  counter: FilterFacets,
  offset: number,
  limit: number,
): SearchHit[] {
  const hits: SearchHit[] = [];
  const hidden = overlay.hidden;
  const extra = overlay.docs;
  const end = offset + limit;
  let position = 0;
  let o = 0;
  for (let d = 0; d <= index.docCount; d++) {
    const name = d < index.docCount ? (index.names[d] ?? "") : undefined;
    // Overlay documents sorting before this index document come first.
    while (o < extra.length && (name === undefined || (extra[o]?.name ?? "") < name)) {
      const doc = extra[o++];
      if (doc === undefined || !counter.overlayDoc(doc)) continue;
      if (position >= offset && position < end) hits.push({ name: doc.name, score: 0 });
      position++;
    }
    if (name === undefined || hidden?.[d] === 1 || !counter.indexDoc(d)) continue;
    if (position >= offset && position < end) hits.push({ name, score: 0 });
    position++;
  }
  return hits;
}

function ranked(
  index: LoadedIndex,
  overlay: PreparedOverlay,
  counter: FilterFacets,
  plan: QueryPlan,
  offset: number,
  limit: number,
): SearchHit[] {
  const docCount = index.docCount;
  const scratch = scratchFor(index, docCount + overlay.docs.length);
  const { score, wordBest, boost, matched, touched, wordTouched } = scratch;
  const postingDocs = index.postingDocs;
  const postingImpact = index.postingImpact;
  const termStart = index.termStart;
  let touchedCount = 0;

  for (const { expansions } of plan.words) {
    const only = expansions.length === 1 ? expansions[0] : undefined;
    if (only !== undefined) {
      // One term: its postings hold each document once, so add straight into the total.
      const factor = only.factor;
      if (only.termId !== -1) {
        const end = termStart[only.termId + 1] ?? 0;
        for (let p = termStart[only.termId] ?? 0; p < end; p++) {
          const d = postingDocs[p] ?? 0;
          if (matched[d] === 0) touched[touchedCount++] = d;
          matched[d]!++;
          score[d]! += (postingImpact[p] ?? 0) * factor;
        }
      }
      const extra = overlay.postings.get(only.term);
      if (extra !== undefined) {
        for (let i = 0; i < extra.docs.length; i++) {
          const c = docCount + (extra.docs[i] ?? 0);
          if (matched[c] === 0) touched[touchedCount++] = c;
          matched[c]!++;
          score[c]! += (extra.impacts[i] ?? 0) * factor;
        }
      }
      continue;
    }
    // Several terms: a document counts its best one, so many completions do not add up.
    const wordCount = bestPerDocument(index, overlay, expansions, wordBest, wordTouched);
    for (let i = 0; i < wordCount; i++) {
      const c = wordTouched[i] ?? 0;
      if (matched[c] === 0) touched[touchedCount++] = c;
      matched[c]!++;
      score[c]! += wordBest[c] ?? 0;
      wordBest[c] = 0;
    }
  }

  const addBoost = (c: number, value: number): void => {
    if (value <= 0) return;
    if (matched[c] === 0 && boost[c] === 0) touched[touchedCount++] = c;
    if (value > (boost[c] ?? 0)) boost[c] = value;
  };
  if (plan.compact !== "") {
    for (const keys of [index.fullNames, index.serverParts, index.serverCores]) {
      for (const d of chain(keys, plan.compact)) addBoost(d, nameBoost(index.names[d] ?? "", plan.lower, plan.compact));
    }
    for (const keys of [overlay.fullNames, overlay.serverParts, overlay.serverCores]) {
      for (const i of chain(keys, plan.compact)) {
        addBoost(docCount + i, nameBoost(overlay.docs[i]?.name ?? "", plan.lower, plan.compact));
      }
    }
    const k = indexOfSorted(index.packageKeys, plan.compact);
    if (k !== -1) {
      const end = index.packageKeyStart[k + 1] ?? 0;
      for (let i = index.packageKeyStart[k] ?? 0; i < end; i++) addBoost(index.packageKeyDocs[i] ?? 0, PACKAGE_BOOST);
    }
    for (const i of overlay.packageKeys.get(plan.compact) ?? []) addBoost(docCount + i, PACKAGE_BOOST);
  }

  const top = new TopK(Math.min(offset + limit, touchedCount), docCount, (c) =>
    c < docCount ? (index.names[c] ?? "") : (overlay.docs[c - docCount]?.name ?? ""),
  );
  const words = plan.words.length;
  const hidden = overlay.hidden;
  for (let i = 0; i < touchedCount; i++) {
    const c = touched[i] ?? 0;
    const relevance = words === 0 ? 0 : ((score[c] ?? 0) * (matched[c] ?? 0)) / words;
    const bonus = boost[c] ?? 0;
    score[c] = 0;
    matched[c] = 0;
    boost[c] = 0;
    let flags: number;
    if (c < docCount) {
      if (hidden?.[c] === 1 || !counter.indexDoc(c)) continue;
      flags = index.docFlags[c] ?? 0;
    } else {
      const doc = overlay.docs[c - docCount];
      if (doc === undefined || !counter.overlayDoc(doc)) continue;
      flags = doc.flags;
    }
    // Coordination: a document matching 2 of 3 words keeps 2/3 of its summed score.
    const total = (relevance + bonus) * (flags & DEPRECATED_FLAG ? DEPRECATED_FACTOR : 1);
    top.offer(c, total);
  }
  const names = (c: number): string => (c < docCount ? (index.names[c] ?? "") : (overlay.docs[c - docCount]?.name ?? ""));
  return top
    .sorted()
    .slice(offset, offset + limit)
    .map(({ id, score: s }) => ({ name: names(id), score: roundScore(s) }));
}

/** Best factor × impact per document over several expansions; returns how many documents it touched. */
function bestPerDocument(
  index: LoadedIndex,
  overlay: PreparedOverlay,
  expansions: readonly Expansion[],
  wordBest: Float64Array,
  wordTouched: Uint32Array,
): number {
  const docCount = index.docCount;
  const postingDocs = index.postingDocs;
  const postingImpact = index.postingImpact;
  let count = 0;
  for (const { term, termId, factor } of expansions) {
    if (termId !== -1) {
      const end = index.termStart[termId + 1] ?? 0;
      for (let p = index.termStart[termId] ?? 0; p < end; p++) {
        const d = postingDocs[p] ?? 0;
        const v = (postingImpact[p] ?? 0) * factor;
        const best = wordBest[d] ?? 0;
        if (best === 0) wordTouched[count++] = d;
        if (v > best) wordBest[d] = v;
      }
    }
    const extra = overlay.postings.get(term);
    if (extra === undefined) continue;
    for (let i = 0; i < extra.docs.length; i++) {
      const c = docCount + (extra.docs[i] ?? 0);
      const v = (extra.impacts[i] ?? 0) * factor;
      const best = wordBest[c] ?? 0;
      if (best === 0) wordTouched[count++] = c;
      if (v > best) wordBest[c] = v;
    }
  }
  return count;
}
