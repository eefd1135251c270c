// Typo lookup over the term list. Terms are bucketed by length (only lengths within the edit
// bound are visited) and, inside a length, by first character: a lookup first scans only the
// terms starting with the word's first or second character (typos rarely hit the first letter;
// the second covers a swap of the first two), and scans the whole length range only when that
// finds nothing. A 32-bit character-set mask per term is a cheap lower bound on the distance;
// the banded edit distance runs only on the few terms that pass it.
import { boundedEditDistance } from "./edit-distance.ts";

export interface TypoTable {
  /** Term ids ordered by (length, first character). */
  byLength: Uint32Array;
  /** Ids of length L are byLength[lengthStart[L] .. lengthStart[L + 1]). */
  lengthStart: Uint32Array;
  /** First character code of byLength[k], at k. */
  firstChars: Uint16Array;
  /** Character-set mask of byLength[k], at k (the scan reads memory sequentially). */
  masks: Int32Array;
  maxLength: number;
}

/** Bits 0–25 letters a–z, the rest shared by every other character. */
export function charMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    mask |= 1 << (c >= 97 && c <= 122 ? c - 97 : 26 + (c % 6));
  }
  return mask;
}

/** Whether more than max bits are set (clears the lowest bit max times). */
function moreBitsThan(value: number, max: number): boolean {
  let v = value;
  for (let i = 0; i < max && v !== 0; i++) v &= v - 1;
  return v !== 0;
}

export function buildTypoTable(terms: readonly string[]): TypoTable {
  let maxLength = 0;
  for (const term of terms) if (term.length > maxLength) maxLength = term.length;
  const lengthStart = new Uint32Array(maxLength + 2);
  for (const term of terms) lengthStart[term.length + 1]!++;
  for (let l = 1; l < lengthStart.length; l++) lengthStart[l]! += lengthStart[l - 1] ?? 0;
  // A counting sort by length keeps the sorted term order inside each length, which is
  // already first-character order.
  const fill = lengthStart.slice();
  const byLength = new Uint32Array(terms.length);
  const firstChars = new Uint16Array(terms.length);
  const masks = new Int32Array(terms.length);
  terms.forEach((term, t) => {
    const k = fill[term.length]!++;
    byLength[k] = t;
    firstChars[k] = term.charCodeAt(0);
    masks[k] = charMask(term);
  });
  return { byLength, lengthStart, firstChars, masks, maxLength };
}

/** Edits allowed for a word: 1 from 4 letters, 2 from 8 letters, none below. */
export function allowedEdits(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
}

export interface TypoMatch {
  termId: number;
  distance: number;
}

/** First position in [from, to) whose first character is ≥ c. */
function firstCharBound(table: TypoTable, from: number, to: number, c: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((table.firstChars[mid] ?? 0) < c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function scan(
  table: TypoTable,
  terms: readonly string[],
  word: string,
  mask: number,
  max: number,
  from: number,
  to: number,
  out: TypoMatch[],
): void {
  for (let k = from; k < to; k++) {
    const m = table.masks[k]!;
    // Each edit adds or removes at most one distinct character on each side.
    if (moreBitsThan(mask & ~m, max) || moreBitsThan(m & ~mask, max)) continue;
    const t = table.byLength[k]!;
    const distance = boundedEditDistance(word, terms[t] ?? "", max);
    if (distance <= max && distance > 0) out.push({ termId: t, distance });
  }
}

/** Terms within the allowed edits of word (word itself excluded); see the header for the order. */
export function typoMatches(table: TypoTable, terms: readonly string[], word: string): TypoMatch[] {
  const max = allowedEdits(word);
  const out: TypoMatch[] = [];
  if (max === 0) return out;
  const mask = charMask(word);
  const lo = Math.max(1, word.length - max);
  const hi = Math.min(table.maxLength, word.length + max);
  const starts =
    word.charCodeAt(0) === word.charCodeAt(1) ? [word.charCodeAt(0)] : [word.charCodeAt(0), word.charCodeAt(1)];
  for (let length = lo; length <= hi; length++) {
    const from = table.lengthStart[length] ?? 0;
    const to = table.lengthStart[length + 1] ?? 0;
    for (const c of starts) {
      scan(
        table,
        terms,
        word,
        mask,
        max,
        firstCharBound(table, from, to, c),
        firstCharBound(table, from, to, c + 1),
        out,
      );
    }
  }
  if (out.length > 0) return out;
  for (let length = lo; length <= hi; length++) {
    scan(table, terms, word, mask, max, table.lengthStart[length] ?? 0, table.lengthStart[length + 1] ?? 0, out);
  }
  return out;
}
