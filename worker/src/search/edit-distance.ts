// Optimal-string-alignment (Damerau) distance with a bound: only the diagonal band of width
// 2·max+1 is computed, and it stops as soon as a whole row exceeds the bound.

let rowBefore = new Int32Array(64);
let rowPrevious = new Int32Array(64);
let rowCurrent = new Int32Array(64);

/** The distance if it is ≤ max, otherwise max + 1. */
export function boundedEditDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  const over = max + 1;
  if (Math.abs(la - lb) > max) return over;
  if (la === 0 || lb === 0) return Math.max(la, lb);
  if (rowCurrent.length <= lb) {
    rowBefore = new Int32Array(lb + 1);
    rowPrevious = new Int32Array(lb + 1);
    rowCurrent = new Int32Array(lb + 1);
  }
  let before = rowBefore;
  let previous = rowPrevious;
  let current = rowCurrent;
  for (let j = 0; j <= lb; j++) previous[j] = j <= max ? j : over;
  for (let i = 1; i <= la; i++) {
    const ca = a.charCodeAt(i - 1);
    const from = Math.max(i - max, 1);
    const to = Math.min(i + max, lb);
    current[0] = i <= max ? i : over;
    if (from > 1) current[from - 1] = over;
    let rowMin = current[0] ?? over;
    for (let j = from; j <= to; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = (previous[j - 1] ?? over) + (ca === cb ? 0 : 1);
      const deletion = (previous[j] ?? over) + 1;
      if (deletion < v) v = deletion;
      const insertion = (current[j - 1] ?? over) + 1;
      if (insertion < v) v = insertion;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const transposition = (before[j - 2] ?? over) + 1;
        if (transposition < v) v = transposition;
      }
      if (v > over) v = over;
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (to < lb) current[to + 1] = over;
    if (rowMin > max) return over;
    const recycled = before;
    before = previous;
    previous = current;
    current = recycled;
  }
  const distance = previous[lb] ?? over;
  return distance > max ? over : distance;
}
