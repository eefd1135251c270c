// The weighted fields of a document and its BM25F term frequencies. Build and overlay both
// go through termFrequencies(), so a document scores the same in the index and in an overlay.
import { compactKey, tokenize } from "./tokenize.ts";
import type { SearchDocument } from "./types.ts";

// Field order: server part (after "/"), namespace, title, description, package identifiers,
// remote hosts. The server part outweighs the namespace: "io.github.*" is in half the names.
export const FIELD_COUNT = 6;
const WEIGHTS = [4, 1, 3, 1, 1.5, 1];
const LENGTH_NORMALISATION = [0.5, 0.3, 0.5, 0.75, 0.5, 0.5];

/** BM25 saturation: a term's contribution tends to idf × (K1 + 1). */
const K1 = 1.2;
/** Frequencies are stored as integers in 1/16 steps (±3% is invisible in ranking). */
const TF_SCALE = 16;

export function serverPart(name: string): string {
  const slash = name.indexOf("/");
  return slash === -1 ? name : name.slice(slash + 1);
}

/**
 * The meaningful part of a reverse-DNS namespace: without its top-level label ("io", "com",
 * "ai") and without "github" in "io.github.<user>" (it names the login method, and would
 * make "github" match most of the catalogue).
 */
export function namespaceWords(namespace: string): string {
  let labels = namespace.split(".");
  if (labels.length > 1) labels = labels.slice(1);
  if (labels.length > 1 && labels[0] === "github") labels = labels.slice(1);
  return labels.join(".");
}

/** The terms of each field, in field order. */
export function fieldTokens(doc: SearchDocument): string[][] {
  const part = serverPart(doc.name);
  const partTokens: string[] = [];
  tokenize(part, partTokens);
  // "postgres-mcp" is also findable as "postgresmcp".
  const compact = compactKey(part);
  if (compact.length >= 2 && compact.length <= 40 && !partTokens.includes(compact)) partTokens.push(compact);
  const namespace: string[] = [];
  tokenize(namespaceWords(doc.namespace), namespace);
  const title: string[] = [];
  if (doc.title !== undefined) tokenize(doc.title, title);
  const description: string[] = [];
  tokenize(doc.description, description);
  const packages: string[] = [];
  for (const id of doc.packageIdentifiers) tokenize(id, packages);
  const hosts: string[] = [];
  for (const host of doc.remoteHosts) tokenize(host, hosts);
  return [partTokens, namespace, title, description, packages, hosts];
}

/** term → quantised BM25F pseudo-frequency (Σ weight × tf / length norm, × TF_SCALE, ≥ 1). */
export function termFrequencies(fields: readonly string[][], averages: readonly number[]): Map<string, number> {
  const raw = new Map<string, number>();
  for (let f = 0; f < FIELD_COUNT; f++) {
    const tokens = fields[f] ?? [];
    if (tokens.length === 0) continue;
    const b = LENGTH_NORMALISATION[f] ?? 0;
    const norm = 1 - b + (b * tokens.length) / (averages[f] || 1);
    const each = (WEIGHTS[f] ?? 1) / norm;
    for (const term of tokens) raw.set(term, (raw.get(term) ?? 0) + each);
  }
  const out = new Map<string, number>();
  for (const [term, tf] of raw) out.set(term, Math.max(1, Math.round(tf * TF_SCALE)));
  return out;
}

export function inverseDocumentFrequency(df: number, docCount: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

/** BM25 saturation of a quantised frequency: tf × (K1 + 1) / (tf + K1). */
export function saturation(quantisedTf: number): number {
  const tf = quantisedTf / TF_SCALE;
  return (tf * (K1 + 1)) / (tf + K1);
}

/** Saturation of the common quantised frequencies, for loading millions of postings. */
export const SATURATION_TABLE = Float64Array.from({ length: 1024 }, (_, q) => saturation(q));

/** A term's score in one document; float32 so index and overlay agree bit for bit. */
export function termImpact(quantisedTf: number, idf: number): number {
  return Math.fround(idf * (SATURATION_TABLE[quantisedTf] ?? saturation(quantisedTf)));
}
