// The one typed error of the API, and the one classification of failures that are outages. A
// bottom module: every layer may throw ApiError, it imports nothing, and http/problem.ts turns
// errors into RFC 9457 problem+json in exactly one place.

/**
 * One entry of a problem's `errors[]` (huma's ErrorDetail). Framework validation entries carry
 * `location` ("body.packages[0].identifier", "query.limit") and the offending `value`.
 */
export interface ProblemDetail {
  message: string;
  location?: string;
  value?: unknown;
}

/** Entries of a problem's `errors` a reply lists at most; the rest are counted in one summary entry. */
export const MAX_PROBLEM_ERRORS = 100;

/** What a 503 asks a client to wait before retrying (the `Retry-After` header, seconds). */
export const RETRY_AFTER_SECONDS = 5;

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: ProblemDetail[];
  readonly headers: Record<string, string>;
  /** Errors found beyond `errors`: counted, never converted (a reply could not show them). */
  readonly omitted: number;

  constructor(
    status: number,
    detail: string,
    errors: ProblemDetail[] = [],
    headers: Record<string, string> = {},
    omitted = 0,
  ) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.headers = headers;
    this.omitted = omitted;
  }

  /** The same error with another status (malformed JSON is 400 "validation failed"). */
  withStatus(status: number): ApiError {
    return new ApiError(status, this.detail, this.errors, this.headers, this.omitted);
  }

  /**
   * 422 "validation failed", as the framework layer answers bad params and bodies; `omitted`
   * more errors were found than `errors` lists.
   */
  static validation(errors: ProblemDetail[], omitted = 0): ApiError {
    return new ApiError(422, "validation failed", errors, {}, omitted);
  }

  /** 503 with Retry-After: a platform service (D1, KV, a Durable Object) failed; a retry may succeed. */
  static unavailable(): ApiError {
    return new ApiError(503, "The registry is temporarily unavailable: retry shortly", [], {
      "retry-after": String(RETRY_AFTER_SECONDS),
    });
  }
}

/**
 * What D1 and Durable Objects throw when they are unreachable, overloaded or were reset
 * (Cloudflare's "List of D1_ERRORs" and Durable Object error messages): retrying later can
 * succeed. Matched on the message, the only thing these errors carry across a binding.
 */
const OUTAGE_MESSAGES =
  /network connection lost|overloaded|was reset|to be reset|reset because|transient issue|client disconnected|exceeded timeout|timed out/i;

/** Constraint violations, CHECKs and our triggers' RAISE(ABORT) messages: decisions, not outages. */
const CONSTRAINT = /SQLITE_CONSTRAINT|constraint failed/i;

/**
 * Whether `err` is an outage of a platform service rather than a decision or a bug: an error of
 * the D1 binding that says its database is unreachable, overloaded or reset, or a Durable Object
 * call the runtime marks as retryable, overloaded or reset. A constraint violation or one of our
 * triggers' refusals ("remote URL is already used by another server", the reports rate-limit
 * CHECK, "audit entries are append-only") is never one, whatever its message says otherwise; nor
 * is anything that is not an Error (only the runtime makes these).
 */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof ApiError) return false;
  if (CONSTRAINT.test(err.message)) return false;
  const marks = err as { retryable?: unknown; overloaded?: unknown; durableObjectReset?: unknown };
  if (marks.retryable === true || marks.overloaded === true || marks.durableObjectReset === true) return true;
  return OUTAGE_MESSAGES.test(err.message);
}
