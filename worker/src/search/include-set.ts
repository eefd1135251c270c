// A view's include patterns ("*", "prefix*", exact names: domain/name-patterns.ts), compiled once
// per group configuration. The index's names are sorted, so each pattern selects one contiguous
// range of document ids, found by binary search: which index documents a view shows costs
// O(patterns × log names) plus its per-profile counts, once per index build, instead of testing
// every name against every pattern.
import type { LoadedIndex } from "./loaded-index.ts";
import { indexOfSorted, lowerBound } from "./sorted-strings.ts";

/** The index documents a view shows. */
export interface ViewMask {
  /** Sorted, disjoint, non-adjacent [from, to) ranges of document ids, flattened. */
  ranges: Uint32Array;
  /** Documents in the ranges. */
  shown: number;
  /** The index's documents per profile, counting only the shown ones. */
  profileDocCount: Uint32Array;
}

/** End of the run of names starting with `prefix` that begins at `from` (names are sorted). */
function prefixEnd(names: readonly string[], prefix: string, from: number): number {
  let lo = from;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((names[mid] ?? "").startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class IncludeSet {
  /** Whether "*" is among the patterns. */
  private readonly all: boolean;
  private readonly exact: ReadonlySet<string>;
  /** Sorted prefixes, none a prefix of another (a longer one adds nothing). */
  private readonly prefixes: readonly string[];
  /** Masks per index (one per build; weakly held, so an old build's goes with it). */
  private readonly masks = new WeakMap<LoadedIndex, ViewMask>();
  private maskBytes = 0;

  constructor(patterns: readonly string[]) {
    const exact = new Set<string>();
    const prefixes: string[] = [];
    for (const pattern of patterns) {
      if (pattern.endsWith("*")) prefixes.push(pattern.slice(0, -1));
      else exact.add(pattern);
    }
    prefixes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const kept: string[] = [];
    // In sorted order a prefix's extensions follow it directly, so comparing with the last kept
    // prefix is enough.
    for (const prefix of prefixes) {
      const previous = kept[kept.length - 1];
      if (previous === undefined || !prefix.startsWith(previous)) kept.push(prefix);
    }
    this.all = kept[0] === "";
    this.exact = exact;
    this.prefixes = kept;
  }

  /** Whether the patterns match `name` (as domain/groups.ts `includes`): O(log patterns). */
  matches(name: string): boolean {
    if (this.all || this.exact.has(name)) return true;
    // The only prefix that can match is the greatest one ≤ name: any prefix between it and the
    // name would itself start with it.
    const at = lowerBound(this.prefixes, name);
    const candidate = this.prefixes[at] === name ? name : this.prefixes[at - 1];
    return candidate !== undefined && name.startsWith(candidate);
  }

  /** The index documents these patterns show; computed once per index. */
  maskOf(index: LoadedIndex): ViewMask {
    let mask = this.masks.get(index);
    if (mask === undefined) {
      mask = this.computeMask(index);
      this.masks.set(index, mask);
      this.maskBytes = mask.ranges.byteLength + mask.profileDocCount.byteLength + 128;
    }
    return mask;
  }

  /** Approximate memory held: the patterns and the latest mask. */
  get bytes(): number {
    let bytes = 256 + this.maskBytes;
    for (const value of this.exact) bytes += 2 * value.length + 48;
    for (const value of this.prefixes) bytes += 2 * value.length + 16;
    return bytes;
  }

  private computeMask(index: LoadedIndex): ViewMask {
    const names = index.names;
    const found: [number, number][] = [];
    if (this.all) found.push([0, index.docCount]);
    else {
      for (const name of this.exact) {
        const id = indexOfSorted(names, name);
        if (id !== -1) found.push([id, id + 1]);
      }
      for (const prefix of this.prefixes) {
        const from = lowerBound(names, prefix);
        const to = prefixEnd(names, prefix, from);
        if (to > from) found.push([from, to]);
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    let shown = 0;
    for (const [from, to] of found) {
      const end = merged.length - 1;
      if (end > 0 && from <= (merged[end] ?? 0)) {
        const previous = merged[end] ?? 0;
        if (to > previous) {
          shown += to - previous;
          merged[end] = to;
        }
      } else {
        merged.push(from, to);
        shown += to - from;
      }
    }
    const ranges = Uint32Array.from(merged);
    return { ranges, shown, profileDocCount: shownProfiles(index, ranges, shown) };
  }
}

/** The index's per-profile counts over the shown documents, walking the smaller side. */
function shownProfiles(index: LoadedIndex, ranges: Uint32Array, shown: number): Uint32Array {
  const counts = new Uint32Array(index.profileDocCount.length);
  const docProfile = index.docProfile;
  if (shown * 2 <= index.docCount) {
    for (let r = 0; r < ranges.length; r += 2) {
      for (let d = ranges[r] ?? 0; d < (ranges[r + 1] ?? 0); d++) counts[docProfile[d] ?? 0]!++;
    }
    return counts;
  }
  counts.set(index.profileDocCount);
  let d = 0;
  for (let r = 0; r <= ranges.length; r += 2) {
    const gapEnd = r < ranges.length ? (ranges[r] ?? 0) : index.docCount;
    for (; d < gapEnd; d++) counts[docProfile[d] ?? 0]!--;
    d = ranges[r + 1] ?? index.docCount;
  }
  return counts;
}

/** 1 for every index document outside the mask; undefined when the mask shows them all. */
export function hiddenOutside(mask: ViewMask, docCount: number): Uint8Array | undefined {
  if (mask.shown === docCount) return undefined;
  const hidden = new Uint8Array(docCount).fill(1);
  for (let r = 0; r < mask.ranges.length; r += 2) hidden.fill(0, mask.ranges[r], mask.ranges[r + 1]);
  return hidden;
}
