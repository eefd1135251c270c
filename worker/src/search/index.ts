// Ranked search over the latest version of every public server name; a group's view adds its
// own servers as overlay documents (see docs/storage.md for how the cron builds the index and
// how overlays keep it fresh).
export type {
  Hosting,
  Overlay,
  OverlayView,
  SearchDocument,
  SearchFacets,
  SearchFilters,
  SearchHit,
  SearchRequest,
  SearchResult,
  SearchStatus,
} from "./types.ts";
export { searchDocument, searchDocumentBytes } from "./search-document.ts";
export { IncludeSet, type ViewMask } from "./include-set.ts";
export { preparedOverlay, preparedOverlayBytes } from "./prepared-overlay.ts";
export { SEARCH_INDEX_FORMAT, type SerializedIndex } from "./serialized-index.ts";
export { buildIndex } from "./build-index.ts";
export { loadIndex } from "./load-index.ts";
export type { LoadedIndex } from "./loaded-index.ts";
export { EMPTY_OVERLAY, search } from "./search.ts";
export { DEPRECATED_FACTOR } from "./ranked-search.ts";
export { MAX_QUERY_LENGTH, normalizeQuery } from "./normalize-query.ts";
