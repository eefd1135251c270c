// An overlay turned into what queries need, once per (index, overlay object): the index
// documents it hides, its own documents scored with the index's statistics, a small inverted
// index over them, and facet dictionaries extended with values the index has not seen.
import { fieldTokens, inverseDocumentFrequency, termFrequencies, termImpact } from "./fields.ts";
import type { LoadedIndex } from "./loaded-index.ts";
import { type KeyChains, coreKey, keyChains } from "./name-keys.ts";
import { MIN_PACKAGE_KEY_LENGTH, packageKey } from "./package-keys.ts";
import { DEPRECATED_FLAG, PACKAGE_FLAG, REMOTE_FLAG } from "./serialized-index.ts";
import { indexOfSorted } from "./sorted-strings.ts";
import { compactKey } from "./tokenize.ts";
import { serverPart } from "./fields.ts";
import type { Overlay, SearchDocument } from "./types.ts";

export interface OverlayDoc {
  name: string;
  namespace: string;
  flags: number;
  registryIds: number[];
  transportIds: number[];
}

export interface OverlayPostings {
  docs: number[];
  impacts: number[];
}

export interface Dictionary {
  values: string[];
  ids: Map<string, number>;
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
  fullNames: KeyChains;
  serverParts: KeyChains;
  serverCores: KeyChains;
  packageKeys: Map<string, number[]>;
}

function extend(values: readonly string[], lists: readonly (readonly string[])[]): Dictionary {
  const all = [...values];
  const ids = new Map(all.map((v, i) => [v, i]));
  for (const list of lists) {
    for (const v of list) {
      if (!ids.has(v)) {
        ids.set(v, all.length);
        all.push(v);
      }
    }
  }
  return { values: all, ids };
}

function prepare(index: LoadedIndex, overlay: Overlay): PreparedOverlay {
  const byName = new Map<string, SearchDocument>();
  for (const doc of overlay.upserts) if (!overlay.removed.has(doc.name)) byName.set(doc.name, doc);
  const sources = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  let hidden: Uint8Array | undefined;
  const hide = (name: string): void => {
    const id = indexOfSorted(index.names, name);
    if (id === -1) return;
    hidden ??= new Uint8Array(index.docCount);
    hidden[id] = 1;
  };
  for (const doc of overlay.upserts) hide(doc.name);
  for (const name of overlay.removed) hide(name);

  const registryTypes = extend(index.registryTypes.values, sources.map((d) => d.registryTypes));
  const transports = extend(index.transports.values, sources.map((d) => d.transports));
  const postings = new Map<string, OverlayPostings>();
  const vocabulary = new Set<string>();
  const packageKeys = new Map<string, number[]>();
  const docs = sources.map((doc, i): OverlayDoc => {
    for (const [term, tf] of termFrequencies(fieldTokens(doc), index.fieldAverages)) {
      const t = indexOfSorted(index.terms, term);
      const df = t === -1 ? 0 : (index.termStart[t + 1] ?? 0) - (index.termStart[t] ?? 0);
      if (t === -1) vocabulary.add(term);
      let list = postings.get(term);
      if (list === undefined) postings.set(term, (list = { docs: [], impacts: [] }));
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
    return {
      name: doc.name,
      namespace: doc.namespace,
      flags:
        (doc.status === "deprecated" ? DEPRECATED_FLAG : 0) |
        (doc.hosting.includes("remote") ? REMOTE_FLAG : 0) |
        (doc.hosting.includes("package") ? PACKAGE_FLAG : 0),
      registryIds: [...new Set(doc.registryTypes)].map((v) => registryTypes.ids.get(v) ?? 0),
      transportIds: [...new Set(doc.transports)].map((v) => transports.ids.get(v) ?? 0),
    };
  });
  const lowerNames = sources.map((d) => d.name.toLowerCase());
  return {
    hidden,
    docs,
    postings,
    vocabulary: [...vocabulary].sort(),
    registryTypes,
    transports,
    fullNames: keyChains(lowerNames.map(compactKey)),
    serverParts: keyChains(lowerNames.map((n) => compactKey(serverPart(n)))),
    serverCores: keyChains(sources.map((d) => coreKey(d.name))),
    packageKeys,
  };
}

/** The prepared form of an overlay, cached per overlay object. */
export function preparedOverlay(index: LoadedIndex, overlay: Overlay): PreparedOverlay {
  let prepared = index.overlays.get(overlay);
  if (prepared === undefined) {
    prepared = prepare(index, overlay);
    index.overlays.set(overlay, prepared);
  }
  return prepared;
}
