// The server page, GET {base}/server/{namespace}/{rest} (`?version=`, `?target=`, `?reported=1`),
// and its report form's post, POST {base}/server/{namespace}/{rest}/report. Everything comes
// from the API as the caller (a private group's server answers 404 to outsiders, and that 404
// becomes the HTML 404): the versions list, which holds the viewed version. The rendered page is
// kept in memory with the ETag of that answer (server-page-cache.ts); a repeated view asks the API
// with If-None-Match, and its 304 (given after its permission checks) serves the kept bytes.
import { ApiError } from "../errors.ts";
import type { ApiAnswer } from "../http/internal-api.ts";
import { targetOfKey } from "../domain/install-config.ts";
import { MAX_NAME_LENGTH, MAX_VERSION_LENGTH, NAME_PATTERN } from "../domain/server-json/framework-schema.ts";
import { pageDocument } from "./layout.ts";
import { htmlResponse, type PageCaching, seeOther } from "./page-response.ts";
import { type KeptPage, keepServerPage, keptServerPage } from "./server-page-cache.ts";
import { pageErrorOfAnswer, readAsVisitor } from "./page-api.ts";
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

/** An API answer other than 200 (or an expected 304) ends the page with its status and Retry-After. */
function failure(answer: ApiAnswer, what: string): ApiError {
  const detail = answer.status === 404 ? "Server not found" : (answer.json<Problem>()?.detail ?? what);
  return pageErrorOfAnswer(answer, detail);
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

const NO_QUERY: PageQuery = { version: "", target: "", reported: false };

function pageQuery(url: URL): PageQuery {
  if (url.search === "") return NO_QUERY;
  const version = url.searchParams.get("version") ?? "";
  // Longer than any version can be: not found, without asking the API.
  if (version.length > MAX_VERSION_LENGTH) throw new ApiError(404, "Server version not found");
  return {
    version,
    target: (url.searchParams.get("target") ?? "").slice(0, 20),
    reported: url.searchParams.get("reported") === "1",
  };
}

const ifNoneMatch = (etag: string | null | undefined) => (etag ? { "if-none-match": etag } : undefined);

interface Answers {
  /** GET …/versions: every version the caller may see, each with its server.json and status; a
   * bodiless 304 when it is still the answer the kept page was rendered from. */
  versions: ApiAnswer;
  /** Reports are about public servers: at the root always, under a group when the server is also public. */
  reportable: boolean;
  /** The ETag of the public check's answer (under a group), for the next one. */
  publicEtag: string | null;
}

/**
 * The API answers the page is made of, as the caller sees them. The versions list holds every
 * visible version whole, the latest marked, so the viewed one is taken from it: one call (a
 * memory hit, and a 304 when the page is kept) per view; under a group, a second anonymous one
 * tells whether the server is also public.
 */
async function readAnswers(site: SiteContext, name: string, kept: KeptPage | undefined): Promise<Answers> {
  const versionsPath = `/v0.1/servers/${encodeURIComponent(name)}/versions`;
  const reading = readAsVisitor(site, `${site.base}${versionsPath}`, { headers: ifNoneMatch(kept?.etag) });
  if (site.group === undefined) return { versions: checked(await reading), reportable: true, publicEtag: null };
  const [versions, root] = await Promise.all([
    reading,
    site.apiWith(undefined)(`${versionsPath}/latest`, { headers: ifNoneMatch(kept?.publicEtag) }),
  ]);
  // 404: not public (or not any more); anything else but an answer is an error, not a "no".
  if (root.status !== 200 && root.status !== 304 && root.status !== 404) {
    throw failure(root, "The registry could not answer now: retry shortly.");
  }
  const reportable = root.status !== 404;
  return {
    versions: checked(versions),
    reportable,
    publicEtag: reportable ? (root.etag ?? kept?.publicEtag ?? null) : null,
  };
}

/** The versions answer, if it is one (200, or the 304 asked for). */
function checked(versions: ApiAnswer): ApiAnswer {
  if (versions.status !== 200 && versions.status !== 304) {
    throw failure(versions, "The server's versions could not be read");
  }
  return versions;
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

/**
 * Everything a kept page depends on besides the API's answers: the origin (footer), the view,
 * the signed-in state (navigation), the name and the query. Who the caller is is not in it: the
 * API decides, answering 304 only when the caller's own answer is the one the page was made of.
 */
function pageKey(site: SiteContext, name: string, query: PageQuery): string {
  const signedIn = site.sessionToken === undefined ? "a" : "s";
  const reported = query.reported ? "r" : "";
  return `${site.url.origin}|${site.base}|${signedIn}|${name}|${query.version}|${query.target}|${reported}`;
}

/** The page for `name`, with the report form's state when a post is answered. */
async function renderPage(
  site: SiteContext,
  name: string,
  query: PageQuery,
  report?: { values: ReportValues; problem: ReportProblem },
): Promise<Response> {
  // A group's view or a signed-in caller's page is theirs: no shared cache may keep it.
  const caching = site.group !== undefined || site.sessionToken !== undefined ? "private" : "public";
  // A page answering a report post shows the form's state: rendered each time, never kept.
  const key = report === undefined ? pageKey(site, name, query) : undefined;
  const kept = key === undefined ? undefined : keptServerPage(key);
  let answers = await readAnswers(site, name, kept);
  if (answers.versions.status === 304) {
    if (answers.reportable === kept!.reportable) return pageResponse(kept!.bytes, 200, caching);
    // The versions are the same but the server stopped or started being public: render again.
    answers = await readAnswers(site, name, undefined);
    if (answers.versions.status !== 200) throw failure(answers.versions, "The server's versions could not be read");
  }

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
      reportable: answers.reportable,
    }),
  }).value;
  const bytes = keepServerPage(key, document, {
    etag: answers.versions.etag,
    reportable: answers.reportable,
    publicEtag: answers.publicEtag,
  });
  return pageResponse(bytes, report?.problem.status ?? 200, caching);
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
    const seen = await readAsVisitor(site, `${site.base}${servers}`);
    if (seen.status !== 200) throw failure(seen, "The server could not be read");
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
