// The raw q as typed: control and invisible characters become spaces, compatibility forms
// are folded (full-width letters), whitespace collapses and the length is capped. Quotes and
// operators (AND, OR, -, *, ", :, parentheses) are not interpreted: they are plain text, and
// the tokenizer ignores punctuation.

export const MAX_QUERY_LENGTH = 200;

// Cc controls, Cf format characters (zero-width, bidi), Cs lone surrogates, line/paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
const SPACES = /\s+/gu;

export function normalizeQuery(raw: string): string {
  // Bounds the work on huge inputs before any regex runs over them.
  const head = raw.length > MAX_QUERY_LENGTH * 4 ? raw.slice(0, MAX_QUERY_LENGTH * 4) : raw;
  const clean = head.replace(INVISIBLE, " ").normalize("NFKC").replace(SPACES, " ").trim();
  if (clean.length <= MAX_QUERY_LENGTH) return clean;
  let count = 0;
  let end = 0;
  for (const ch of clean) {
    if (count === MAX_QUERY_LENGTH) break;
    count++;
    end += ch.length;
  }
  return clean.slice(0, end).trimEnd();
}
