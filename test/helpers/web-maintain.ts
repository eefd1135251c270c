// Helpers for the maintainers' pages: pages and form posts as a signed-in browser sends them.
import { fetchPage, formPost, getPage, withSession, type Page } from "./web.ts";

/** A maintainer page with the session cookie of `token`, failing unless it answers `status`. */
export function sessionPage(path: string, token: string, status = 200): Promise<Page> {
  return getPage(path, status, withSession(token));
}

/** A same-origin form post with the session cookie of `token` (redirects are not followed). */
export function sessionPost(path: string, token: string | undefined, fields: Record<string, string>): Promise<Page> {
  return fetchPage(path, formPost(fields, token === undefined ? {} : withSession(token)));
}

/** The same post from another site's page: its Origin header names that site. */
export function crossSitePost(path: string, token: string, fields: Record<string, string>): Promise<Page> {
  const init = formPost(fields, withSession(token));
  const headers = new Headers(init.headers);
  headers.set("origin", "https://evil.example");
  return fetchPage(path, { ...init, headers });
}

/** The Location of a 303 answer, as a path with its query. */
export function locationOf(page: Page): URL {
  const location = page.headers.get("location");
  if (location === null) throw new Error(`no Location (status ${page.status}): ${page.html.slice(0, 300)}`);
  return new URL(location, "http://registry.test");
}
