// Turns the stored index into typed arrays and precomputes every posting's impact, once per isolate.
import { inverseDocumentFrequency, serverPart, termImpact } from "./fields.ts";
import { type LoadedIndex, type ValueColumn, newScratch } from "./loaded-index.ts";
import { coreKey, keyChains } from "./name-keys.ts";
import { SEARCH_INDEX_FORMAT, type SerializedIndex } from "./serialized-index.ts";
import { compactKey } from "./tokenize.ts";
import { VlqReader } from "./vlq.ts";

function splitLines(text: string, count: number): string[] {
  const lines = count === 0 ? [] : text.split("\n");
  if (lines.length !== count) throw new Error("search index: list length mismatch");
  return lines;
}

function readValueColumn(values: string[], text: string, docCount: number): ValueColumn {
  const reader = new VlqReader(text);
  const start = new Uint32Array(docCount + 1);
  const ids: number[] = [];
  for (let d = 0; d < docCount; d++) {
    start[d] = ids.length;
    const n = reader.read();
    for (let i = 0; i < n; i++) {
      const id = reader.read();
      if (id >= values.length) throw new Error("search index: value id out of range");
      ids.push(id);
    }
  }
  start[docCount] = ids.length;
  return { values, start, ids: Uint16Array.from(ids) };
}

function readPerDoc(text: string, docCount: number, limit: number): Uint32Array {
  const reader = new VlqReader(text);
  const out = new Uint32Array(docCount);
  for (let d = 0; d < docCount; d++) {
    const v = reader.read();
    if (v >= limit) throw new Error("search index: per-document value out of range");
    out[d] = v;
  }
  return out;
}

/** Throws on a foreign format or inconsistent data: the caller rebuilds instead of serving garbage. */
export function loadIndex(serialized: SerializedIndex): LoadedIndex {
  if (serialized.format !== SEARCH_INDEX_FORMAT) {
    throw new Error(`search index: format ${String(serialized.format)}, expected ${SEARCH_INDEX_FORMAT}`);
  }
  const docCount = serialized.docCount;
  const names = serialized.names;
  if (names.length !== docCount) throw new Error("search index: name count mismatch");

  const terms = splitLines(serialized.terms, serialized.termCount);
  const termStart = new Uint32Array(terms.length + 1);
  const postingDocs = new Uint32Array(serialized.postingCount);
  const postingImpact = new Float32Array(serialized.postingCount);
  const reader = new VlqReader(serialized.postings);
  let p = 0;
  for (let t = 0; t < terms.length; t++) {
    termStart[t] = p;
    const df = reader.read();
    if (p + df > postingDocs.length) throw new Error("search index: posting count mismatch");
    const idf = inverseDocumentFrequency(df, docCount);
    let d = 0;
    for (let i = 0; i < df; i++) {
      d += reader.read();
      if (d >= docCount) throw new Error("search index: doc id out of range");
      postingDocs[p] = d;
      postingImpact[p] = termImpact(reader.read(), idf);
      p++;
    }
  }
  termStart[terms.length] = p;
  if (p !== postingDocs.length || !reader.done) throw new Error("search index: posting count mismatch");

  const packageKeys = serialized.packageKeys === "" ? [] : serialized.packageKeys.split("\n");
  const packageKeyStart = new Uint32Array(packageKeys.length + 1);
  const packageDocs: number[] = [];
  const keyReader = new VlqReader(serialized.packageKeyDocs);
  for (let k = 0; k < packageKeys.length; k++) {
    packageKeyStart[k] = packageDocs.length;
    const n = keyReader.read();
    for (let i = 0; i < n; i++) packageDocs.push(keyReader.read());
  }
  packageKeyStart[packageKeys.length] = packageDocs.length;

  const lowerNames = names.map((n) => n.toLowerCase());
  return {
    docCount,
    names,
    namespaces: serialized.namespaces,
    docNamespace: readPerDoc(serialized.docNamespaces, docCount, serialized.namespaces.length),
    docFlags: Uint8Array.from(readPerDoc(serialized.docFlags, docCount, 8)),
    registryTypes: readValueColumn(serialized.registryTypes, serialized.docRegistryTypes, docCount),
    transports: readValueColumn(serialized.transports, serialized.docTransports, docCount),
    fieldAverages: serialized.fieldAverages,
    terms,
    termStart,
    postingDocs,
    postingImpact,
    fullNames: keyChains(lowerNames.map(compactKey)),
    serverParts: keyChains(lowerNames.map((n) => compactKey(serverPart(n)))),
    serverCores: keyChains(names.map(coreKey)),
    packageKeys,
    packageKeyStart,
    packageKeyDocs: Uint32Array.from(packageDocs),
    typoTable: undefined,
    typoMemo: new Map(),
    overlays: new WeakMap(),
    scratch: newScratch(docCount + 16),
  };
}
