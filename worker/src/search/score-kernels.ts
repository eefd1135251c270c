// The hot loops of a ranked query, as small functions over typed arrays only. Keeping them
// free of objects, Maps and code after the loop lets V8 compile each once and keep it
// optimised (a long loop followed by untried code deoptimises on every call).
import { PASSES, REJECTED } from "./filter-facets.ts";
import type { TopK } from "./top-k.ts";

/**
 * matched[c] holds the number of words a candidate matched (at most MAX_QUERY_WORDS) and the
 * BOOSTED bit; 0 means "not a candidate yet", the only test the posting loops make.
 */
export const BOOSTED = 128;
export const WORD_COUNT = 127;

/** One term lists a document once: adds factor × impact straight into the totals. Returns the new touched count. */
export function addTerm(
  docs: Uint32Array,
  impacts: Float32Array,
  from: number,
  to: number,
  factor: number,
  base: number,
  existingOnly: boolean,
  matched: Uint8Array,
  score: Float64Array,
  touched: Uint32Array,
  touchedCount: number,
): number {
  let count = touchedCount;
  for (let p = from; p < to; p++) {
    const d = base + docs[p]!;
    if (matched[d] === 0) {
      if (existingOnly) continue;
      touched[count++] = d;
    }
    matched[d]!++;
    score[d]! += impacts[p]! * factor;
  }
  return count;
}

/** Keeps each document's best factor × impact over several terms. Returns the new word-touched count. */
export function bestOfTerm(
  docs: Uint32Array,
  impacts: Float32Array,
  from: number,
  to: number,
  factor: number,
  base: number,
  existingOnly: boolean,
  matched: Uint8Array,
  wordBest: Float64Array,
  wordTouched: Uint32Array,
  wordCount: number,
): number {
  let count = wordCount;
  for (let p = from; p < to; p++) {
    const d = base + docs[p]!;
    if (existingOnly && matched[d] === 0) continue;
    const v = impacts[p]! * factor;
    const best = wordBest[d]!;
    if (best === 0) wordTouched[count++] = d;
    if (v > best) wordBest[d] = v;
  }
  return count;
}

/** Adds the per-word bests into the totals and clears them. Returns the new touched count. */
export function foldBest(
  wordTouched: Uint32Array,
  wordCount: number,
  wordBest: Float64Array,
  matched: Uint8Array,
  score: Float64Array,
  touched: Uint32Array,
  touchedCount: number,
): number {
  let count = touchedCount;
  for (let i = 0; i < wordCount; i++) {
    const c = wordTouched[i]!;
    if (matched[c] === 0) touched[count++] = c;
    matched[c]!++;
    score[c]! += wordBest[c]!;
    wordBest[c] = 0;
  }
  return count;
}

/** Per-request inputs of selectCandidates. */
export interface Selection {
  docCount: number;
  /** 1 / number of words (0 without words). */
  perWord: number;
  hidden: Uint8Array | undefined;
  /** undefined without namespace filter. */
  namespaceId: number | undefined;
  docNamespace: Uint32Array;
  docProfile: Uint32Array;
  docFlags: Uint8Array;
  /** Per profile: REJECTED, PASSES or the one facet filter it fails (see filter-facets.ts). */
  state: Uint8Array;
  counts: Uint32Array;
  deprecatedFlag: number;
  deprecatedFactor: number;
}

/**
 * Scores, filters and counts every index candidate, offering the passing ones to top; resets
 * the scratch arrays. Overlay candidates (ids ≥ docCount) are returned with their final
 * relevance + bonus for the caller, which knows their profiles.
 */
export function selectCandidates(
  sel: Selection,
  touched: Uint32Array,
  touchedCount: number,
  matched: Uint8Array,
  score: Float64Array,
  boost: Float64Array,
  top: TopK,
  overlayIds: number[],
  overlayScores: number[],
): void {
  const { docCount, perWord, hidden, namespaceId, docNamespace, docProfile, docFlags, state, counts } = sel;
  for (let i = 0; i < touchedCount; i++) {
    const c = touched[i]!;
    const m = matched[c]!;
    // Coordination: a document matching 2 of 3 words keeps 2/3 of its summed score.
    let value = score[c]! * (m & WORD_COUNT) * perWord;
    if (m & BOOSTED) {
      value += boost[c]!;
      boost[c] = 0;
    }
    score[c] = 0;
    matched[c] = 0;
    if (c >= docCount) {
      overlayIds.push(c);
      overlayScores.push(value);
      continue;
    }
    if (hidden !== undefined && hidden[c] === 1) continue;
    if (namespaceId !== undefined && docNamespace[c] !== namespaceId) continue;
    const p = docProfile[c]!;
    const s = state[p]!;
    if (s === REJECTED) continue;
    counts[p]!++;
    if (s !== PASSES) continue;
    if (docFlags[c]! & sel.deprecatedFlag) value *= sel.deprecatedFactor;
    if (value >= top.floor) top.offer(c, value);
  }
}
