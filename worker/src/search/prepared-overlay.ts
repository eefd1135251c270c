// An overlay turned into what queries need, once per (index, overlay object): the index
// documents it hides, its own documents scored with the index's statistics, a small inverted
// index over them, and profiles/dictionaries extended with values the index has not seen.
import { fieldTokens, inverseDocumentFrequency, termFrequencies, termImpact } from "./fields.ts";
import { hiddenOutside } from "./include-set.ts";
import type { LoadedIndex, OverlayDoc, OverlayPostings, PreparedOverlay } from "./loaded-index.ts";
import { buildNameTable } from "./name-table.ts";
import { MIN_PACKAGE_KEY_LENGTH, packageKey } from "./package-keys.ts";
import { Dictionary, ProfileTable } from "./profiles.ts";
import { indexOfSorted } from "./sorted-strings.ts";
import type { Overlay, SearchDocument } from "./types.ts";

function prepare(index: LoadedIndex, overlay: Overlay): PreparedOverlay {
  const { view } = overlay;
  const byName = new Map<string, SearchDocument>();
  for (const doc of overlay.upserts) {
    if (overlay.removed.has(doc.name)) continue;
    if (view === undefined || view.own.has(doc.name) || view.include.matches(doc.name)) byName.set(doc.name, doc);
  }
  const sources = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const registryTypes = new Dictionary(index.registryTypes);
  const transports = new Dictionary(index.transports);
  const profiles = new ProfileTable(index.profiles);
  const docProfiles = sources.map((doc) => profiles.idOf(doc, registryTypes, transports));
  // A view's filter starts from its mask (computed once per index build): the index documents
  // its patterns do not match count and match like removed ones.
  const mask = view?.include.maskOf(index);
  const profileDocCount = new Uint32Array(profiles.profiles.length);
  profileDocCount.set(mask?.profileDocCount ?? index.profileDocCount);
  for (const p of docProfiles) profileDocCount[p]!++;

  let hidden = mask === undefined ? undefined : hiddenOutside(mask, index.docCount);
  const hide = (name: string, id = indexOfSorted(index.names, name)): void => {
    if (id === -1 || hidden?.[id] === 1) return;
    hidden ??= new Uint8Array(index.docCount);
    hidden[id] = 1;
    profileDocCount[index.docProfile[id] ?? 0]!--;
  };
  for (const doc of overlay.upserts) hide(doc.name);
  for (const name of overlay.removed) hide(name);

  const lists = new Map<string, { docs: number[]; impacts: number[] }>();
  const vocabulary = new Set<string>();
  const packageKeys = new Map<string, number[]>();
  const docs = sources.map((doc, i): OverlayDoc => {
    for (const [term, tf] of termFrequencies(fieldTokens(doc), index.fieldAverages)) {
      const t = indexOfSorted(index.terms, term);
      const df = t === -1 ? 0 : (index.termStart[t + 1] ?? 0) - (index.termStart[t] ?? 0);
      if (t === -1) vocabulary.add(term);
      let list = lists.get(term);
      if (list === undefined) {
        list = { docs: [], impacts: [] };
        lists.set(term, list);
      }
      list.docs.push(i);
      list.impacts.push(termImpact(tf, inverseDocumentFrequency(df, index.docCount)));
    }
    for (const identifier of doc.packageIdentifiers) {
      const key = packageKey(identifier);
      if (key.length < MIN_PACKAGE_KEY_LENGTH) continue;
      const list = packageKeys.get(key) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      packageKeys.set(key, list);
    }
    const profile = docProfiles[i] ?? 0;
    return { name: doc.name, namespace: doc.namespace, profile, flags: profiles.profiles[profile]?.flags ?? 0 };
  });
  const postings = new Map<string, OverlayPostings>();
  for (const [term, list] of lists) {
    postings.set(term, { docs: Uint32Array.from(list.docs), impacts: Float32Array.from(list.impacts) });
  }
  return {
    hidden,
    docs,
    postings,
    vocabulary: [...vocabulary].sort(),
    registryTypes,
    transports,
    profiles: profiles.profiles,
    profileDocCount,
    nameTable: buildNameTable(sources.map((d) => d.name)),
    packageKeys,
  };
}

/** The prepared form of an overlay, cached per overlay object (treat overlays as immutable). */
export function preparedOverlay(index: LoadedIndex, overlay: Overlay): PreparedOverlay {
  let prepared = index.overlays.get(overlay);
  if (prepared === undefined) {
    prepared = prepare(index, overlay);
    index.overlays.set(overlay, prepared);
  }
  return prepared;
}

/** Approximate memory of a prepared overlay (a cache's weight), its documents' own strings excluded. */
export function preparedOverlayBytes(prepared: PreparedOverlay): number {
  let bytes = 1024 + (prepared.hidden?.byteLength ?? 0) + prepared.profileDocCount.byteLength;
  bytes += 64 * prepared.docs.length + 64 * prepared.profiles.length;
  for (const [term, list] of prepared.postings) {
    bytes += 2 * term.length + 160 + list.docs.byteLength + list.impacts.byteLength;
  }
  for (const term of prepared.vocabulary) bytes += 2 * term.length + 16;
  for (const [key, docs] of prepared.packageKeys) bytes += 2 * key.length + 96 + 8 * docs.length;
  const table = prepared.nameTable;
  bytes += table.hashes.byteLength + table.docs.byteLength + table.kinds.byteLength;
  return bytes;
}
