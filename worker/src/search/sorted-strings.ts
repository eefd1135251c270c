// Binary search over a sorted string list (code-unit order): exact terms and prefix ranges
// without building a hash map at load time.

/** First position whose string is ≥ key. */
export function lowerBound(sorted: readonly string[], key: string, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? "") < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of key, or -1. */
export function indexOfSorted(sorted: readonly string[], key: string): number {
  const at = lowerBound(sorted, key);
  return at < sorted.length && sorted[at] === key ? at : -1;
}

/** [from, to) of the strings starting with prefix. */
export function prefixRange(sorted: readonly string[], prefix: string): [number, number] {
  const from = lowerBound(sorted, prefix);
  // "\uffff" sorts after every character a term can hold.
  return [from, lowerBound(sorted, `${prefix}\uffff`, from)];
}
