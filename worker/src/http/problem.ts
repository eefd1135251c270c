// The single conversion of errors to RFC 9457 problem+json, in the shape the official registry
// (huma's ErrorModel) sends: an ApiError keeps its status; an outage of D1 or a Durable Object
// (errors.ts isOutage) is 503 with Retry-After; anything else is a generic 500.
//
// Replies never amplify their input: a reply is at most MAX_PROBLEM_BYTES, whatever the error
// holds. Small values are echoed exactly as the official registry echoes them; beyond the limits
// below, strings are cut (in code points) and end with TRUNCATION_MARK, an object or array whose
// JSON is too long is replaced by the cut start of that JSON, and `errors` lists at most
// MAX_PROBLEM_ERRORS entries (fewer when the byte budget runs out), then one summary entry that
// counts the rest: those not listed and those the error only counted (`ApiError.omitted`).
import { TRUNCATION_MARK, truncateText as truncateTo } from "../domain/truncate-text.ts";
import { utf8Length } from "../domain/utf8.ts";
import { ApiError, isOutage, MAX_PROBLEM_ERRORS, type ProblemDetail } from "../errors.ts";

export { MAX_PROBLEM_ERRORS, TRUNCATION_MARK };

const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** No problem reply is larger than this (UTF-8 bytes). */
export const MAX_PROBLEM_BYTES = 64 * 1024;
/** Longest string echoed whole (`message`, `location`, string values). */
export const MAX_ECHO_CODE_POINTS = 1024;
/**
 * Longest `detail` kept whole: our own sentence, which may quote input (a name) or list a
 * token's permissions (a GitHub user in many organisations), so it gets more room.
 */
export const MAX_DETAIL_CODE_POINTS = 8192;
/** Longest JSON rendering of an object or array echoed whole (UTF-16 units). */
export const MAX_ECHO_JSON_LENGTH = 4096;
/** Nesting echoed at most; request bodies are refused deeper than this anyway. */
const MAX_ECHO_DEPTH = 64;
/** Room kept for the summary entry and the closing brackets. */
const SUMMARY_RESERVE_BYTES = 256;

/** `s` when it has at most `max` code points, else its first `max` code points and TRUNCATION_MARK. */
export function truncateText(s: string, max = MAX_ECHO_CODE_POINTS): string {
  return truncateTo(s, max);
}

/** JSON text written up to a length, then abandoned: the cost is bounded by the limit. */
class BoundedJson {
  private readonly parts: string[] = [];
  private readonly limit: number;
  private length = 0;
  /** Set when something could not be written exactly (too long or too deep). */
  cut = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  text(): string {
    return this.parts.join("");
  }

  private write(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.length > this.limit) this.cut = true;
  }

  value(value: unknown, depth: number): void {
    if (this.cut) return;
    if (value === null) return this.write("null");
    switch (typeof value) {
      case "string": {
        const room = this.limit - this.length;
        // Only what can still be shown is escaped: a 1 MiB string costs no more than a short one.
        return this.write(JSON.stringify(value.length > room ? value.slice(0, room) : value));
      }
      case "number":
        return this.write(Number.isFinite(value) ? String(value) : "null");
      case "boolean":
        return this.write(value ? "true" : "false");
      case "object":
        if (depth >= MAX_ECHO_DEPTH) {
          this.cut = true;
          return;
        }
        return Array.isArray(value) ? this.array(value, depth) : this.object(value as Record<string, unknown>, depth);
      default:
        return this.write("null"); // undefined, functions, symbols and bigints have no JSON
    }
  }

  private array(items: readonly unknown[], depth: number): void {
    this.write("[");
    for (let i = 0; i < items.length && !this.cut; i++) {
      if (i > 0) this.write(",");
      this.value(items[i], depth + 1);
    }
    this.write("]");
  }

  private object(record: Record<string, unknown>, depth: number): void {
    this.write("{");
    let first = true;
    for (const key in record) {
      if (this.cut) break;
      if (!Object.hasOwn(record, key)) continue;
      const item = record[key];
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      this.write(`${first ? "" : ","}${JSON.stringify(truncateText(key))}:`);
      first = false;
      this.value(item, depth + 1);
    }
    this.write("}");
  }
}

