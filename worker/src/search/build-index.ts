// Builds the stored index from the latest document of every name (run by the cron).
import { FIELD_COUNT, fieldTokens, termFrequencies } from "./fields.ts";
import { MIN_PACKAGE_KEY_LENGTH, packageKey } from "./package-keys.ts";
import { Dictionary, ProfileTable } from "./profiles.ts";
import { SEARCH_INDEX_FORMAT, type SerializedIndex } from "./serialized-index.ts";
import type { SearchDocument } from "./types.ts";
import { VlqWriter } from "./vlq.ts";

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Values ordered by frequency (small ids for common values), then by value. */
function dictionary(lists: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const v of list) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || byCodeUnits(a, b));
}

export function buildIndex(input: readonly SearchDocument[]): SerializedIndex {
  // One document per name (the last one given wins), in name order.
  const byName = new Map<string, SearchDocument>();
  for (const doc of input) byName.set(doc.name, doc);
  const docs = [...byName.values()].sort((a, b) => byCodeUnits(a.name, b.name));
  const docCount = docs.length;

  const fields = docs.map(fieldTokens);
  const fieldAverages: number[] = [];
  for (let f = 0; f < FIELD_COUNT; f++) {
    let sum = 0;
    for (const doc of fields) sum += doc[f]?.length ?? 0;
    fieldAverages.push(docCount === 0 ? 0 : sum / docCount);
  }

  // term → [doc, tf, doc, tf, ...] with docs ascending (documents are visited in order).
  const postingsByTerm = new Map<string, number[]>();
  let postingCount = 0;
  for (let d = 0; d < docCount; d++) {
    for (const [term, tf] of termFrequencies(fields[d] ?? [], fieldAverages)) {
      let list = postingsByTerm.get(term);
      if (list === undefined) {
        list = [];
        postingsByTerm.set(term, list);
      }
      list.push(d, tf);
      postingCount++;
    }
  }
  const terms = [...postingsByTerm.keys()].sort(byCodeUnits);
  const postings = new VlqWriter();
  for (const term of terms) {
    const list = postingsByTerm.get(term) ?? [];
    postings.write(list.length / 2);
    let previous = 0;
    for (let i = 0; i < list.length; i += 2) {
      const d = list[i] ?? 0;
      postings.write(d - previous);
      postings.write(list[i + 1] ?? 1);
      previous = d;
    }
  }

  const namespaces = [...new Set(docs.map((d) => d.namespace))].sort(byCodeUnits);
  const namespaceIds = new Map(namespaces.map((ns, i) => [ns, i]));
  const docNamespaces = new VlqWriter();
  for (const doc of docs) docNamespaces.write(namespaceIds.get(doc.namespace) ?? 0);

  const registryTypes = new Dictionary(dictionary(docs.map((d) => d.registryTypes)));
  const transports = new Dictionary(dictionary(docs.map((d) => d.transports)));
  const profiles = new ProfileTable([]);
  const docProfiles = new VlqWriter();
  for (const doc of docs) docProfiles.write(profiles.idOf(doc, registryTypes, transports));

  const packageDocs = new Map<string, number[]>();
  docs.forEach((doc, d) => {
    for (const identifier of doc.packageIdentifiers) {
      const key = packageKey(identifier);
      if (key.length < MIN_PACKAGE_KEY_LENGTH) continue;
      let list = packageDocs.get(key);
      if (list === undefined) {
        list = [];
        packageDocs.set(key, list);
      }
      if (list[list.length - 1] !== d) list.push(d);
    }
  });
  const packageKeys = [...packageDocs.keys()].sort(byCodeUnits);
  const packageKeyDocs = new VlqWriter();
  for (const key of packageKeys) {
    const list = packageDocs.get(key) ?? [];
    packageKeyDocs.write(list.length);
    for (const d of list) packageKeyDocs.write(d);
  }

  return {
    format: SEARCH_INDEX_FORMAT,
    docCount,
    names: docs.map((d) => d.name),
    namespaces,
    docNamespaces: docNamespaces.toString(),
    registryTypes: registryTypes.values,
    transports: transports.values,
    profiles: profiles.profiles.map((p) => ({
      flags: p.flags,
      registryTypes: [...p.registryIds],
      transports: [...p.transportIds],
    })),
    docProfiles: docProfiles.toString(),
    fieldAverages,
    termCount: terms.length,
    postingCount,
    terms: terms.join("\n"),
    postings: postings.toString(),
    packageKeys: packageKeys.join("\n"),
    packageKeyDocs: packageKeyDocs.toString(),
  };
}
