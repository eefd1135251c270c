// Ranked q: accumulate precomputed impacts per word, add name boosts, then one pass over the
// matched documents for filters, facets and the top k.
import type { Expansion } from "./expansion.ts";
import type { FilterFacets, NamespaceFilter } from "./filter-facets.ts";
import { type LoadedIndex, type Scratch, scratchFor } from "./loaded-index.ts";
import { PACKAGE_BOOST, SERVER_CORE_BOOST, fullNameBoost, serverPartBoost } from "./name-keys.ts";
import { FULL_KEY, PART_KEY, lookupName } from "./name-table.ts";
import type { PreparedOverlay } from "./loaded-index.ts";
import type { QueryPlan, QueryWord } from "./query-plan.ts";
import { DEPRECATED_FLAG } from "./serialized-index.ts";
import { indexOfSorted } from "./sorted-strings.ts";
import { BOOSTED, type Selection, addTerm, bestOfTerm, foldBest, selectCandidates } from "./score-kernels.ts";
import { TopK } from "./top-k.ts";
import type { SearchHit } from "./types.ts";

/**
 * Deprecated documents keep half their score: below active documents of similar relevance,
 * while a deprecated exact name match (≥ 450) still beats every non-exact active match.
 */
export const DEPRECATED_FACTOR = 0.5;

/**
 * A word in more than this share of documents (and at least COMMON_MIN_DOCS of them) is
 * "common": when the query also has a rarer word, it only adds score to documents that
 * match a rarer word or the name, instead of making thousands of weak candidates.
 */
const COMMON_SHARE = 0.05;
const COMMON_MIN_DOCS = 500;

function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

function wordFrequency(index: LoadedIndex, word: QueryWord): number {
  let df = 0;
  for (const e of word.expansions) {
    if (e.termId !== -1) df += (index.termStart[e.termId + 1] ?? 0) - (index.termStart[e.termId] ?? 0);
  }
  return df;
}

/** Accumulation state of one query over the scratch arrays. */
interface Accumulator {
  index: LoadedIndex;
  overlay: PreparedOverlay;
  scratch: Scratch;
  touchedCount: number;
}

export function rankedSearch(
  index: LoadedIndex,
  overlay: PreparedOverlay,
  counter: FilterFacets,
  namespace: NamespaceFilter,
  plan: QueryPlan,
  offset: number,
  limit: number,
): SearchHit[] {
  const docCount = index.docCount;
  const acc: Accumulator = {
    index,
    overlay,
    scratch: scratchFor(index, docCount + overlay.docs.length),
    touchedCount: 0,
  };
  const threshold = Math.max(COMMON_MIN_DOCS, docCount * COMMON_SHARE);
  const common = plan.words.map((w) => wordFrequency(index, w) > threshold);
  const restrict = common.includes(false);
  plan.words.forEach((word, i) => {
    if (!(restrict && common[i])) addWord(acc, word.expansions, false);
  });
  addNameBoosts(acc, plan);
  if (restrict) plan.words.forEach((word, i) => common[i] && addWord(acc, word.expansions, true));
  return select(acc, counter, namespace, plan.words.length, offset, limit);
}

/** Adds one word into the totals (only to existing candidates when existingOnly). */
function addWord(acc: Accumulator, expansions: readonly Expansion[], existingOnly: boolean): void {
  const { index, overlay, scratch } = acc;
  const { score, wordBest, matched, touched, wordTouched } = scratch;
  const single = expansions.length === 1;
  let wordCount = 0;
  for (const { term, termId, factor } of expansions) {
    const from = termId === -1 ? 0 : (index.termStart[termId] ?? 0);
    const to = termId === -1 ? 0 : (index.termStart[termId + 1] ?? 0);
    const extra = overlay.postings.get(term);
    if (single) {
      acc.touchedCount = addTerm(
        index.postingDocs,
        index.postingImpact,
        from,
        to,
        factor,
        0,
        existingOnly,
        matched,
        score,
        touched,
        acc.touchedCount,
      );
      if (extra !== undefined) {
        acc.touchedCount = addTerm(
          extra.docs,
          extra.impacts,
          0,
          extra.docs.length,
          factor,
          index.docCount,
          existingOnly,
          matched,
          score,
          touched,
          acc.touchedCount,
        );
      }
    } else {
      // Several terms (variants, completions, typos): a document counts its best one.
      wordCount = bestOfTerm(
        index.postingDocs,
        index.postingImpact,
        from,
        to,
        factor,
        0,
        existingOnly,
        matched,
        wordBest,
        wordTouched,
        wordCount,
      );
      if (extra !== undefined) {
        wordCount = bestOfTerm(
          extra.docs,
          extra.impacts,
          0,
          extra.docs.length,
          factor,
          index.docCount,
          existingOnly,
          matched,
          wordBest,
          wordTouched,
          wordCount,
        );
      }
    }
  }
  if (!single) acc.touchedCount = foldBest(wordTouched, wordCount, wordBest, matched, score, touched, acc.touchedCount);
}

