// The server page, GET {base}/server/{namespace}/{rest} (`?version=`, `?target=`, `?reported=1`),
// and its report form's post, POST {base}/server/{namespace}/{rest}/report. Everything comes
// from the API as the caller (a private group's server answers 404 to outsiders, and that 404
// becomes the HTML 404): the versions list, which holds the viewed version. The rendered page is
// kept in memory under the answer's ETag, so a repeated view costs one (cached) API call.
import { ApiError } from "../errors.ts";
import type { ApiAnswer, ApiCaller } from "../http/internal-api.ts";
import { targetOfKey } from "../domain/install-config.ts";
import { MAX_NAME_LENGTH, MAX_VERSION_LENGTH, NAME_PATTERN } from "../domain/server-json/framework-schema.ts";
import { pageDocument } from "./layout.ts";
import { htmlResponse, type PageCaching, seeOther } from "./page-response.ts";
import { rememberServerPage, renderedServerPage } from "./server-page-cache.ts";
import {
  EMPTY_REPORT,
  type ReportProblem,
  type ReportRefusal,
  type ReportValues,
  reportBody,
  reportProblemOf,
} from "./server-report.ts";
import { officialOf, type ServerItem, serverHref, serverMain, serverPath } from "./server-view.ts";
import { assertSameOrigin, readForm } from "./session.ts";
import type { SiteContext, SiteHandler } from "./site-context.ts";
import type { SiteRoute } from "./site-route.ts";

const NAME = new RegExp(NAME_PATTERN);

/** The server name of the path's two segments; 404 for anything no server can be named. */
function nameOf(params: Record<string, string>): string {
  let name: string;
  try {
    name = `${decodeURIComponent(params.ns ?? "")}/${decodeURIComponent(params.rest ?? "")}`;
  } catch {
    throw new ApiError(404, "Server not found");
  }
  if (name.length > MAX_NAME_LENGTH || !NAME.test(name)) throw new ApiError(404, "Server not found");
  return name;
}

interface Problem {
  detail?: string;
}

/** An API answer other than 200 ends the page with its status (404: the HTML not-found page). */
function requireOk(answer: ApiAnswer, what: string): void {
  if (answer.status === 200) return;
  const detail = answer.json<Problem>()?.detail ?? what;
  throw new ApiError(answer.status, answer.status === 404 ? "Server not found" : detail);
}

function parsed<T>(answer: ApiAnswer): T {
  const value = answer.json<T>();
  if (value === undefined) throw new Error("the API answered a body that is not JSON");
  return value;
}

interface PageQuery {
  /** `?version=`, "" for the latest. */
  version: string;
  /** `?target=` as given ("" when absent). */
  target: string;
  reported: boolean;
}

function pageQuery(url: URL): PageQuery {
  const version = url.searchParams.get("version") ?? "";
  // Longer than any version can be: not found, without asking the API.
  if (version.length > MAX_VERSION_LENGTH) throw new ApiError(404, "Server version not found");
  return {
    version,
    target: (url.searchParams.get("target") ?? "").slice(0, 20),
    reported: url.searchParams.get("reported") === "1",
  };
}

interface Answers {
  /** GET …/versions: every version the caller may see, each with its server.json and status. */
  versions: ApiAnswer;
  /** Under a group: whether the server is also public (reports are about public servers). */
  public: ApiAnswer | undefined;
}

/**
 * The API answers the page is made of, as the caller sees them. The versions list holds every
 * visible version whole, the latest marked, so the viewed one is taken from it: one call (a
 * memory hit) per view.
 */
async function readAnswers(site: SiteContext, name: string): Promise<Answers> {
  const versionsPath = `/v0.1/servers/${encodeURIComponent(name)}/versions`;
  const anonymous: ApiCaller | undefined = site.group === undefined ? undefined : site.apiWith(undefined);
  const [versions, root] = await Promise.all([
    site.api(`${site.base}${versionsPath}`),
    anonymous?.(`${versionsPath}/latest`),
  ]);
  requireOk(versions, "The server's versions could not be read");
  return { versions, public: root };
}

/** The viewed version (`""`: the latest) of the versions list; 404 when it has none such. */
function viewedItem(versions: readonly ServerItem[], version: string): ServerItem {
  const item =
    version === ""
      ? versions.find((v) => officialOf(v).isLatest === true)
      : versions.find((v) => v.server.version === version);
  if (item === undefined) throw new ApiError(404, version === "" ? "Server not found" : "Server version not found");
  return item;
}

