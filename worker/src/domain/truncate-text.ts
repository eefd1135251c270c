// Strings cut to a length in code points, marked as cut: what replies (http/problem.ts) and
// stored reports (a source's recent skips, domain/sources.ts) echo of values they do not bound.

/** Ends every string that was cut. */
export const TRUNCATION_MARK = "… (truncated)";

/** `s` when it has at most `max` code points, else its first `max` code points and the mark. */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s; // never more code points than UTF-16 units
  let end = 0;
  for (let count = 0; count < max && end < s.length; count++) {
    const c = s.charCodeAt(end);
    const pair = c >= 0xd800 && c <= 0xdbff && end + 1 < s.length && (s.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    end += pair ? 2 : 1;
  }
  return end >= s.length ? s : `${s.slice(0, end)}${TRUNCATION_MARK}`;
}
