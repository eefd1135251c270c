// The in-memory index: typed arrays decoded once per isolate, plus the lazily built and
// reused parts (typo table, typo memo, prepared overlays, per-query scratch).
import type { NameTable } from "./name-table.ts";
import type { TypoTable } from "./typo-table.ts";
import type { Expansion } from "./expansion.ts";
import type { Dictionary, Profile } from "./profiles.ts";
import type { Overlay } from "./types.ts";

export interface OverlayDoc {
  name: string;
  namespace: string;
  profile: number;
  flags: number;
}

/** Same layout as the index's postings, so the same scoring loops run over both. */
export interface OverlayPostings {
  docs: Uint32Array;
  impacts: Float32Array;
}

export interface PreparedOverlay {
  /** 1 for index documents replaced or removed by the overlay; undefined when none are. */
  hidden: Uint8Array | undefined;
  /** Overlay documents (not removed), sorted by name; candidate id = docCount + position. */
  docs: OverlayDoc[];
  postings: Map<string, OverlayPostings>;
  /** Sorted terms of overlay documents that the index does not have. */
  vocabulary: string[];
  registryTypes: Dictionary;
  transports: Dictionary;
  /** The index's profiles followed by new ones. */
  profiles: readonly Profile[];
  /** Visible documents per profile: the index's, minus hidden, plus overlay documents. */
  profileDocCount: Uint32Array;
  nameTable: NameTable;
  packageKeys: Map<string, number[]>;
}

export interface LoadedIndex {
  readonly docCount: number;
  readonly names: readonly string[];
  readonly namespaces: readonly string[];
  readonly docNamespace: Uint32Array;
  /** Documents of namespace n: namespaceDocs[namespaceStart[n] .. namespaceStart[n + 1]), ascending. */
  readonly namespaceStart: Uint32Array;
  readonly namespaceDocs: Uint32Array;
  readonly registryTypes: readonly string[];
  readonly transports: readonly string[];
  readonly profiles: readonly Profile[];
  readonly docProfile: Uint32Array;
  /** DEPRECATED_FLAG | REMOTE_FLAG | PACKAGE_FLAG per document (from its profile). */
  readonly docFlags: Uint8Array;
  /** Documents per profile (the answer of an empty q without namespace filter). */
  readonly profileDocCount: Uint32Array;
  readonly fieldAverages: readonly number[];
  /** Sorted terms; postings of term t are [termStart[t], termStart[t + 1]). */
  readonly terms: readonly string[];
  readonly termStart: Uint32Array;
  readonly postingDocs: Uint32Array;
  /** Precomputed idf × saturated tf: a query only adds these up. */
  readonly postingImpact: Float32Array;
  /** Near-exact name keys (full name, server part, server core). */
  readonly nameTable: NameTable;
  readonly packageKeys: readonly string[];
  readonly packageKeyStart: Uint32Array;
  readonly packageKeyDocs: Uint32Array;
  /** Built on the first query that needs typo correction. */
  typoTable: TypoTable | undefined;
  /** Typo expansions by query word (bounded, cleared when full). */
  readonly typoMemo: Map<string, Expansion[]>;
  readonly overlays: WeakMap<Overlay, PreparedOverlay>;
  readonly scratch: Scratch;
}

/** Reused per-query arrays, sized for index plus overlay documents (grown on demand). */
export interface Scratch {
  capacity: number;
  score: Float64Array;
  wordBest: Float64Array;
  boost: Float64Array;
  matched: Uint8Array;
  touched: Uint32Array;
  wordTouched: Uint32Array;
}

export function newScratch(capacity: number): Scratch {
  return {
    capacity,
    score: new Float64Array(capacity),
    wordBest: new Float64Array(capacity),
    boost: new Float64Array(capacity),
    matched: new Uint8Array(capacity),
    touched: new Uint32Array(capacity),
    wordTouched: new Uint32Array(capacity),
  };
}

/** Scratch big enough for `capacity` candidates (all zero between queries). */
export function scratchFor(index: LoadedIndex, capacity: number): Scratch {
  const scratch = index.scratch;
  if (scratch.capacity < capacity) Object.assign(scratch, newScratch(Math.max(capacity, scratch.capacity * 2)));
  return scratch;
}
