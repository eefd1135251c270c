// Splits a normalised query into the words that are looked up: stop words dropped (unless
// nothing else is left), duplicates removed, at most MAX_QUERY_WORDS.
import { foldAccents, runParts, termOf, textRuns } from "./tokenize.ts";

export const MAX_QUERY_WORDS = 10;

// Function words, the query operators people type (AND/OR/NOT), and words every MCP server
// has ("mcp", "server"): they would only dilute the ranking.
const STOP_WORDS = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "by",
  "can",
  "for",
  "from",
  "how",
  "i",
  "in",
  "into",
  "is",
  "it",
  "me",
  "my",
  "not",
  "of",
  "on",
  "or",
  "that",
  "the",
  "this",
  "to",
  "via",
  "what",
  "with",
  "mcp",
  "server",
  "servers",
]);

export interface QueryRun {
  /** The run lower-cased (and cut like index terms). */
  word: string;
  /** camelCase / digit parts, lower-cased; empty when the run has none. */
  parts: string[];
  /** The last run of the query gets prefix completion. */
  last: boolean;
}

export function queryRuns(q: string): QueryRun[] {
  const runs = textRuns(foldAccents(q));
  const all = runs.map((run, i): QueryRun => {
    const parts = runParts(run);
    return { word: termOf(run), parts: parts.length > 1 ? parts.map(termOf) : [], last: i === runs.length - 1 };
  });
  const meaningful = all.filter((r) => !STOP_WORDS.has(r.word));
  const kept = meaningful.length > 0 ? meaningful : all;
  const seen = new Set<string>();
  const out: QueryRun[] = [];
  for (const run of kept) {
    if (seen.has(run.word)) continue;
    seen.add(run.word);
    out.push(run);
    if (out.length === MAX_QUERY_WORDS) break;
  }
  return out;
}

/** Singular/plural forms worth trying ("database" ↔ "databases", "query" ↔ "queries"). */
export function wordVariants(word: string): string[] {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return [];
  if (word.endsWith("ies")) return [`${word.slice(0, -3)}y`];
  if (word.endsWith("ss")) return [`${word}es`];
  if (word.endsWith("es")) return [word.slice(0, -2), word.slice(0, -1)];
  if (word.endsWith("s")) return [word.slice(0, -1)];
  if (word.endsWith("y")) return [`${word}s`, `${word.slice(0, -1)}ies`];
  return [`${word}s`, `${word}es`];
}
