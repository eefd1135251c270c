// How pages read the API: as the signed-in caller, falling back to a visitor's read when the
// session's token is no longer accepted, and turning a refusal into the error a page ends with
// (its status, the API's words, and its Retry-After).
import { ApiError } from "../errors.ts";
import type { ApiAnswer, ApiCallInit } from "../http/internal-api.ts";
import type { SiteContext } from "./site-context.ts";

/**
 * GET `path` as the signed-in caller. A session token the API refuses (401: a registry token
 * expired after 5 minutes, a revoked one) must not hide what any visitor may read, so the read is
 * asked again anonymously: a public group's page shows, a private group's answers its 404.
 */
export async function readAsVisitor(site: SiteContext, path: string, init?: ApiCallInit): Promise<ApiAnswer> {
  const answer = await site.api(path, init);
  if (answer.status !== 401 || site.sessionToken === undefined) return answer;
  return site.apiWith(undefined)(path, init);
}

/** Headers of an API answer a page's error must repeat (when to retry a 429 or a 503). */
const KEPT_HEADERS = ["retry-after"] as const;

/**
 * An API answer that is no success, as the ApiError a page ends with, saying `detail`: the API's
 * status (a non-error one becomes 502: a page never answers a redirect without its Location, say)
 * and its Retry-After.
 */
export function pageErrorOfAnswer(answer: ApiAnswer, detail: string): ApiError {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return new ApiError(answer.status >= 400 ? answer.status : 502, detail, [], headers);
}
