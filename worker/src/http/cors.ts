// CORS as the official registry configures rs/cors (spec §2.5): any origin, no credentials,
// requested headers echoed on preflight, Content-Type and Content-Length exposed; and ETag, so a
// browser script can send it back in If-None-Match (http/conditional.ts).

const ALLOWED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Answers a CORS preflight, or returns undefined when the request is not one. */
export function preflightResponse(request: Request): Response | undefined {
  if (request.method !== "OPTIONS") return undefined;
  const origin = request.headers.get("origin");
  const method = request.headers.get("access-control-request-method");
  if (origin === null || method === null) return undefined;
  const headers = new Headers({
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  });
  if (ALLOWED_METHODS.includes(method.toUpperCase())) {
    headers.set("access-control-allow-origin", "*");
    headers.set("access-control-allow-methods", method.toUpperCase());
    const requested = request.headers.get("access-control-request-headers");
    if (requested) headers.set("access-control-allow-headers", requested);
    headers.set("access-control-max-age", "86400");
  }
  return new Response(null, { status: 204, headers });
}

/** Adds the CORS headers of an actual (non-preflight) cross-origin request. */
export function withCors(request: Request, response: Response): Response {
  if (!request.headers.has("origin")) return response;
  const headers = response.headers;
  headers.set("access-control-allow-origin", "*");
  headers.set("access-control-expose-headers", "Content-Type, Content-Length, ETag");
  // Read answers already name Origin (http/conditional.ts).
  if (!/\borigin\b/i.test(headers.get("vary") ?? "")) headers.append("vary", "Origin");
  return response;
}
