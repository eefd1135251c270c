// Exact and near-exact name matches: the query equals the full name, the server part (after
// "/"), or either with separators removed, or the server part without "mcp"/"server" words
// ("postgres" ~ "postgres-mcp-server"), or a package identifier.
import { serverPart } from "./fields.ts";
import { compactKey, foldAccents, textRuns } from "./tokenize.ts";

/** Boosts added to the relevance score (which stays far below 100 for normal queries). */
export const FULL_NAME_BOOST = 1000;
export const FULL_NAME_COMPACT_BOOST = 900;
export const SERVER_PART_BOOST = 200;
export const SERVER_PART_COMPACT_BOOST = 180;
export const SERVER_CORE_BOOST = 160;
export const PACKAGE_BOOST = 150;

const FILLER = new Set(["mcp", "server", "servers", "model", "context", "protocol"]);

/** "mcp-server-postgres" → "postgres"; "" when nothing remains or nothing was removed. */
export function coreKey(name: string): string {
  const runs = textRuns(foldAccents(serverPart(name)).toLowerCase());
  const kept = runs.filter((r) => !FILLER.has(r));
  if (kept.length === runs.length || kept.length === 0) return "";
  return kept.join("");
}

/** Document ids grouped by key: a head per key and a chain through next (-1 ends it). */
export interface KeyChains {
  head: Map<string, number>;
  next: Int32Array;
}

export function keyChains(keys: readonly string[]): KeyChains {
  const head = new Map<string, number>();
  const next = new Int32Array(keys.length).fill(-1);
  // Backwards, so every chain lists ids ascending.
  for (let d = keys.length - 1; d >= 0; d--) {
    const key = keys[d] ?? "";
    if (key === "") continue;
    const first = head.get(key);
    if (first !== undefined) next[d] = first;
    head.set(key, d);
  }
  return { head, next };
}

export function* chain(chains: KeyChains, key: string): Generator<number> {
  let d = chains.head.get(key) ?? -1;
  while (d !== -1) {
    yield d;
    d = chains.next[d] ?? -1;
  }
}

/** Boost of a document found under its full-name key (lower = folded lower-case query). */
export function fullNameBoost(name: string, lower: string): number {
  return name.toLowerCase() === lower ? FULL_NAME_BOOST : FULL_NAME_COMPACT_BOOST;
}

/** Boost of a document found under its server-part key. */
export function serverPartBoost(name: string, lower: string): number {
  return serverPart(name.toLowerCase()) === lower ? SERVER_PART_BOOST : SERVER_PART_COMPACT_BOOST;
}
