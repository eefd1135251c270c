// The one typed error of the API. A bottom module: every layer may throw it, it imports
// nothing, and http/problem.ts turns it into RFC 9457 problem+json in exactly one place.

/**
 * One entry of a problem's `errors[]` (huma's ErrorDetail). Framework validation entries carry
 * `location` ("body.packages[0].identifier", "query.limit") and the offending `value`.
 */
export interface ProblemDetail {
  message: string;
  location?: string;
  value?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: ProblemDetail[];
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, errors: ProblemDetail[] = [], headers: Record<string, string> = {}) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.headers = headers;
  }

  /** The same error with another status (malformed JSON is 400 "validation failed"). */
  withStatus(status: number): ApiError {
    return new ApiError(status, this.detail, this.errors, this.headers);
  }

  /** 422 "validation failed", as the framework layer answers bad params and bodies. */
  static validation(errors: ProblemDetail[]): ApiError {
    return new ApiError(422, "validation failed", errors);
  }
}
