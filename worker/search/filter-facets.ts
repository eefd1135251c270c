// Filters and facet counts in one pass per candidate. Facets are disjunctive: a facet counts
// the documents matching q and every filter except its own, so a selected registryType still
// shows the counts of the alternatives. Hence for every facet F and value v:
// facets.F[v] = total of the same request with the F filter replaced by [v].
import type { LoadedIndex, ValueColumn } from "./loaded-index.ts";
import type { Dictionary, OverlayDoc, PreparedOverlay } from "./prepared-overlay.ts";
import { DEPRECATED_FLAG, PACKAGE_FLAG, REMOTE_FLAG } from "./serialized-index.ts";
import { indexOfSorted } from "./sorted-strings.ts";
import type { SearchFacets, SearchFilters } from "./types.ts";

const ANY_NAMESPACE = -1;
const UNKNOWN_NAMESPACE = -2;

function selection(dictionary: Dictionary, wanted: readonly string[] | undefined): Uint8Array | undefined {
  if (wanted === undefined || wanted.length === 0) return undefined;
  const selected = new Uint8Array(dictionary.values.length);
  for (const v of wanted) {
    const id = dictionary.ids.get(v);
    if (id !== undefined) selected[id] = 1;
  }
  return selected;
}

function columnHasAny(column: ValueColumn, d: number, selected: Uint8Array): boolean {
  const end = column.start[d + 1] ?? 0;
  for (let k = column.start[d] ?? 0; k < end; k++) if (selected[column.ids[k] ?? 0] === 1) return true;
  return false;
}

function listHasAny(ids: readonly number[], selected: Uint8Array): boolean {
  for (const id of ids) if (selected[id] === 1) return true;
  return false;
}

function facetRecord(values: readonly string[], counts: Uint32Array): Record<string, number> {
  const entries: [string, number][] = [];
  counts.forEach((n, i) => {
    if (n > 0) entries.push([values[i] ?? "", n]);
  });
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries);
}

export class FilterFacets {
  total = 0;
  private readonly index: LoadedIndex;
  private readonly overlay: PreparedOverlay;
  private readonly statusMask: number;
  private readonly namespace: string | undefined;
  private readonly namespaceId: number;
  private readonly registry: Uint8Array | undefined;
  private readonly transport: Uint8Array | undefined;
  private readonly hostingFlag: number;
  private readonly registryCounts: Uint32Array;
  private readonly transportCounts: Uint32Array;
  private remoteCount = 0;
  private packageCount = 0;

  constructor(index: LoadedIndex, overlay: PreparedOverlay, filters: SearchFilters) {
    this.index = index;
    this.overlay = overlay;
    const status = Array.isArray(filters.status) ? filters.status : [];
    this.statusMask = (status.includes("active") ? 1 : 0) | (status.includes("deprecated") ? 2 : 0);
    this.namespace = filters.namespace;
    if (filters.namespace === undefined) this.namespaceId = ANY_NAMESPACE;
    else {
      const id = indexOfSorted(index.namespaces, filters.namespace);
      this.namespaceId = id === -1 ? UNKNOWN_NAMESPACE : id;
    }
    this.registry = selection(overlay.registryTypes, filters.registryType);
    this.transport = selection(overlay.transports, filters.transport);
    this.hostingFlag = filters.hosting === "remote" ? REMOTE_FLAG : filters.hosting === "package" ? PACKAGE_FLAG : 0;
    this.registryCounts = new Uint32Array(overlay.registryTypes.values.length);
    this.transportCounts = new Uint32Array(overlay.transports.values.length);
  }

  /** Whether the status filter admits nothing (lets callers skip all work). */
  get admitsNothing(): boolean {
    return this.statusMask === 0;
  }

  /** Counts an index document into the facets; true when it passes every filter. */
  indexDoc(d: number): boolean {
    const index = this.index;
    const flags = index.docFlags[d] ?? 0;
    if ((this.statusMask & (flags & DEPRECATED_FLAG ? 2 : 1)) === 0) return false;
    if (this.namespaceId !== ANY_NAMESPACE && index.docNamespace[d] !== this.namespaceId) return false;
    const registryOk = this.registry === undefined || columnHasAny(index.registryTypes, d, this.registry);
    const transportOk = this.transport === undefined || columnHasAny(index.transports, d, this.transport);
    const hostingOk = this.hostingFlag === 0 || (flags & this.hostingFlag) !== 0;
    if (registryOk && transportOk && hostingOk) {
      this.total++;
      this.countColumn(index.registryTypes, d, this.registryCounts);
      this.countColumn(index.transports, d, this.transportCounts);
      this.countHosting(flags);
      return true;
    }
    if (!registryOk && transportOk && hostingOk) this.countColumn(index.registryTypes, d, this.registryCounts);
    else if (registryOk && !transportOk && hostingOk) this.countColumn(index.transports, d, this.transportCounts);
    else if (registryOk && transportOk && !hostingOk) this.countHosting(flags);
    return false;
  }

  /** The same for an overlay document. */
  overlayDoc(doc: OverlayDoc): boolean {
    const flags = doc.flags;
    if ((this.statusMask & (flags & DEPRECATED_FLAG ? 2 : 1)) === 0) return false;
    if (this.namespace !== undefined && doc.namespace !== this.namespace) return false;
    const registryOk = this.registry === undefined || listHasAny(doc.registryIds, this.registry);
    const transportOk = this.transport === undefined || listHasAny(doc.transportIds, this.transport);
    const hostingOk = this.hostingFlag === 0 || (flags & this.hostingFlag) !== 0;
    if (registryOk && transportOk && hostingOk) {
      this.total++;
      for (const id of doc.registryIds) this.registryCounts[id]!++;
      for (const id of doc.transportIds) this.transportCounts[id]!++;
      this.countHosting(flags);
      return true;
    }
    if (!registryOk && transportOk && hostingOk) for (const id of doc.registryIds) this.registryCounts[id]!++;
    else if (registryOk && !transportOk && hostingOk) for (const id of doc.transportIds) this.transportCounts[id]!++;
    else if (registryOk && transportOk && !hostingOk) this.countHosting(flags);
    return false;
  }

  private countColumn(column: ValueColumn, d: number, counts: Uint32Array): void {
    const end = column.start[d + 1] ?? 0;
    for (let k = column.start[d] ?? 0; k < end; k++) counts[column.ids[k] ?? 0]!++;
  }

  private countHosting(flags: number): void {
    if (flags & REMOTE_FLAG) this.remoteCount++;
    if (flags & PACKAGE_FLAG) this.packageCount++;
  }

  facets(): SearchFacets {
    const hosting: [string, number][] = [];
    if (this.remoteCount > 0) hosting.push(["remote", this.remoteCount]);
    if (this.packageCount > 0) hosting.push(["package", this.packageCount]);
    hosting.sort((a, b) => b[1] - a[1]);
    return {
      registryType: facetRecord(this.overlay.registryTypes.values, this.registryCounts),
      transport: facetRecord(this.overlay.transports.values, this.transportCounts),
      hosting: Object.fromEntries(hosting),
    };
  }
}
