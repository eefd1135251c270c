// A query word stands for one or more terms, each with a factor below 1 for inexact forms,
// so exact matches always outrank plural, prefix and typo matches of the same word.

export interface Expansion {
  term: string;
  /** Position in the index's term list, or -1 for a term only overlay documents have. */
  termId: number;
  factor: number;
}

export const EXACT_FACTOR = 1;
/** "database" ↔ "databases". */
export const VARIANT_FACTOR = 0.9;
/** Completions of the last word ("postg" → postgres). */
export const PREFIX_FACTOR = 0.8;
/** Completions of a last word that is itself a term ("git" → gitlab): probably a finished word. */
export const PREFIX_OF_TERM_FACTOR = 0.5;
export const TYPO_FACTOR_1 = 0.6;
export const TYPO_FACTOR_2 = 0.45;
