// Exact and near-exact name matches: the query equals the full name, the server part (after
// "/"), or either with separators removed, or the server part without "mcp"/"server" words
// ("postgres" ~ "postgres-mcp-server"), or a package identifier.
import { serverPart } from "./fields.ts";
import { foldAccents, textRuns } from "./tokenize.ts";

/** Boosts added to the relevance score (which stays far below 100 for normal queries). */
export const FULL_NAME_BOOST = 1000;
export const FULL_NAME_COMPACT_BOOST = 900;
export const SERVER_PART_BOOST = 200;
export const SERVER_PART_COMPACT_BOOST = 180;
export const SERVER_CORE_BOOST = 160;
export const PACKAGE_BOOST = 150;

const FILLER_WORDS = ["mcp", "server", "servers", "model", "context", "protocol"];
const FILLER = new Set(FILLER_WORDS);

/** "mcp-server-postgres" → "postgres"; "" when nothing remains or nothing was removed. */
export function coreKey(name: string): string {
  const runs = textRuns(foldAccents(serverPart(name)).toLowerCase());
  const kept = runs.filter((r) => !FILLER.has(r));
  if (kept.length === runs.length || kept.length === 0) return "";
  return kept.join("");
}

/** Whether name[from, to) is a filler word (ASCII letters, any case). */
export function isFiller(name: string, from: number, to: number): boolean {
  const length = to - from;
  if (length < 3 || length > 8) return false;
  for (const word of FILLER_WORDS) {
    if (word.length !== length) continue;
    let same = true;
    for (let i = 0; i < length && same; i++) same = (name.charCodeAt(from + i) | 32) === word.charCodeAt(i);
    if (same) return true;
  }
  return false;
}

/** Boost of a document found under its full-name key (lower = folded lower-case query). */
export function fullNameBoost(name: string, lower: string): number {
  return name.toLowerCase() === lower ? FULL_NAME_BOOST : FULL_NAME_COMPACT_BOOST;
}

/** Boost of a document found under its server-part key. */
export function serverPartBoost(name: string, lower: string): number {
  return serverPart(name.toLowerCase()) === lower ? SERVER_PART_BOOST : SERVER_PART_COMPACT_BOOST;
}
