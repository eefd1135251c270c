// The home/search page, GET {base}/: one /x/search call as the caller (the same caches and
// permission checks as any API client: a private group answers 404 to outsiders, and that 404
// becomes the HTML 404), rendered server-side so that it works without script.
import type { ApiAnswer } from "../http/internal-api.ts";
import { pageDocument } from "./layout.ts";
import { pageErrorOfAnswer, readAsVisitor } from "./page-api.ts";
import { htmlResponse } from "./page-response.ts";
import { renderedPage, rememberPage } from "./search-page-cache.ts";
import { readSearchPageQuery, searchQueryString } from "./search-query.ts";
import { type SearchAnswer, type SearchProblem, searchMain } from "./search-view.ts";
import type { SiteContext } from "./site-context.ts";
import type { SiteRoute } from "./site-route.ts";

interface Problem {
  detail?: string;
  errors?: { message?: string; location?: string; value?: unknown }[];
}

/** A 422's messages, by the page's field names ("query.registryType" → "registryType"). */
function problemsOf(answer: ApiAnswer): SearchProblem[] {
  const problem = answer.json<Problem>();
  const errors = problem?.errors ?? [];
  if (errors.length === 0) return [{ field: "query", message: problem?.detail ?? "not valid", value: "" }];
  return errors.slice(0, 10).map((e) => ({
    field: (e.location ?? "query").replace(/^query\./, ""),
    message: e.message ?? "not valid",
    value: e.value === undefined || e.value === null ? "" : String(e.value).slice(0, 200),
  }));
}

async function searchPage(site: SiteContext): Promise<Response> {
  const query = readSearchPageQuery(site.url.searchParams);
  const queryString = searchQueryString(query);
  const answer = await readAsVisitor(site, `${site.base}/x/search${queryString === "" ? "" : `?${queryString}`}`);
  // Any other answer ends the page with the API's status and message.
  if (answer.status !== 200 && answer.status !== 422) {
    throw pageErrorOfAnswer(answer, answer.json<Problem>()?.detail ?? "The search could not be answered");
  }

  const signedIn = site.sessionToken !== undefined;
  // A group's view or a signed-in caller's page is theirs: no shared cache may keep it.
  const caching = site.group !== undefined || signedIn ? "private" : "public";
  // The page's rendered copy, valid while the API answers the same body (its ETag). The key
  // holds everything else the page shows: origin (footer), view, signed-in state and query
  // (the layout shows whether someone is signed in, never who: add the identity if it ever does).
  const key =
    answer.status === 200 && answer.etag !== null
      ? `${site.url.origin}|${site.base}|${signedIn ? "s" : "a"}|${queryString}|${answer.etag}`
      : undefined;
  const cached = key === undefined ? undefined : renderedPage(key);
  if (cached !== undefined) return htmlResponse(cached, { caching });

  const data = answer.status === 200 ? answer.json<SearchAnswer>() : undefined;
  if (answer.status === 200 && data === undefined) throw new Error("/x/search answered a body that is not JSON");
  const problems = answer.status === 422 ? problemsOf(answer) : [];
  // The browser calls the API without the session cookie's token: a signed-in caller's script
  // fetches this page instead, to show what the signed-in view shows.
  const source = signedIn ? "page" : "api";
  const shown = query.q.trim();
  const title = shown === "" ? "Servers" : `${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown} · Search`;
  const document = pageDocument(site, {
    title,
    section: "search",
    scripts: ["search.js"],
    description: "Search the catalogue of Model Context Protocol servers",
    main: searchMain(site.base, site.group, query, data, problems, source),
  }).value;
  if (key !== undefined) rememberPage(key, document);
  return htmlResponse(document, { status: answer.status, caching });
}

export const SEARCH_ROUTES: readonly SiteRoute[] = [
  { method: "GET", path: "/", kind: "page", handler: (_request, site) => searchPage(site) },
];
