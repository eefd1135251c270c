// Upstream sources mirrored by the cron (README "Mirroring upstream registries"), pure: the
// bounds and canonical forms of a source's configuration, which names it admits, how a list-mode
// pass moves its updated_since on, the bounded list of recent skips, and the state an
// administrator reads.
import { canonicalInclude } from "./governance-rules.ts";
import { matchesPattern } from "./name-patterns.ts";
import { formatRfc3339 } from "./timestamps.ts";
import { truncateText } from "./truncate-text.ts";

/** Most sources a deployment holds (cron runs share their page budget among them). */
export const MAX_SOURCES = 50;
/** Most include and exclude patterns per source. */
export const MAX_SOURCE_PATTERNS = 100;
/** Longest source URL accepted. */
export const MAX_SOURCE_URL_LENGTH = 2048;
/** Skips a source keeps to show (newest first; the count keeps growing). */
export const MAX_RECENT_SKIPS = 50;
/** Longest error message a source keeps. */
export const MAX_ERROR_LENGTH = 1000;
/**
 * Longest upstream value a skip quotes (a name, a version, a status or a timestamp in a reason),
 * in code points; longer ones are cut and marked. With the reason's own bound this keeps the
 * recent skips (one D1 value) small whatever an upstream sends.
 */
export const MAX_SKIP_QUOTE = 200;
/** Longest reason a skip keeps, in code points. */
export const MAX_SKIP_REASON = 1000;

export const SOURCE_NOT_FOUND = "Source not found";

/** How a source reads its upstream: our change feed (exact cursor) or the official list. */
export type SourceMode = "feed" | "list";

/**
 * What a list pass keeps below the highest upstream updatedAt it saw when it starts the next
 * pass's updated_since: the upstream's list caches (the official one's are stale for a minute or
 * more) and commits that land with an earlier updatedAt than rows already served.
 */
export const LIST_SAFETY_MARGIN_MICROS = 10 * 60 * 1_000_000;

/** A source as an administrator configured it. */
export interface SourceConfig {
  id: string;
  /** The canonical base URL: the provenance every mirrored row carries. */
  url: string;
  /** The group it mirrors into; null: the public catalogue. */
  into: string | null;
  include: string[];
  exclude: string[];
  createdAt: number;
  createdBy: string;
}

