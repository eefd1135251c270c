// Ranked q: accumulate precomputed impacts per word, add name boosts, then one pass over the
// matched documents for filters, facets and the top k.
import type { Expansion } from "./expansion.ts";
import { type FilterFacets, type NamespaceFilter, PASSES, REJECTED } from "./filter-facets.ts";
import { type LoadedIndex, type Scratch, scratchFor } from "./loaded-index.ts";
import { PACKAGE_BOOST, SERVER_CORE_BOOST, chain, fullNameBoost, serverPartBoost } from "./name-keys.ts";
import type { PreparedOverlay } from "./prepared-overlay.ts";
import type { QueryPlan, QueryWord } from "./query-plan.ts";
import { DEPRECATED_FLAG } from "./serialized-index.ts";
import { indexOfSorted } from "./sorted-strings.ts";
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
const COMMON_SHARE = 0.1;
const COMMON_MIN_DOCS = 2000;

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

/**
 * matched[c] holds the number of words a candidate matched (at most MAX_QUERY_WORDS) and the
 * BOOSTED bit; 0 means "not a candidate yet", the only test the posting loops make.
 */
const BOOSTED = 128;
const WORD_COUNT = 127;

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
  const acc: Accumulator = { index, overlay, scratch: scratchFor(index, docCount + overlay.docs.length), touchedCount: 0 };
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
  const only = expansions.length === 1 ? expansions[0] : undefined;
  if (only !== undefined) addSingleTerm(acc, only, existingOnly);
  else addBestTerm(acc, expansions, existingOnly);
}

// The loops below are the hot path; `!` marks reads that are in bounds by construction.

/** One term lists a document once: add straight into the totals. */
function addSingleTerm(acc: Accumulator, expansion: Expansion, existingOnly: boolean): void {
  const { index, overlay, scratch } = acc;
  const { score, matched, touched } = scratch;
  const { factor, termId } = expansion;
  const postingDocs = index.postingDocs;
  const postingImpact = index.postingImpact;
  let touchedCount = acc.touchedCount;
  const from = termId === -1 ? 0 : index.termStart[termId]!;
  const to = termId === -1 ? 0 : index.termStart[termId + 1]!;
  if (existingOnly) {
    for (let p = from; p < to; p++) {
      const d = postingDocs[p]!;
      if (matched[d] === 0) continue;
      matched[d]!++;
      score[d]! += postingImpact[p]! * factor;
    }
  } else {
    for (let p = from; p < to; p++) {
      const d = postingDocs[p]!;
      if (matched[d] === 0) touched[touchedCount++] = d;
      matched[d]!++;
      score[d]! += postingImpact[p]! * factor;
    }
  }
  const extra = overlay.postings.get(expansion.term);
  if (extra !== undefined) {
    for (let i = 0; i < extra.docs.length; i++) {
      const c = index.docCount + extra.docs[i]!;
      const fresh = matched[c] === 0;
      if (fresh && existingOnly) continue;
      if (fresh) touched[touchedCount++] = c;
      matched[c]!++;
      score[c]! += extra.impacts[i]! * factor;
    }
  }
  acc.touchedCount = touchedCount;
}

/** Several terms (variants, completions, typos): a document counts its best one. */
function addBestTerm(acc: Accumulator, expansions: readonly Expansion[], existingOnly: boolean): void {
  const { index, overlay, scratch } = acc;
  const { score, wordBest, matched, touched, wordTouched } = scratch;
  const postingDocs = index.postingDocs;
  const postingImpact = index.postingImpact;
  let count = 0;
  for (const { term, termId, factor } of expansions) {
    const to = termId === -1 ? 0 : index.termStart[termId + 1]!;
    for (let p = termId === -1 ? 0 : index.termStart[termId]!; p < to; p++) {
      const d = postingDocs[p]!;
      if (existingOnly && matched[d] === 0) continue;
      const v = postingImpact[p]! * factor;
      const best = wordBest[d]!;
      if (best === 0) wordTouched[count++] = d;
      if (v > best) wordBest[d] = v;
    }
    const extra = overlay.postings.get(term);
    if (extra === undefined) continue;
    for (let i = 0; i < extra.docs.length; i++) {
      const c = index.docCount + extra.docs[i]!;
      if (existingOnly && matched[c] === 0) continue;
      const v = extra.impacts[i]! * factor;
      const best = wordBest[c]!;
      if (best === 0) wordTouched[count++] = c;
      if (v > best) wordBest[c] = v;
    }
  }
  let touchedCount = acc.touchedCount;
  for (let i = 0; i < count; i++) {
    const c = wordTouched[i]!;
    if (matched[c] === 0) touched[touchedCount++] = c;
    matched[c]!++;
    score[c]! += wordBest[c]!;
    wordBest[c] = 0;
  }
  acc.touchedCount = touchedCount;
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
  const overlayName = (i: number): string => overlay.docs[i]?.name ?? "";
  for (const d of chain(index.fullNames, compact)) add(d, fullNameBoost(index.names[d] ?? "", lower));
  for (const i of chain(overlay.fullNames, compact)) add(docCount + i, fullNameBoost(overlayName(i), lower));
  for (const d of chain(index.serverParts, compact)) add(d, serverPartBoost(index.names[d] ?? "", lower));
  for (const i of chain(overlay.serverParts, compact)) add(docCount + i, serverPartBoost(overlayName(i), lower));
  for (const d of chain(index.serverCores, compact)) add(d, SERVER_CORE_BOOST);
  for (const i of chain(overlay.serverCores, compact)) add(docCount + i, SERVER_CORE_BOOST);
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
  const nameOf = (c: number): string => (c < docCount ? (index.names[c] ?? "") : (overlay.docs[c - docCount]?.name ?? ""));
  const top = new TopK(Math.min(offset + limit, touchedCount), docCount, nameOf);
  const hidden = overlay.hidden;
  const namespaceId = namespace.id;
  const perWord = words === 0 ? 0 : 1 / words;
  const { state, counts } = counter;
  const { docProfile, docFlags, docNamespace } = index;
  for (let i = 0; i < touchedCount; i++) {
    const c = touched[i]!;
    // Coordination: a document matching 2 of 3 words keeps 2/3 of its summed score.
    const m = matched[c]!;
    const relevance = score[c]! * (m & WORD_COUNT) * perWord;
    let bonus = 0;
    if (m & BOOSTED) {
      bonus = boost[c]!;
      boost[c] = 0;
    }
    score[c] = 0;
    matched[c] = 0;
    let flags: number;
    if (c < docCount) {
      if (hidden !== undefined && hidden[c] === 1) continue;
      if (namespaceId !== undefined && docNamespace[c] !== namespaceId) continue;
      // counter.accept(), inlined: this loop can run over most of the catalogue.
      const p = docProfile[c]!;
      const s = state[p]!;
      if (s === REJECTED) continue;
      counts[p]!++;
      if (s !== PASSES) continue;
      flags = docFlags[c]!;
    } else {
      const doc = overlay.docs[c - docCount];
      if (doc === undefined) continue;
      if (namespace.name !== undefined && doc.namespace !== namespace.name) continue;
      if (!counter.accept(doc.profile)) continue;
      flags = doc.flags;
    }
    const total = (relevance + bonus) * (flags & DEPRECATED_FLAG ? DEPRECATED_FACTOR : 1);
    if (total >= top.floor) top.offer(c, total);
  }
  return top
    .sorted()
    .slice(offset, offset + limit)
    .map(({ id, score: s }) => ({ name: nameOf(id), score: roundScore(s) }));
}
