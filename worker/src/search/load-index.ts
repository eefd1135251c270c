// Turns the stored index into typed arrays and precomputes every posting's impact, once per isolate.
import { SATURATION_TABLE, inverseDocumentFrequency, saturation } from "./fields.ts";
import { type LoadedIndex, newScratch } from "./loaded-index.ts";
import { buildNameTable } from "./name-table.ts";
import type { Profile } from "./profiles.ts";
import { SEARCH_INDEX_FORMAT, type SerializedIndex } from "./serialized-index.ts";
import { VlqReader } from "./vlq.ts";

function fail(what: string): never {
  throw new Error(`search index: ${what}`);
}

function splitLines(text: string, count: number): string[] {
  const lines = count === 0 ? [] : text.split("\n");
  if (lines.length !== count) fail("list length mismatch");
  return lines;
}

function readPerDoc(text: string, docCount: number, limit: number): Uint32Array {
  const reader = new VlqReader(text);
  const out = new Uint32Array(docCount);
  for (let d = 0; d < docCount; d++) {
    const v = reader.read();
    if (v >= limit) fail("per-document value out of range");
    out[d] = v;
  }
  return out;
}

/** Documents grouped by key (counting sort): start offsets and ids, ascending within a group. */
function groupBy(keys: Uint32Array, groups: number): { start: Uint32Array; ids: Uint32Array } {
  const start = new Uint32Array(groups + 1);
  for (const k of keys) start[k + 1]!++;
  for (let g = 1; g <= groups; g++) start[g]! += start[g - 1] ?? 0;
  const fill = start.slice(0, groups);
  const ids = new Uint32Array(keys.length);
  keys.forEach((k, d) => {
    ids[fill[k]!++] = d;
  });
  return { start, ids };
}

function readPostings(serialized: SerializedIndex, terms: readonly string[]) {
  const docCount = serialized.docCount;
  const termStart = new Uint32Array(terms.length + 1);
  const postingDocs = new Uint32Array(serialized.postingCount);
  const postingImpact = new Float32Array(serialized.postingCount);
  const reader = new VlqReader(serialized.postings);
  let p = 0;
  for (let t = 0; t < terms.length; t++) {
    termStart[t] = p;
    const df = reader.read();
    if (p + df > postingDocs.length) fail("posting count mismatch");
    const idf = inverseDocumentFrequency(df, docCount);
    let d = 0;
    for (let i = 0; i < df; i++) {
      d += reader.read();
      if (d >= docCount) fail("doc id out of range");
      postingDocs[p] = d;
      // termImpact() with its table lookup inlined: this runs once per posting.
      const q = reader.read();
      postingImpact[p] = Math.fround(idf * (SATURATION_TABLE[q] ?? saturation(q)));
      p++;
    }
  }
  termStart[terms.length] = p;
  if (p !== postingDocs.length || !reader.done) fail("posting count mismatch");
  return { termStart, postingDocs, postingImpact };
}

function readPackageKeys(serialized: SerializedIndex) {
  const packageKeys = serialized.packageKeys === "" ? [] : serialized.packageKeys.split("\n");
  const packageKeyStart = new Uint32Array(packageKeys.length + 1);
  const docs: number[] = [];
  const reader = new VlqReader(serialized.packageKeyDocs);
  for (let k = 0; k < packageKeys.length; k++) {
    packageKeyStart[k] = docs.length;
    const n = reader.read();
    for (let i = 0; i < n; i++) {
      const d = reader.read();
      if (d >= serialized.docCount) fail("doc id out of range");
      docs.push(d);
    }
  }
  packageKeyStart[packageKeys.length] = docs.length;
  return { packageKeys, packageKeyStart, packageKeyDocs: Uint32Array.from(docs) };
}

const STRING_FIELDS = ["docNamespaces", "docProfiles", "terms", "postings", "packageKeys", "packageKeyDocs"] as const;
const ARRAY_FIELDS = ["names", "namespaces", "registryTypes", "transports", "profiles", "fieldAverages"] as const;
const NUMBER_FIELDS = ["docCount", "termCount", "postingCount"] as const;

/** The shape check JSON.parse cannot do (an index of another format or a damaged shard). */
function checkShape(serialized: SerializedIndex): void {
  if (typeof serialized !== "object" || serialized === null) fail("not an object");
  if (serialized.format !== SEARCH_INDEX_FORMAT) {
    fail(`format ${String(serialized.format)}, expected ${SEARCH_INDEX_FORMAT}`);
  }
  for (const key of STRING_FIELDS) if (typeof serialized[key] !== "string") fail(`${key} is not a string`);
  for (const key of ARRAY_FIELDS) if (!Array.isArray(serialized[key])) fail(`${key} is not a list`);
  for (const key of NUMBER_FIELDS) {
    if (!Number.isSafeInteger(serialized[key]) || serialized[key] < 0) fail(`${key} is not a count`);
  }
}

/** Throws on a foreign format or inconsistent data: the caller rebuilds instead of serving garbage. */
export function loadIndex(serialized: SerializedIndex): LoadedIndex {
  checkShape(serialized);
  const docCount = serialized.docCount;
  const names = serialized.names;
  if (names.length !== docCount) fail("name count mismatch");
  const terms = splitLines(serialized.terms, serialized.termCount);

  const profiles = serialized.profiles.map((p): Profile => {
    const inRange = (ids: number[], size: number) => ids.every((id) => Number.isInteger(id) && id >= 0 && id < size);
    if (
      !inRange(p.registryTypes, serialized.registryTypes.length) ||
      !inRange(p.transports, serialized.transports.length)
    ) {
      fail("profile value out of range");
    }
    return { flags: p.flags, registryIds: p.registryTypes, transportIds: p.transports };
  });
  const docProfile = readPerDoc(serialized.docProfiles, docCount, profiles.length);
  const docFlags = new Uint8Array(docCount);
  const profileDocCount = new Uint32Array(profiles.length);
  docProfile.forEach((p, d) => {
    docFlags[d] = profiles[p]?.flags ?? 0;
    profileDocCount[p]!++;
  });
  const docNamespace = readPerDoc(serialized.docNamespaces, docCount, serialized.namespaces.length);
  const byNamespace = groupBy(docNamespace, serialized.namespaces.length);

  return {
    docCount,
    names,
    namespaces: serialized.namespaces,
    docNamespace,
    namespaceStart: byNamespace.start,
    namespaceDocs: byNamespace.ids,
    registryTypes: serialized.registryTypes,
    transports: serialized.transports,
    profiles,
    docProfile,
    docFlags,
    profileDocCount,
    fieldAverages: serialized.fieldAverages,
    terms,
    ...readPostings(serialized, terms),
    nameTable: buildNameTable(names),
    ...readPackageKeys(serialized),
    typoTable: undefined,
    typoMemo: new Map(),
    overlays: new WeakMap(),
    scratch: newScratch(docCount + 16),
  };
}
