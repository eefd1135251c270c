// Resolves each query word to the terms it matches: the word itself, its singular/plural,
// completions when it is the last word, its camelCase parts when it is not a term, and typo
// corrections (only for words that match nothing else, so known words stay cheap).
import {
  EXACT_FACTOR,
  type Expansion,
  PREFIX_FACTOR,
  PREFIX_OF_TERM_FACTOR,
  TYPO_FACTOR_1,
  TYPO_FACTOR_2,
  VARIANT_FACTOR,
} from "./expansion.ts";
import type { LoadedIndex } from "./loaded-index.ts";
import type { PreparedOverlay } from "./loaded-index.ts";
import { MAX_QUERY_WORDS, queryRuns, wordVariants } from "./query-words.ts";
import { indexOfSorted, prefixRange } from "./sorted-strings.ts";
import { compactKey, foldAccents } from "./tokenize.ts";
import { allowedEdits, buildTypoTable, typoMatches } from "./typo-table.ts";
import { boundedEditDistance } from "./edit-distance.ts";

export interface QueryWord {
  word: string;
  expansions: Expansion[];
}

export interface QueryPlan {
  /** No letters or digits at all: every document, in name order. */
  matchAll: boolean;
  /** Words that match at least one term. */
  words: QueryWord[];
  /** Folded, lower-cased query (exact name matches). */
  lower: string;
  /** Letters and digits only (near-exact name matches). */
  compact: string;
}

const MIN_PREFIX_LENGTH = 2;
const MAX_TYPO_TERMS = 8;
const TYPO_MEMO_SIZE = 2048;

function documentFrequency(index: LoadedIndex, termId: number): number {
  return (index.termStart[termId + 1] ?? 0) - (index.termStart[termId] ?? 0);
}

/** Short prefixes complete to fewer terms: they are ambiguous and their postings are long. */
function prefixCap(length: number): number {
  return length <= 2 ? 8 : length === 3 ? 16 : 32;
}

function exactExpansion(
  index: LoadedIndex,
  overlay: PreparedOverlay,
  term: string,
  factor: number,
): Expansion | undefined {
  const termId = indexOfSorted(index.terms, term);
  if (termId !== -1) return { term, termId, factor };
  if (indexOfSorted(overlay.vocabulary, term) !== -1) return { term, termId: -1, factor };
  return undefined;
}

function completions(index: LoadedIndex, overlay: PreparedOverlay, prefix: string, factor: number): Expansion[] {
  const cap = prefixCap(prefix.length);
  const [from, to] = prefixRange(index.terms, prefix);
  let ids: number[] = [];
  for (let t = from; t < to; t++) if (index.terms[t] !== prefix) ids.push(t);
  if (ids.length > cap) {
    // The most used completions are the likeliest intents.
    ids = ids.sort((a, b) => documentFrequency(index, b) - documentFrequency(index, a) || a - b).slice(0, cap);
  }
  const out = ids.map((termId): Expansion => ({ term: index.terms[termId] ?? "", termId, factor }));
  const [oFrom, oTo] = prefixRange(overlay.vocabulary, prefix);
  for (let t = oFrom; t < oTo && out.length < cap * 2; t++) {
    const term = overlay.vocabulary[t] ?? "";
    if (term !== prefix) out.push({ term, termId: -1, factor });
  }
  return out;
}

function typoFactor(distance: number): number {
  return distance === 1 ? TYPO_FACTOR_1 : TYPO_FACTOR_2;
}

function indexTypos(index: LoadedIndex, word: string): Expansion[] {
  const memo = index.typoMemo.get(word);
  if (memo !== undefined) return memo;
  index.typoTable ??= buildTypoTable(index.terms);
  const matches = typoMatches(index.typoTable, index.terms, word)
    .sort(
      (a, b) =>
        a.distance - b.distance ||
        documentFrequency(index, b.termId) - documentFrequency(index, a.termId) ||
        a.termId - b.termId,
    )
    .slice(0, MAX_TYPO_TERMS);
  const out = matches.map(
    (m): Expansion => ({ term: index.terms[m.termId] ?? "", termId: m.termId, factor: typoFactor(m.distance) }),
  );
  if (index.typoMemo.size >= TYPO_MEMO_SIZE) index.typoMemo.clear();
  index.typoMemo.set(word, out);
  return out;
}

function typos(index: LoadedIndex, overlay: PreparedOverlay, word: string): Expansion[] {
  const max = allowedEdits(word);
  if (max === 0) return [];
  const out = [...indexTypos(index, word)];
  for (const term of overlay.vocabulary) {
    const distance = boundedEditDistance(word, term, max);
    if (distance > 0 && distance <= max) out.push({ term, termId: -1, factor: typoFactor(distance) });
  }
  return out;
}

/** The word itself and its singular/plural, when they are terms. */
function exactExpansions(index: LoadedIndex, overlay: PreparedOverlay, word: string): Expansion[] {
  const out: Expansion[] = [];
  const exact = exactExpansion(index, overlay, word, EXACT_FACTOR);
  if (exact !== undefined) out.push(exact);
  for (const variant of wordVariants(word)) {
    const e = exactExpansion(index, overlay, variant, VARIANT_FACTOR);
    if (e !== undefined) out.push(e);
  }
  return out;
}

/** Exact forms, plus completions when it is the last word; typos only when both are empty. */
function wordExpansions(index: LoadedIndex, overlay: PreparedOverlay, word: string, last: boolean): Expansion[] {
  const out = exactExpansions(index, overlay, word);
  if (last && word.length >= MIN_PREFIX_LENGTH) {
    const known = new Set(out.map((e) => e.term));
    const factor = known.has(word) ? PREFIX_OF_TERM_FACTOR : PREFIX_FACTOR;
    for (const e of completions(index, overlay, word, factor)) if (!known.has(e.term)) out.push(e);
  }
  return out.length > 0 ? out : typos(index, overlay, word);
}

export function planQuery(index: LoadedIndex, overlay: PreparedOverlay, q: string): QueryPlan {
  const lower = foldAccents(q).toLowerCase();
  const compact = compactKey(q);
  const runs = queryRuns(q);
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  const add = (word: string, expansions: Expansion[]): void => {
    if (expansions.length === 0 || seen.has(word) || words.length >= MAX_QUERY_WORDS) return;
    seen.add(word);
    words.push({ word, expansions });
  };
  for (const run of runs) {
    const exact = exactExpansions(index, overlay, run.word);
    if (exact.length === 0 && run.parts.length > 1) {
      // "PostgresMCP" is not a term, but "postgres" and "mcp" are.
      run.parts.forEach((part, i) =>
        add(part, wordExpansions(index, overlay, part, run.last && i === run.parts.length - 1)),
      );
    } else {
      add(run.word, wordExpansions(index, overlay, run.word, run.last));
    }
  }
  return { matchAll: runs.length === 0, words, lower, compact };
}
