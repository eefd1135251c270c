// What every maintainer page shares: the signed-in gate, the group a page is under, the frame
// (breadcrumb, sign-out), notices from API answers, and paging. Every read and action goes
// through the API as the signed-in caller, so every permission decision is the API's own.
import type { Access } from "../domain/groups.ts";
import { ApiError } from "../errors.ts";
import type { ApiAnswer } from "../http/internal-api.ts";
import { html, type SafeHtml } from "./html.ts";
import { pageDocument } from "./layout.ts";
import { htmlResponse, seeOther } from "./page-response.ts";
import { noticeHtml, sessionRefused, signInResponse, type Notice } from "./maintain-sign-in.ts";
import { pageErrorOfAnswer } from "./page-api.ts";
import { assertSameOrigin, readForm } from "./session.ts";
import type { SiteContext, SiteHandler } from "./site-context.ts";

export type { Notice } from "./maintain-sign-in.ts";

/** Rows asked of the API per page (tables stay far below 100 rows). */
export const PAGE_ROWS = 50;
/** A page size asked for in the query (1–100), if any: links keep it; else PAGE_ROWS. */
export function pageLimit(url: URL): string | undefined {
  const raw = url.searchParams.get("limit") ?? "";
  return /^[1-9][0-9]?$|^100$/.test(raw) ? raw : undefined;
}

/** Rows shown per page of a list the API answers whole (denylist, members, sources, webhooks). */
export const LOCAL_PAGE_ROWS = 100;

export type PageRequest = Parameters<SiteHandler>[0];

/** A group as GET /x/admin/groups/{group} answers it. */
export interface GroupInfo {
  name: string;
  title: string | null;
  visibility: "private" | "public";
  namespaces: string[];
  include: string[];
  requireApproval: boolean;
  policy: { registries?: string[]; remoteHosts?: string[] } | null;
  createdAt: string;
  updatedAt: string;
  createdBy?: string;
  access: Access;
}

/** Where a maintainer page answers: the root, or a group the caller holds a role in. */
export interface Scope {
  group: GroupInfo | undefined;
}

export type PageHandler = (request: PageRequest, site: SiteContext, scope: Scope) => Promise<Response>;
export type ActionHandler = (
  form: URLSearchParams,
  request: PageRequest,
  site: SiteContext,
  scope: Scope,
) => Promise<Response>;

/**
 * One segment of an API path, from a form field or a path parameter: encoded, and refused (422)
 * when it is empty, "." or "..", which `encodeURIComponent` leaves alone and the URL parser
 * would fold into another API path.
 */
export function pathSegment(value: string, field: string): string {
  if (value === "" || value === "." || value === "..") {
    throw new ApiError(422, `The ${field} must not be empty, "." or "..".`);
  }
  return encodeURIComponent(value);
}

