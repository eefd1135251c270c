// The one typed error of the API and its single conversion to RFC 9457 problem+json, in the
// shape the official registry (huma's ErrorModel) sends.

/** One entry of `errors[]`. Framework validation entries carry `location` and `value`. */
export interface ProblemDetail {
  message: string;
  location?: string;
  value?: unknown;
}

const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: ProblemDetail[];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    errors: ProblemDetail[] = [],
    headers: Record<string, string> = {},
  ) {
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

export function problemBody(status: number, detail: string, errors: ProblemDetail[] = []): string {
  const body: Record<string, unknown> = {
    title: REASON_PHRASES[status] ?? "Error",
    status,
    detail,
  };
  if (errors.length > 0) body.errors = errors;
  return JSON.stringify(body);
}

/** Known errors keep their status; anything else is logged and answered with a generic 500. */
export function problemResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    return new Response(problemBody(err.status, err.detail, err.errors), {
      status: err.status,
      headers: { "content-type": "application/problem+json", ...err.headers },
    });
  }
  console.error("unexpected error", err instanceof Error ? (err.stack ?? err.message) : err);
  return new Response(problemBody(500, "Internal server error"), {
    status: 500,
    headers: { "content-type": "application/problem+json" },
  });
}