export interface SourceCounts {
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

/** One upstream entry a step did not write, and why. */
export interface SkipRecord {
  name?: string;
  version?: string;
  reason: string;
  /** µs: when it was skipped. */
  at: number;
}

/** Where the mirror stands and how it went. */
export interface SourceProgress {
  mode: SourceMode | null;
  /** feed: the upstream's cursor; list: the page cursor of the pass under way (null: a new pass). */
  position: string | null;
  /** list: the updated_since of the pass under way (µs; 0 on the first pass). */
  since: number | null;
  /** list: the highest upstream updatedAt seen in the pass under way (µs). */
  passHigh: number | null;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  caughtUpAt: number | null;
  lastError: string | null;
  counts: SourceCounts;
  recentSkips: SkipRecord[];
}

export type SourceRecord = SourceConfig & SourceProgress;

export const NO_COUNTS: SourceCounts = Object.freeze({ added: 0, updated: 0, unchanged: 0, skipped: 0 });

/** A new source's progress: nothing read yet. */
export function freshProgress(): SourceProgress {
  return {
    mode: null,
    position: null,
    since: null,
    passHigh: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    caughtUpAt: null,
    lastError: null,
    counts: { ...NO_COUNTS },
    recentSkips: [],
  };
}

type Canonical = { value: string } | { error: string };

/**
 * The one form of a source URL: http or https, no credentials, query or fragment; lower-case
 * scheme and host (URL does that), no default port, no trailing slash, and no trailing "/v0.1"
 * or "/v0" (the API version is the mirror's to choose, so both spellings name one source).
 */
export function canonicalSourceUrl(raw: string): Canonical {
  const trimmed = raw.trim();
  if (trimmed.length > MAX_SOURCE_URL_LENGTH) {
    return { error: `a source URL is at most ${MAX_SOURCE_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { error: "expected an absolute http or https URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { error: "expected an http or https URL" };
  if (url.username !== "" || url.password !== "") return { error: "a source URL must not carry credentials" };
  if (url.search !== "" || trimmed.includes("?")) return { error: "a source URL must not have a query" };
  if (url.hash !== "" || trimmed.includes("#")) return { error: "a source URL must not have a fragment" };
  if (url.hostname === "") return { error: "a source URL needs a host" };
  const path = url.pathname.replace(/\/+$/, "").replace(/\/v0(\.1)?$/, "");
  return { value: `${url.protocol}//${url.host}${path}` };
}

/** A name pattern of include/exclude: the syntax of a group's include patterns. */
export function canonicalSourcePattern(raw: string): Canonical {
  return canonicalInclude(raw);
}

/** Whether a source writes this name: an include matches (none: every name) and no exclude does. */
export function sourceAdmits(source: Pick<SourceConfig, "include" | "exclude">, name: string): boolean {
  if (source.include.length > 0 && !source.include.some((p) => matchesPattern(p, name))) return false;
  return !source.exclude.some((p) => matchesPattern(p, name));
}

/**
 * The updated_since of the next list pass. A row that changed during this pass but sorts before
 * the page cursor was missed; it was updated after the pass started, so keeping more than the
 * pass's duration below the highest updatedAt seen finds it next time. The pass started after
 * `passStartBound` (the previous pass's end, or the source's creation), so `now - passStartBound`
 * bounds its duration; the safety margin covers caches and commit lag. Never moves back.
 */
export function nextPassSince(
  since: number,
  passHigh: number | null,
  passStartBound: number,
  now: number,
  margin = LIST_SAFETY_MARGIN_MICROS,
): number {
  if (passHigh === null) return since;
  return Math.max(since, passHigh - margin - Math.max(0, now - passStartBound));
}

/** An upstream value as a skip reason quotes it: JSON of a scalar, cut at MAX_SKIP_QUOTE code points. */
export function quoteUpstream(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(truncateText(value, MAX_SKIP_QUOTE));
  // Objects and arrays are named, never serialized: their JSON could be the whole page.
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/** A skip with its name and version cut at MAX_SKIP_QUOTE and its reason at MAX_SKIP_REASON code points. */
export function boundedSkip(skip: SkipRecord): SkipRecord {
  return {
    ...(skip.name === undefined ? {} : { name: truncateText(skip.name, MAX_SKIP_QUOTE) }),
    ...(skip.version === undefined ? {} : { version: truncateText(skip.version, MAX_SKIP_QUOTE) }),
    reason: truncateText(skip.reason, MAX_SKIP_REASON),
    at: skip.at,
  };
}

/**
 * The newest skips first, one per name@version (the newest reason wins), at most
 * MAX_RECENT_SKIPS, each bounded (boundedSkip).
 */
export function mergeRecentSkips(previous: readonly SkipRecord[], added: readonly SkipRecord[]): SkipRecord[] {
  const seen = new Set<string>();
  const out: SkipRecord[] = [];
  for (const skip of [...[...added].reverse().map(boundedSkip), ...previous]) {
    const key = skip.name === undefined ? `\n${skip.reason}` : `${skip.name}@${skip.version ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(skip);
    if (out.length === MAX_RECENT_SKIPS) break;
  }
  return out;
}

/** An error message as a source keeps it (bounded). */
export function boundedError(message: string): string {
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

const iso = (micros: number | null) => (micros === null ? null : formatRfc3339(micros));

/**
 * A source as GET /x/admin/sources shows it. `lagSeconds`: how long ago the mirror last reached
 * the upstream's end (it held everything the upstream served then); null before the first time.
 */
export function renderSource(source: SourceRecord, now: number) {
  return {
    id: source.id,
    url: source.url,
    into: source.into ?? "public",
    include: source.include,
    exclude: source.exclude,
    createdAt: formatRfc3339(source.createdAt),
    createdBy: source.createdBy,
    mode: source.mode,
    position: source.position,
    ...(source.mode === "list" ? { updatedSince: iso(source.since) } : {}),
    // A step that reaches the upstream's end stamps caughtUpAt after its lastAttemptAt.
    caughtUp: source.caughtUpAt !== null && source.caughtUpAt >= (source.lastAttemptAt ?? 0),
    lastAttemptAt: iso(source.lastAttemptAt),
    lastSuccessAt: iso(source.lastSuccessAt),
    caughtUpAt: iso(source.caughtUpAt),
    lagSeconds: source.caughtUpAt === null ? null : Math.max(0, Math.floor((now - source.caughtUpAt) / 1_000_000)),
    lastError: source.lastError,
    counts: source.counts,
    recentSkips: source.recentSkips.map((skip) => ({
      ...(skip.name === undefined ? {} : { name: skip.name }),
      ...(skip.version === undefined ? {} : { version: skip.version }),
      reason: skip.reason,
      at: formatRfc3339(skip.at),
    })),
  };
}

/** Why a mirror skips an upstream entry of a name that is not its own (beyond the import's refusals). */
export function localNameSkip(name: string): string {
  return `${name} has versions published or mirrored here from elsewhere: local names win`;
}