/** A path parameter, percent-decoded (itty-router hands them over as sent). */
export function pathParamOf(request: PageRequest, key: string): string {
  const raw = request.params[key] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The group of a page under /groups/{group}/: it must be one the caller holds a role in, else
 * the page is a 404 like any path of a private group (an unknown group answers the same).
 */
async function scopeOf(site: SiteContext): Promise<Scope | Response> {
  if (site.group === undefined) return { group: undefined };
  const answer = await site.api(`/x/admin/groups/${encodeURIComponent(site.group)}`);
  if (answer.status === 401) return sessionRefused(site);
  if (answer.status === 404) throw new ApiError(404, "No group of this name that you hold a role in.");
  if (answer.status !== 200) throw apiFailure(answer);
  const group = answer.json<GroupInfo>();
  if (group === undefined) throw apiFailure(answer);
  return { group };
}

/** A GET page for signed-in maintainers (the sign-in page, 401, for anyone else). */
export function maintainPage(handler: PageHandler): SiteHandler {
  return async (request, site) => {
    if (site.sessionToken === undefined) {
      return signInResponse(site, { kind: "error", text: "Sign in to see this page." }, 401);
    }
    const scope = await scopeOf(site);
    return scope instanceof Response ? scope : handler(request, site, scope);
  };
}

/**
 * A form post of a maintainer page: refused unless it comes from our own pages (checked first,
 * before anything is read or done), then signed in, then the form read within its bound.
 */
export function maintainAction(handler: ActionHandler): SiteHandler {
  return async (request, site) => {
    assertSameOrigin(request);
    if (site.sessionToken === undefined) {
      return signInResponse(site, { kind: "error", text: "Sign in first: nothing was changed." }, 401);
    }
    const scope = await scopeOf(site);
    if (scope instanceof Response) return scope;
    const form = await readForm(request);
    return handler(form, request, site, scope);
  };
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: { message?: string; location?: string }[];
}

/** The API's own words for a refusal: its detail and the first few field errors. */
export function problemText(answer: ApiAnswer): string {
  const problem = answer.json<Problem>();
  const detail = typeof problem?.detail === "string" ? problem.detail : `The API answered ${answer.status}.`;
  const fields = (Array.isArray(problem?.errors) ? problem.errors : [])
    .slice(0, 5)
    .map((e) => (e.location ? `${e.message ?? ""} (${e.location})` : (e.message ?? "")))
    .filter((text) => text !== "");
  return fields.length === 0 ? detail : `${detail}: ${fields.join("; ")}`;
}

/** An API answer that is no success, as the error a page is shown with (with its Retry-After). */
export function apiFailure(answer: ApiAnswer): ApiError {
  return pageErrorOfAnswer(answer, problemText(answer));
}

/** Too many requests, or an outage: nothing to show but "retry later", as an error page saying when. */
function mustRetry(answer: ApiAnswer): boolean {
  return answer.status === 429 || answer.status === 503;
}

/** What a refused read shows instead of its data: who may see it, in the API's words. */
export function refusalNotice(answer: ApiAnswer, what: string): Notice {
  const why = problemText(answer);
  if (answer.status === 403) return { kind: "error", text: `Your token may not see ${what}. ${why}` };
  if (answer.status === 404) return { kind: "error", text: `Not found: ${why}` };
  return { kind: "error", text: `The registry could not show ${what}. ${why}` };
}

/** A read of JSON from the API: the body, or the notice (401 ends the page: sign in again). */
export type Read<T> = { ok: true; body: T } | { ok: false; notice: Notice; status: number };

export async function readApi<T>(site: SiteContext, path: string, what: string): Promise<Read<T> | Response> {
  const answer = await site.api(path);
  if (answer.status === 401) return sessionRefused(site);
  if (mustRetry(answer)) throw apiFailure(answer);
  const body = answer.status === 200 ? answer.json<T>() : undefined;
  if (body === undefined) return { ok: false, notice: refusalNotice(answer, what), status: answer.status };
  return { ok: true, body };
}

/**
 * The answer to a form post that the API refused: the section page again with the API's reason
 * and its status (nothing is redirected, so the reason never travels in a URL).
 */
export type Rerender = (notice: Notice, status: number) => Promise<Response>;

export async function afterAction(
  site: SiteContext,
  answer: ApiAnswer,
  success: () => Response | Promise<Response>,
  rerender: Rerender,
): Promise<Response> {
  if (answer.status === 401) return sessionRefused(site);
  if (answer.status >= 200 && answer.status < 300) return success();
  if (mustRetry(answer)) throw apiFailure(answer);
  // Only an error status is passed on: a page answering 3xx would be a redirect without a Location.
  return rerender({ kind: "error", text: problemText(answer) }, answer.status >= 400 ? answer.status : 502);
}

/**
 * The notice and status of a section page: an action's refusal (`notice` at `status`) first,
 * else the read's refusal at the read's status, else the `?done=` result of a redirect.
 */
export function sectionOutcome(
  read: Read<unknown>,
  url: URL,
  done: Readonly<Record<string, string>>,
  notice?: Notice,
  status = 200,
): { notice: Notice | undefined; status: number } {
  if (notice !== undefined) return { notice, status };
  if (!read.ok) return { notice: read.notice, status: read.status };
  return { notice: doneNotice(url, done), status: 200 };
}

/** POST-redirect-GET to a page of ours with a result code (never a secret, never user text). */
export function doneRedirect(path: string, done: string): Response {
  const separator = path.includes("?") ? "&" : "?";
  return seeOther(`${path}${separator}done=${encodeURIComponent(done)}`, { "cache-control": "no-store" });
}

/** The notice for `?done=` when it is one of the page's known results (anything else: none). */
export function doneNotice(url: URL, messages: Readonly<Record<string, string>>): Notice | undefined {
  const done = url.searchParams.get("done");
  return done !== null && Object.hasOwn(messages, done) ? { kind: "ok", text: messages[done]! } : undefined;
}

/** The sign-out form `#sign-out` (page contract). */
export function signOutForm(site: SiteContext): SafeHtml {
  return html`<form id="sign-out" method="post" action="${site.base}/sign-out"><button type="submit" class="secondary">Sign out</button></form>`;
}

export interface SectionSpec {
  title: string;
  body: SafeHtml;
  notice?: Notice | undefined;
  status?: number;
  /** Breadcrumb steps between "Maintain" and this page; none at all on the dashboard itself. */
  trail?: readonly { href: string; label: string }[] | "home";
  scripts?: readonly string[];
}

/** A maintainer page: breadcrumb and sign-out, heading, notice, content; never cached. */
export function sectionResponse(site: SiteContext, spec: SectionSpec): Response {
  const trail = spec.trail === "home" ? undefined : (spec.trail ?? []);
  const steps = (trail ?? []).map((step) => html` › <a href="${step.href}">${step.label}</a>`);
  const crumbs =
    trail === undefined
      ? html`<span></span>`
      : html`<nav aria-label="Breadcrumb" class="breadcrumbs"><a href="${site.base}/maintain">Maintain</a>${steps} › <span aria-current="page">${spec.title}</span></nav>`;
  const main = html`<div class="maintain-bar">
${crumbs}
${signOutForm(site)}
</div>
<h1>${spec.title}</h1>
${noticeHtml(spec.notice)}
${spec.body}`;
  const document = pageDocument(site, {
    title: spec.title,
    main,
    section: "maintain",
    ...(spec.scripts === undefined ? {} : { scripts: spec.scripts }),
  });
  return htmlResponse(document, { status: spec.status ?? 200, caching: "private" });
}

/** Query parameters for a link: only those set, in order. */
export function queryOf(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") query.set(key, value);
  const text = query.toString();
  return text === "" ? "" : `?${text}`;
}

/** "Next page" (and back to the first) for a list paged by the API's cursor. */
export function cursorPager(
  path: string,
  filters: Record<string, string | undefined>,
  cursorKey: string,
  current: string | undefined,
  next: string | undefined,
): SafeHtml {
  if (current === undefined && next === undefined) return html``;
  const first = current === undefined ? html`` : html`<a href="${path}${queryOf(filters)}">First page</a>`;
  const after =
    next === undefined
      ? html``
      : html`<a rel="next" href="${path}${queryOf({ ...filters, [cursorKey]: next })}">Next page</a>`;
  return html`<nav class="pager" aria-label="Pages">${first} ${after}</nav>`;
}

/**
 * One page of a list answered whole by the API (`page` is 1-based, from the query); `offset` is
 * the index of its first row in the whole list.
 */
function localPage<T>(items: readonly T[], url: URL): { rows: T[]; page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(items.length / LOCAL_PAGE_ROWS));
  const asked = Number(url.searchParams.get("page") ?? "1");
  const page = Number.isSafeInteger(asked) && asked >= 1 && asked <= pages ? asked : 1;
  const offset = (page - 1) * LOCAL_PAGE_ROWS;
  return { rows: items.slice(offset, offset + LOCAL_PAGE_ROWS), page, pages, offset };
}

