// Routing edge cases the official registry handles in middleware before any route (spec §2.4).
import { ApiError } from "../errors.ts";

/** Go's path.Clean for absolute URL paths. */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}

/** Throws for NUL bytes; returns a 308 for a trailing slash; undefined to go on routing. */
export function guardRequest(url: URL): Response | undefined {
  if (url.pathname.includes("%00") || url.pathname.includes("\0")) {
    throw new ApiError(400, "Invalid request: URL path contains null bytes");
  }
  if (url.search.includes("%00") || url.search.includes("\0")) {
    throw new ApiError(400, "Invalid request: query parameters contain null bytes");
  }
  if (url.pathname.length > 1 && url.pathname.endsWith("/")) {
    return new Response(null, {
      status: 308,
      headers: { location: cleanPath(url.pathname) + url.search },
    });
  }
  return undefined;
}

export function endpointNotFound(url: URL): ApiError {
  const path = url.pathname;
  // Under a prefix of ours (a group's included) a versioned guess would be wrong.
  if (path.startsWith("/v0/") || path.startsWith("/v0.1/") || path.startsWith("/x/") || path.startsWith("/groups/")) {
    return new ApiError(404, "Endpoint not found. See /docs for the API documentation.");
  }
  return new ApiError(
    404,
    `Endpoint not found. Did you mean '/v0.1${path}' or '/v0${path}'? See /docs for the API documentation.`,
  );
}

/**
 * A known path asked with a method it does not serve: 405 with the methods it does serve in
 * `Allow` (sorted, HEAD with GET, as Go's ServeMux answers).
 */
export function methodNotAllowed(method: string, allowed: readonly string[]): ApiError {
  const allow = allowed.join(", ");
  return new ApiError(405, `Method ${method} is not allowed for this endpoint. Allowed: ${allow}`, [], { allow });
}
