// Filters and facet counts, decided once per profile. Facets are disjunctive: a facet counts
// the documents matching q and every filter except its own, so a selected registryType still
// shows the counts of its alternatives. For every facet F and value v:
// facets.F[v] = total of the same request with the F filter replaced by [v].
// Namespace and status filters apply to every facet.
import type { PreparedOverlay } from "./loaded-index.ts";
import type { Dictionary } from "./profiles.ts";
import { DEPRECATED_FLAG, PACKAGE_FLAG, REMOTE_FLAG } from "./serialized-index.ts";
import type { SearchFacets, SearchFilters } from "./types.ts";

/** The namespace filter, resolved once per request. */
export interface NamespaceFilter {
  /** Index namespace id; -1 for a namespace the index does not have; undefined without filter. */
  id: number | undefined;
  name: string | undefined;
}

/** Per-profile outcome. */
export const REJECTED = 0;
export const PASSES = 1;
const FAILS_REGISTRY_ONLY = 2;
const FAILS_TRANSPORT_ONLY = 3;
const FAILS_HOSTING_ONLY = 4;

function selection(dictionary: Dictionary, wanted: readonly string[] | undefined): Uint8Array | undefined {
  if (wanted === undefined || wanted.length === 0) return undefined;
  const selected = new Uint8Array(dictionary.values.length);
  for (const v of wanted) {
    const id = dictionary.ids.get(v);
    if (id !== undefined) selected[id] = 1;
  }
  return selected;
}

function hasAny(ids: readonly number[], selected: Uint8Array | undefined): boolean {
  if (selected === undefined) return true;
  for (const id of ids) if (selected[id] === 1) return true;
  return false;
}

function facetRecord(values: readonly string[], counts: Float64Array): Record<string, number> {
  const entries: [string, number][] = [];
  counts.forEach((n, i) => {
    if (n > 0) entries.push([values[i] ?? "", n]);
  });
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries);
}

export class FilterFacets {
  /** Per profile: REJECTED, PASSES or the one facet filter it fails. */
  readonly state: Uint8Array;
  /** Documents counted per profile (only profiles that are not REJECTED). */
  readonly counts: Uint32Array;
  private readonly overlay: PreparedOverlay;

  constructor(overlay: PreparedOverlay, filters: SearchFilters) {
    this.overlay = overlay;
    const status = Array.isArray(filters.status) ? filters.status : [];
    const active = status.includes("active");
    const deprecated = status.includes("deprecated");
    const registry = selection(overlay.registryTypes, filters.registryType);
    const transport = selection(overlay.transports, filters.transport);
    const hosting = filters.hosting === "remote" ? REMOTE_FLAG : filters.hosting === "package" ? PACKAGE_FLAG : 0;
    const profiles = overlay.profiles;
    this.state = new Uint8Array(profiles.length);
    this.counts = new Uint32Array(profiles.length);
    profiles.forEach((p, i) => {
      if (!(p.flags & DEPRECATED_FLAG ? deprecated : active)) return;
      const registryOk = hasAny(p.registryIds, registry);
      const transportOk = hasAny(p.transportIds, transport);
      const hostingOk = hosting === 0 || (p.flags & hosting) !== 0;
      const failures = (registryOk ? 0 : 1) + (transportOk ? 0 : 1) + (hostingOk ? 0 : 1);
      this.state[i] =
        failures === 0
          ? PASSES
          : failures > 1
            ? REJECTED
            : !registryOk
              ? FAILS_REGISTRY_ONLY
              : !transportOk
                ? FAILS_TRANSPORT_ONLY
                : FAILS_HOSTING_ONLY;
    });
  }

  /** Whether no document can pass or be counted in a facet (lets callers skip all work). */
  get countsNothing(): boolean {
    return this.state.every((s) => s === REJECTED);
  }

  /** Whether some document can pass every filter (otherwise no page needs collecting). */
  get anyPasses(): boolean {
    return this.state.includes(PASSES);
  }

  /** Counts one document of profile p; true when it passes every filter. */
  accept(p: number): boolean {
    const s = this.state[p] ?? REJECTED;
    if (s === REJECTED) return false;
    this.counts[p]!++;
    return s === PASSES;
  }

  passes(p: number): boolean {
    return this.state[p] === PASSES;
  }

  /** Counts whole profiles at once (an empty q over every visible document). */
  acceptAll(perProfile: Uint32Array): void {
    perProfile.forEach((n, p) => {
      if (this.state[p] !== REJECTED) this.counts[p]! += n;
    });
  }

  result(): { total: number; facets: SearchFacets } {
    const { registryTypes, transports, profiles } = this.overlay;
    const registry = new Float64Array(registryTypes.values.length);
    const transport = new Float64Array(transports.values.length);
    let remote = 0;
    let pkg = 0;
    let total = 0;
    this.counts.forEach((n, i) => {
      const s = this.state[i];
      const p = profiles[i];
      if (n === 0 || p === undefined) return;
      if (s === PASSES) total += n;
      if (s === PASSES || s === FAILS_REGISTRY_ONLY) for (const id of p.registryIds) registry[id]! += n;
      if (s === PASSES || s === FAILS_TRANSPORT_ONLY) for (const id of p.transportIds) transport[id]! += n;
      if (s === PASSES || s === FAILS_HOSTING_ONLY) {
        if (p.flags & REMOTE_FLAG) remote += n;
        if (p.flags & PACKAGE_FLAG) pkg += n;
      }
    });
    const hosting: [string, number][] = [];
    if (remote > 0) hosting.push(["remote", remote]);
    if (pkg > 0) hosting.push(["package", pkg]);
    hosting.sort((a, b) => b[1] - a[1]);
    return {
      total,
      facets: {
        registryType: facetRecord(registryTypes.values, registry),
        transport: facetRecord(transports.values, transport),
        hosting: Object.fromEntries(hosting),
      },
    };
  }
}
