// The stored form of the index: plain JSON, numbers packed as base64 VLQ strings (see vlq.ts).
// Documents are sorted by name, so a document id is also its rank in name order.

/** Bumped on every change of the stored shape: 2 added profiles. */
export const SEARCH_INDEX_FORMAT = 2;

export interface SerializedIndex {
  /** SEARCH_INDEX_FORMAT of the code that built it; loadIndex refuses any other. */
  format: number;
  docCount: number;
  /** Names, ascending (code-unit order). */
  names: string[];
  /** Distinct namespaces, ascending. */
  namespaces: string[];
  /** VLQ per document: index into namespaces. */
  docNamespaces: string;
  /** Registry type values, most frequent first. */
  registryTypes: string[];
  /** Transport values, most frequent first. */
  transports: string[];
  /**
   * Distinct combinations of status, hosting, registry types and transports: filters and
   * facets are decided once per profile instead of once per document.
   */
  profiles: SerializedProfile[];
  /** VLQ per document: index into profiles. */
  docProfiles: string;
  /** Average token count of each field (BM25 length normalisation, also for overlays). */
  fieldAverages: number[];
  termCount: number;
  postingCount: number;
  /** Sorted distinct terms joined by "\n" (terms are letters and digits only). */
  terms: string;
  /** VLQ per term, in term order: document count n, then n × (doc id delta, quantised tf). */
  postings: string;
  /** Sorted compact package identifiers joined by "\n" (exact package-name matches). */
  packageKeys: string;
  /** VLQ per package key: document count n, then n doc ids. */
  packageKeyDocs: string;
}

export interface SerializedProfile {
  /** DEPRECATED_FLAG | REMOTE_FLAG | PACKAGE_FLAG */
  flags: number;
  /** Indexes into registryTypes, ascending. */
  registryTypes: number[];
  /** Indexes into transports, ascending. */
  transports: number[];
}

export const DEPRECATED_FLAG = 1;
export const REMOTE_FLAG = 2;
export const PACKAGE_FLAG = 4;
