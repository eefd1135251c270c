// Typo lookup over the term list: terms bucketed by length (only lengths within the edit
// bound are visited), a 32-bit character-set mask per term as a cheap lower bound on the
// distance, then the banded edit distance on the few survivors.
import { boundedEditDistance } from "./edit-distance.ts";

export interface TypoTable {
  /** Term ids ordered by length; the ids of length L are byLength[lengthStart[L] .. lengthStart[L + 1]). */
  byLength: Uint32Array;
  lengthStart: Uint32Array;
  /** Character-set mask of byLength[k] at k (same order, so the scan reads memory sequentially). */
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
  const fill = lengthStart.slice();
  const byLength = new Uint32Array(terms.length);
  const masks = new Int32Array(terms.length);
  terms.forEach((term, t) => {
    const k = fill[term.length]!++;
    byLength[k] = t;
    masks[k] = charMask(term);
  });
  return { byLength, lengthStart, masks, maxLength };
}

/** Edits allowed for a word: 1 from 4 letters, 2 from 8 letters, none below. */
export function allowedEdits(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
}

export interface TypoMatch {
  termId: number;
  distance: number;
}

/** Every term within the allowed edits of word (word itself excluded). */
export function typoMatches(table: TypoTable, terms: readonly string[], word: string): TypoMatch[] {
  const max = allowedEdits(word);
  const out: TypoMatch[] = [];
  if (max === 0) return out;
  const mask = charMask(word);
  const lo = Math.max(1, word.length - max);
  const hi = Math.min(table.maxLength, word.length + max);
  for (let length = lo; length <= hi; length++) {
    const end = table.lengthStart[length + 1] ?? 0;
    for (let k = table.lengthStart[length] ?? 0; k < end; k++) {
      const m = table.masks[k] ?? 0;
      // Each edit adds or removes at most one distinct character on each side.
      if (moreBitsThan(mask & ~m, max) || moreBitsThan(m & ~mask, max)) continue;
      const t = table.byLength[k] ?? 0;
      const term = terms[t] ?? "";
      const distance = boundedEditDistance(word, term, max);
      if (distance <= max && distance > 0) out.push({ termId: t, distance });
    }
  }
  return out;
}
