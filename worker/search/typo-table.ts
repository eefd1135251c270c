// Typo lookup over the term list: terms bucketed by length (only lengths within the edit
// bound are visited), a 32-bit character-set mask per term as a cheap lower bound on the
// distance, then the banded edit distance on the few survivors.
import { boundedEditDistance } from "./edit-distance.ts";

export interface TypoTable {
  /** Term ids ordered by length; the ids of length L are byLength[lengthStart[L] .. lengthStart[L + 1]). */
  byLength: Uint32Array;
  lengthStart: Uint32Array;
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

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
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
    byLength[fill[term.length]!++] = t;
    masks[t] = charMask(term);
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
      const t = table.byLength[k] ?? 0;
      const m = table.masks[t] ?? 0;
      // Each edit adds or removes at most one distinct character on each side.
      if (bitCount(mask & ~m) > max || bitCount(m & ~mask) > max) continue;
      const term = terms[t] ?? "";
      const distance = boundedEditDistance(word, term, max);
      if (distance <= max && distance > 0) out.push({ termId: t, distance });
    }
  }
  return out;
}