/** A value as echoed: itself when small, else a cut string (see the top of this file). */
export function echoValue(value: unknown): unknown {
  if (typeof value === "string") return truncateText(value);
  if (value === null || typeof value !== "object") return value;
  const json = new BoundedJson(MAX_ECHO_JSON_LENGTH);
  json.value(value, 0);
  return json.cut ? truncateText(json.text()) : value;
}

/**
 * One errors[] entry with every field bounded, keys in their original order. `echoes` remembers
 * the objects already rendered: many entries share one parent object as their value.
 */
function echoEntry(entry: ProblemDetail, echoes: Map<object, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (value === null || typeof value !== "object") {
      out[key] = typeof value === "string" ? truncateText(value) : echoValue(value);
      continue;
    }
    if (!echoes.has(value)) echoes.set(value, echoValue(value));
    out[key] = echoes.get(value);
  }
  return out;
}

/**
 * JSON texts of the first items that fit in `budget` bytes (at most `maxItems`), then the
 * summary of the rest, and of `uncounted` more that are not in `items` at all. Items are
 * rendered one at a time: the work is bounded by what is shown.
 */
export function boundedList<T>(
  items: readonly T[],
  render: (item: T) => string,
  budget: number,
  summary: (omitted: number) => string,
  maxItems = MAX_PROBLEM_ERRORS,
  uncounted = 0,
): string[] {
  const texts: string[] = [];
  let used = 0;
  for (const item of items) {
    if (texts.length === maxItems) break;
    const text = render(item);
    const bytes = utf8Length(text) + 1; // and its comma
    if (used + bytes > budget) break;
    texts.push(text);
    used += bytes;
  }
  const omitted = items.length - texts.length + uncounted;
  if (omitted > 0) texts.push(summary(omitted));
  return texts;
}

function renderProblem(status: number, detail: string, errors: readonly ProblemDetail[], omitted: number): string {
  const title = REASON_PHRASES[status] ?? "Error";
  const head = `{"title":${JSON.stringify(title)},"status":${status},"detail":${JSON.stringify(truncateText(detail, MAX_DETAIL_CODE_POINTS))}`;
  if (errors.length === 0 && omitted === 0) return `${head}}`;
  const budget = MAX_PROBLEM_BYTES - utf8Length(head) - SUMMARY_RESERVE_BYTES;
  const echoes = new Map<object, unknown>();
  const entries = boundedList(
    errors,
    (entry) => JSON.stringify(echoEntry(entry, echoes)),
    budget,
    (count) => JSON.stringify({ message: `… and ${count} more errors` }),
    MAX_PROBLEM_ERRORS,
    omitted,
  );
  return `${head},"errors":[${entries.join(",")}]}`;
}

/** A problem's JSON text; `omitted` more errors than `errors` lists were found (counted in the summary). */
export function problemBody(
  status: number,
  detail: string,
  errors: readonly ProblemDetail[] = [],
  omitted = 0,
): string {
  try {
    return renderProblem(status, detail, errors, omitted);
  } catch (err) {
    // Nothing above should throw (getters on odd values could): the status is still answered.
    console.error("problem reply could not be rendered", err instanceof Error ? err.message : err);
    return renderProblem(status, typeof detail === "string" ? detail : "Error", [], 0);
  }
}

function problem(err: ApiError): Response {
  return new Response(problemBody(err.status, err.detail, err.errors, err.omitted), {
    status: err.status,
    headers: { "content-type": "application/problem+json", ...err.headers },
  });
}

/**
 * Known errors keep their status; an outage of D1 or a Durable Object is 503 with Retry-After
 * (its message, the platform's, is logged, not echoed); anything else is logged and answered
 * with a generic 500.
 */
export function problemResponse(err: unknown): Response {
  if (err instanceof ApiError) return problem(err);
  if (isOutage(err)) {
    console.error("storage unavailable", err instanceof Error ? err.message : err);
    return problem(ApiError.unavailable());
  }
  console.error("unexpected error", err instanceof Error ? (err.stack ?? err.message) : err);
  return problem(new ApiError(500, "Internal server error"));
}