function localPager(path: string, page: number, pages: number): SafeHtml {
  if (pages <= 1) return html``;
  const prev = page > 1 ? html`<a rel="prev" href="${path}?page=${page - 1}">Previous page</a>` : html``;
  const next = page < pages ? html`<a rel="next" href="${path}?page=${page + 1}">Next page</a>` : html``;
  return html`<nav class="pager" aria-label="Pages">${prev} <span>Page ${page} of ${pages}</span> ${next}</nav>`;
}

/** A list field of a form: one entry per line or comma, trimmed, empty ones dropped. */
export function listField(form: URLSearchParams, key: string): string[] {
  return (form.get(key) ?? "")
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** A text field of a form, trimmed ("" when absent). */
export function textField(form: URLSearchParams, key: string): string {
  return (form.get(key) ?? "").trim();
}

/** How a list's rows are shown: one row each (`index` counts across pages, for unique ids). */
export interface TableSpec<T> {
  row: (item: T, index: number) => SafeHtml;
  head: SafeHtml;
  empty: string;
  id: string;
}

/** A list answered whole by the API, a page at a time: the table and its pager (to `path`). */
export function localTable<T>(items: readonly T[], url: URL, path: string, table: TableSpec<T>): SafeHtml {
  const { rows, page, pages, offset } = localPage(items, url);
  const shown = rows.map((item, i) => table.row(item, offset + i));
  return html`${tableOr(shown, table.head, table.empty, table.id)}${localPager(path, page, pages)}`;
}

/** A section listing what the API answers whole (sources, webhooks): under a group, its own only. */
export interface ScopedListSpec<T> extends Omit<TableSpec<T>, "id"> {
  title: string;
  /**
   * The list's name: `GET /x/admin/{name}` answers `{ [name]: T[] }`; the page is
   * `{base}/maintain/{name}` and its table `#{name}`.
   */
  name: string;
  /** What the list is, for the API's refusal ("the webhooks"). */
  what: string;
  /** The group an item belongs to, compared with the page's group. */
  groupOf: (item: T) => string | null;
  intro: SafeHtml;
  /** The create form, shown below the list when the API answered it. */
  form: SafeHtml;
  done: Readonly<Record<string, string>>;
}

/** The section page of `spec`: intro, the (group's) list a page at a time, the create form. */
export async function scopedListSection<T>(
  site: SiteContext,
  scope: Scope,
  spec: ScopedListSpec<T>,
  notice?: Notice,
  status = 200,
): Promise<Response> {
  const read = await readApi<Record<string, T[] | undefined>>(site, `/x/admin/${spec.name}`, spec.what);
  if (read instanceof Response) return read;
  const group = scope.group?.name;
  const items = read.ok ? (read.body[spec.name] ?? []) : [];
  const shown = group === undefined ? items : items.filter((item) => spec.groupOf(item) === group);
  const table = { ...spec, id: spec.name };
  const list = read.ok
    ? html`${localTable(shown, site.url, `${site.base}/maintain/${spec.name}`, table)}${spec.form}`
    : html``;
  return sectionResponse(site, {
    title: spec.title,
    body: html`${spec.intro}
${list}`,
    ...sectionOutcome(read, site.url, spec.done, notice, status),
  });
}

/** A table, or a line saying there is nothing to show. */
export function tableOr(rows: readonly SafeHtml[], head: SafeHtml, empty: string, id?: string): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  // A wide table scrolls on a phone: its wrapper takes keyboard focus, with a name, to be scrollable.
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${id ?? "entries"} table"><table${id === undefined ? "" : html` id="${id}"`}><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/** A date-time as the API writes it, shown in a <time> element. */
export function timeHtml(value: string | null | undefined): SafeHtml {
  if (value === null || value === undefined || value === "") return html`<span class="muted">—</span>`;
  return html`<time datetime="${value}">${value.replace("T", " ").replace(/\.\d+Z$/, "Z")}</time>`;
}