/** The page for `name`, with the report form's state when a post is answered. */
async function renderPage(
  site: SiteContext,
  name: string,
  query: PageQuery,
  report?: { values: ReportValues; problem: ReportProblem },
): Promise<Response> {
  const answers = await readAnswers(site, name);
  const signedIn = site.sessionToken !== undefined;
  // A group's view or a signed-in caller's page is theirs: no shared cache may keep it.
  const caching = site.group !== undefined || signedIn ? "private" : "public";
  const etag = answers.versions.etag;
  // Everything the page shows goes in the key: origin (footer), view, signed-in state, query,
  // and what the API answered (by ETag; the public check by its status).
  const key =
    report === undefined && etag !== null
      ? [
          site.url.origin,
          site.base,
          signedIn ? "s" : "a",
          name,
          query.version,
          query.target,
          query.reported ? "r" : "",
          answers.public?.status ?? "",
          etag,
        ].join("|")
      : undefined;
  const status = report?.problem.status ?? 200;
  const cached = key === undefined ? undefined : renderedServerPage(key);
  if (cached !== undefined) return pageResponse(cached, status, caching);

  const versions = parsed<{ servers?: ServerItem[] }>(answers.versions).servers ?? [];
  const item = viewedItem(versions, query.version);
  const { server } = item;
  const document = pageDocument(site, {
    title: server.title?.trim() ? server.title : server.name,
    section: "search",
    description: server.description,
    main: serverMain({
      base: site.base,
      item,
      versions,
      target: targetOfKey(server, query.target),
      reported: query.reported,
      report: report ?? { values: { ...EMPTY_REPORT, version: query.version }, problem: undefined },
      reportable: answers.public === undefined || answers.public.status === 200,
    }),
  }).value;
  return pageResponse(rememberServerPage(key, document), status, caching);
}

/** The headers of every HTML answer (page-response.ts), made once per caching mode. */
const PAGE_HEADERS = new Map<PageCaching, Headers>();

/** The page's bytes as an HTML answer; its headers are copied from the one template. */
function pageResponse(body: Uint8Array, status: number, caching: PageCaching): Response {
  let headers = PAGE_HEADERS.get(caching);
  if (headers === undefined) {
    headers = htmlResponse("", { caching }).headers;
    PAGE_HEADERS.set(caching, headers);
  }
  return new Response(body, { status, headers });
}

const showServer: SiteHandler = (request, site) => renderPage(site, nameOf(request.params), pageQuery(site.url));

/**
 * The report form's post: same-origin only, then POST /x/reports (root only: reports are about
 * public servers; under a group, after checking the caller sees the server there), then a
 * redirect to the page with the thanks, or the page again with the API's errors.
 */
const fileReport: SiteHandler = async (request, site) => {
  assertSameOrigin(request);
  const name = nameOf(request.params);
  const form = await readForm(request);
  const { body, values } = reportBody(name, form);
  if (site.group !== undefined) {
    // What the caller may not see here answers 404, as the page would; a group's private server
    // is not the public registry's to review (the page shows no form for it).
    const servers = `/v0.1/servers/${encodeURIComponent(name)}/versions/latest`;
    requireOk(await site.api(`${site.base}${servers}`), "");
    if ((await site.apiWith(undefined)(servers)).status !== 200) {
      throw new ApiError(404, "This server is private to the group: reports are about public servers.");
    }
  }
  const answer = await site.api("/x/reports", { method: "POST", body });
  const path = serverPath(site.base, name);
  if (answer.status === 201) return seeOther(serverHref(path, { reported: "1" }));
  if (answer.status >= 500) throw new ApiError(answer.status, "The report could not be filed: retry shortly.");
  const problem = reportProblemOf(answer.status, answer.json<ReportRefusal>());
  return renderPage(site, name, { version: "", target: "", reported: false }, { values, problem });
};

export const SERVER_ROUTES: readonly SiteRoute[] = [
  { method: "GET", path: "/server/:ns/:rest", kind: "page", handler: showServer },
  { method: "POST", path: "/server/:ns/:rest/report", kind: "page", handler: fileReport },
];