function addNameBoosts(acc: Accumulator, plan: QueryPlan): void {
  if (plan.compact === "") return;
  const { index, overlay, scratch } = acc;
  const { boost, matched, touched } = scratch;
  const docCount = index.docCount;
  const add = (c: number, value: number): void => {
    if (matched[c] === 0) touched[acc.touchedCount++] = c;
    matched[c]! |= BOOSTED;
    if (value > (boost[c] ?? 0)) boost[c] = value;
  };
  const { lower, compact } = plan;
  const indexName = (d: number): string => index.names[d] ?? "";
  const overlayName = (i: number): string => overlay.docs[i]?.name ?? "";
  const boostOf = (name: string, kind: number): number =>
    kind === FULL_KEY
      ? fullNameBoost(name, lower)
      : kind === PART_KEY
        ? serverPartBoost(name, lower)
        : SERVER_CORE_BOOST;
  lookupName(index.nameTable, indexName, compact, (d, kind) => add(d, boostOf(indexName(d), kind)));
  lookupName(overlay.nameTable, overlayName, compact, (i, kind) => add(docCount + i, boostOf(overlayName(i), kind)));
  const k = indexOfSorted(index.packageKeys, compact);
  if (k !== -1) {
    const end = index.packageKeyStart[k + 1] ?? 0;
    for (let i = index.packageKeyStart[k] ?? 0; i < end; i++) add(index.packageKeyDocs[i] ?? 0, PACKAGE_BOOST);
  }
  for (const i of overlay.packageKeys.get(compact) ?? []) add(docCount + i, PACKAGE_BOOST);
}

/** Filters, counts facets and keeps the page, resetting the scratch arrays on the way. */
function select(
  acc: Accumulator,
  counter: FilterFacets,
  namespace: NamespaceFilter,
  words: number,
  offset: number,
  limit: number,
): SearchHit[] {
  const { index, overlay, touchedCount } = acc;
  const { score, boost, matched, touched } = acc.scratch;
  const docCount = index.docCount;
  const nameOf = (c: number): string =>
    c < docCount ? (index.names[c] ?? "") : (overlay.docs[c - docCount]?.name ?? "");
  const top = new TopK(Math.min(offset + limit, touchedCount), docCount, nameOf);
  const overlayIds: number[] = [];
  const overlayScores: number[] = [];
  const selection: Selection = {
    docCount,
    perWord: words === 0 ? 0 : 1 / words,
    hidden: overlay.hidden,
    namespaceId: namespace.id,
    docNamespace: index.docNamespace,
    docProfile: index.docProfile,
    docFlags: index.docFlags,
    state: counter.state,
    counts: counter.counts,
    deprecatedFlag: DEPRECATED_FLAG,
    deprecatedFactor: DEPRECATED_FACTOR,
  };
  selectCandidates(selection, touched, touchedCount, matched, score, boost, top, overlayIds, overlayScores);
  overlayIds.forEach((c, i) => {
    const doc = overlay.docs[c - docCount];
    if (doc === undefined) return;
    if (namespace.name !== undefined && doc.namespace !== namespace.name) return;
    if (!counter.accept(doc.profile)) return;
    const value = overlayScores[i] ?? 0;
    top.offer(c, doc.flags & DEPRECATED_FLAG ? value * DEPRECATED_FACTOR : value);
  });
  return top
    .sorted()
    .slice(offset, offset + limit)
    .map(({ id, score: s }) => ({ name: nameOf(id), score: roundScore(s) }));
}
