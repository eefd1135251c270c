/**
 * Length in Unicode code points, the unit Go's utf8.RuneCountInString uses for the official
 * registry's minLength/maxLength checks (not UTF-16 code units like String.prototype.length).
 */
export function codePointLength(s: string): number {
  let count = 0;
  for (const _ of s) count++;
  return count;
}
