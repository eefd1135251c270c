// The single conversion of errors to RFC 9457 problem+json, in the shape the official registry
// (huma's ErrorModel) sends.
import { ApiError, type ProblemDetail } from "../errors.ts";

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
