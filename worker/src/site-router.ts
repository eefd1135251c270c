// The front door: the site (web pages, the API reference and OpenAPI documents, the MCP
// endpoint, static files) at its own paths, at the root and under /groups/{group}/; everything
// else goes to the API unchanged. No path of the API is served here, and nothing here looks at
// Accept: what the API answers its clients never depends on the site.
import type { IRequest } from "itty-router";
import { Router } from "itty-router/Router";
import { GROUP_NAME_PATTERN } from "./domain/groups.ts";
import { ApiError } from "./errors.ts";
import { internalApi } from "./http/internal-api.ts";
import { problemResponse } from "./http/problem.ts";
import { endpointNotFound } from "./http/request-guards.ts";
import { handleRequest } from "./http/router.ts";
import { MCP_ROUTES } from "./mcp/mcp-route.ts";
import { OPENAPI_ROUTES } from "./openapi/openapi-routes.ts";
import { GUIDE_ROUTES } from "./web/guide-page.ts";
import { errorMain, htmlResponse, pageErrorOf, permanentRedirect } from "./web/page-response.ts";
import { pageDocument } from "./web/layout.ts";
import { MAINTAIN_ROUTES } from "./web/maintain-pages.ts";
import { SEARCH_ROUTES } from "./web/search-pages.ts";
import { SERVER_ROUTES } from "./web/server-pages.ts";
import { readSessionToken } from "./web/session.ts";
import type { SiteContext } from "./web/site-context.ts";
import type { SiteRoute } from "./web/site-route.ts";

const ROUTES: readonly SiteRoute[] = [
  ...SEARCH_ROUTES,
  ...SERVER_ROUTES,
  ...GUIDE_ROUTES,
  ...MAINTAIN_ROUTES,
  ...MCP_ROUTES,
  ...OPENAPI_ROUTES,
  // Files under worker/web-assets are served before the Worker runs; this answers for them
  // where the platform did not (tests calling the Worker directly).
  {
    method: "GET",
    path: "/static/*",
    kind: "api",
    rootOnly: true,
    handler: async (request, site) => {
      const file = await site.env.ASSETS.fetch(request);
      // No such file: the API's own 404, as for any path nobody serves.
      if (file.status === 404) throw endpointNotFound(site.url);
      return file;
    },
  },
];

type Args = [SiteContext, SiteRoute];
type SiteRouter = ReturnType<typeof Router<IRequest, Args>>;

function serve(on: SiteRouter, atRoot: boolean): SiteRouter {
  for (const route of ROUTES) {
    if (route.rootOnly && !atRoot) continue;
    const method = route.method.toLowerCase() as "get" | "post" | "delete" | "all";
    on[method](route.path, (request: IRequest, site: SiteContext) =>
      route.handler(request as Parameters<SiteRoute["handler"]>[0], site),
    );
  }
  return on;
}

const rootSite = serve(Router<IRequest, Args>(), true);
const groupSite = serve(Router<IRequest, Args>({ base: "/groups/:group" }), false);

/** The route answering `method` at `pathname` (root or group), if the site serves it. */
function routeOf(pathname: string, method: string): { route: SiteRoute; group: string | undefined } | undefined {
  const group = /^\/groups\/([^/]+)(\/.*)$/.exec(pathname);
  const inner = group ? group[2]! : pathname;
  if (group && !GROUP_NAME_PATTERN.test(group[1]!)) return undefined;
  for (const route of ROUTES) {
    if (group && route.rootOnly) continue;
    if (route.method !== "ALL" && route.method !== method) continue;
    if (patternOf(route.path).test(inner)) return { route, group: group?.[1] };
  }
  return undefined;
}

const PATTERNS = new Map<string, RegExp>();
/** The same matching as itty-router's: `:param` is one segment, a trailing `*` any rest. */
function patternOf(path: string): RegExp {
  let pattern = PATTERNS.get(path);
  if (pattern === undefined) {
    const source = path
      .split("/")
      .map((part) =>
        part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("/");
    pattern = new RegExp(`^${source}/?$`);
    PATTERNS.set(path, pattern);
  }
  return pattern;
}

/**
 * A group's address as people write it (`/groups/{group}`, as the guide shows it) leads to its
 * home page. Any name a group could have is redirected, existing or not, public or private: the
 * home page then answers, or 404s alike for unknown and private groups.
 */
function groupHomeRedirect(url: URL, method: string): Response | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  const bare = /^\/groups\/([^/]+)$/.exec(url.pathname);
  if (bare === null || !GROUP_NAME_PATTERN.test(bare[1]!)) return undefined;
  return permanentRedirect(`${url.pathname}/${url.search}`);
}

/** The page, document or MCP answer for `request`, or undefined when the API answers it. */
export async function handleSite(request: Request, env: Env, ctx: ExecutionContext): Promise<Response | undefined> {
  const url = new URL(request.url);
  const redirect = groupHomeRedirect(url, request.method);
  if (redirect !== undefined) return redirect;
  const head = request.method === "HEAD";
  const found = routeOf(url.pathname, head ? "GET" : request.method);
  if (found === undefined) return undefined;
  const routed = head ? new Request(request, { method: "GET" }) : request;
  const sessionToken = found.route.kind === "page" ? readSessionToken(request) : undefined;
  const apiWith = (token: string | undefined) => internalApi(handleRequest, request, env, ctx, token);
  const site: SiteContext = {
    request: routed,
    env,
    ctx,
    url,
    group: found.group,
    base: found.group === undefined ? "" : `/groups/${found.group}`,
    sessionToken,
    api: apiWith(sessionToken),
    apiWith,
  };
  let response: Response;
  try {
    const router = found.group === undefined ? rootSite : groupSite;
    response = (await router.fetch(routed, site, found.route)) ?? new Response(null, { status: 404 });
  } catch (err) {
    response = found.route.kind === "page" ? errorPage(site, err) : problemResponse(err);
  }
  return head ? new Response(null, response) : response;
}

function errorPage(site: SiteContext, err: unknown): Response {
  const { status, title, detail } = pageErrorOf(err);
  const hint =
    status === 404 && site.group !== undefined && site.sessionToken === undefined
      ? " A private group's pages are shown to its members once they sign in."
      : "";
  // Retry-After and the like, as the API's problem would carry them.
  const headers = err instanceof ApiError ? err.headers : {};
  return htmlResponse(pageDocument(site, { title, main: errorMain(title, detail + hint) }), { status, headers });
}
