// Tokenization shared by documents and queries, so both sides cut text the same way.
// A "run" is a maximal stretch of letters and digits; it is indexed whole (lower-cased) and,
// when it has camelCase or letter/digit boundaries, also as its parts: "GitHubAPI" gives
// github, git, hub, api; "postgres17" gives postgres17, postgres, 17.

const RUNS = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;
const NUMBER_CHAR = /\p{N}/u;

/** Longer tokens are cut: they are ids or hashes, never typed. */
export const MAX_TOKEN_LENGTH = 40;
/** Single characters carry no meaning on their own and would bloat postings. */
const MIN_TOKEN_LENGTH = 2;

/** Removes accents but keeps case (camelCase splitting still needs it). */
export function foldAccents(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text.normalize("NFKD").replace(MARKS, "");
}

/** Letter/digit runs of already folded text, in their original case. */
export function textRuns(folded: string): string[] {
  return folded.match(RUNS) ?? [];
}

const LOWER = 0;
const UPPER = 1;
const DIGIT = 2;

function asciiClass(c: number): number {
  if (c >= 48 && c <= 57) return DIGIT;
  if (c >= 65 && c <= 90) return UPPER;
  return LOWER;
}

function charClass(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c < 128) return asciiClass(c);
  if (ch !== ch.toLowerCase()) return UPPER;
  return NUMBER_CHAR.test(ch) ? DIGIT : LOWER;
}

function isBoundary(prev: number, cur: number, next: number): boolean {
  return (
    (prev === DIGIT) !== (cur === DIGIT) ||
    (prev === LOWER && cur === UPPER) ||
    (prev === UPPER && cur === UPPER && next === LOWER)
  );
}

/** camelCase and letter/digit parts of one run ("HTTPServer2" → HTTP, Server, 2). */
export function runParts(run: string): string[] {
  if (NON_ASCII.test(run)) return unicodeRunParts(run);
  // Char codes directly: this runs for every word of every document at build time.
  const parts: string[] = [];
  const n = run.length;
  let start = 0;
  let prev = asciiClass(run.charCodeAt(0));
  let cur = n > 1 ? asciiClass(run.charCodeAt(1)) : -1;
  for (let i = 1; i < n; i++) {
    const next = i + 1 < n ? asciiClass(run.charCodeAt(i + 1)) : -1;
    if (isBoundary(prev, cur, next)) {
      parts.push(run.slice(start, i));
      start = i;
    }
    prev = cur;
    cur = next;
  }
  parts.push(run.slice(start));
  return parts;
}

function unicodeRunParts(run: string): string[] {
  const chars = Array.from(run);
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < chars.length; i++) {
    const next = i + 1 < chars.length ? charClass(chars[i + 1] ?? "") : -1;
    if (isBoundary(charClass(chars[i - 1] ?? ""), charClass(chars[i] ?? ""), next)) {
      parts.push(chars.slice(start, i).join(""));
      start = i;
    }
  }
  parts.push(chars.slice(start).join(""));
  return parts;
}

/** Whether a run can have parts at all (most words are plain lower-case letters). */
function mayHaveParts(run: string): boolean {
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c < 97 || c > 122) return true;
  }
  return false;
}

/** Lower-cases and cuts a token at a code point boundary. */
export function termOf(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length <= MAX_TOKEN_LENGTH) return lower;
  let end = MAX_TOKEN_LENGTH;
  const last = lower.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return lower.slice(0, end);
}

/** Appends the index terms of a text (duplicates kept: they are term frequencies). */
export function tokenize(text: string, out: string[]): void {
  for (const run of textRuns(foldAccents(text))) {
    const whole = termOf(run);
    if (whole.length >= MIN_TOKEN_LENGTH) out.push(whole);
    if (!mayHaveParts(run)) continue;
    const parts = runParts(run);
    if (parts.length < 2) continue;
    for (const part of parts) {
      const term = termOf(part);
      if (term.length >= MIN_TOKEN_LENGTH) out.push(term);
    }
  }
}

/** Letters and digits only, lower-cased: "io.github.alice/Postgres-MCP" → "iogithubalicepostgresmcp". */
export function compactKey(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return slowCompactKey(text);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122)) out += String.fromCharCode(c);
    else if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
  }
  return out;
}

function slowCompactKey(text: string): string {
  return textRuns(foldAccents(text)).join("").toLowerCase();
}
