// The review queue: `GET {base}/maintain/reports` (GET /x/admin/reports, filtered by status and
// name, paged) and its resolve forms, `POST {base}/maintain/reports/{id}/resolve`.
import { MAX_RESOLUTION_MESSAGE, RESOLVE_ACTIONS } from "../domain/moderation.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  afterAction,
  cursorPager,
  doneRedirect,
  maintainAction,
  maintainPage,
  PAGE_ROWS,
  pageLimit,
  pathParamOf,
  pathSegment,
  queryOf,
  readApi,
  sectionOutcome,
  sectionResponse,
  tableOr,
  textField,
  timeHtml,
  type Notice,
} from "./maintain-kit.ts";
import { serverPagePath } from "./search-query.ts";
import type { SiteContext } from "./site-context.ts";

interface Report {
  id: string;
  name: string;
  version?: string;
  reason: string;
  details?: string;
  reporter: string;
  weight: number;
  status: "open" | "resolved";
  createdAt: string;
  targetWeight: number;
  underReview: boolean;
  resolution?: { action: string; message: string | null; resolvedAt: string | null };
}

interface ReportPage {
  reports: Report[];
  metadata: { count: number; nextCursor?: string };
}

const DONE = { resolved: "Resolved: the report and every other open report of the server are closed." } as const;

const ACTION_HINTS: Record<(typeof RESOLVE_ACTIONS)[number], string> = {
  dismiss: "dismiss (no change)",
  deprecate: "deprecate every version",
  delete: "delete every version",
  denylist: "delete and denylist the server",
};

function resolveForm(site: SiteContext, report: Report, index: number): SafeHtml {
  const id = `resolve-${index}`;
  const options = RESOLVE_ACTIONS.map((a) => html`<option value="${a}">${ACTION_HINTS[a]}</option>`);
  return html`<form class="inline-form" method="post" action="${site.base}/maintain/reports/${encodeURIComponent(report.id)}/resolve">
<label class="visually-hidden" for="${id}-action">Action</label>
<select id="${id}-action" name="action">${options}</select>
<label class="visually-hidden" for="${id}-message">Message</label>
<input type="text" id="${id}-message" name="message" required maxlength="${MAX_RESOLUTION_MESSAGE}" placeholder="Message (shown as the status message)">
<button type="submit">Resolve</button>
</form>`;
}

function reportRow(site: SiteContext, report: Report, index: number): SafeHtml {
  // The queue is the registry's, whatever page lists it: each server at its root page.
  const target = html`<a href="${serverPagePath("", report.name)}">${report.name}</a>${report.version === undefined ? "" : html` <span class="muted">${report.version}</span>`}`;
  const review = report.underReview ? html` <span class="badge review">under review</span>` : "";
  const outcome =
    report.status === "open"
      ? resolveForm(site, report, index)
      : html`<span class="badge">${report.resolution?.action ?? "resolved"}</span> ${report.resolution?.message ?? ""} ${timeHtml(report.resolution?.resolvedAt)}`;
  return html`<tr data-report-id="${report.id}">
<td>${target}${review}</td>
<td>${report.reason}</td>
<td class="details">${report.details ?? html`<span class="muted">—</span>`}</td>
<td><span class="reporter">${report.reporter}</span><br><span class="muted">weight ${report.weight}; server ${report.targetWeight}</span></td>
<td>${timeHtml(report.createdAt)}</td>
<td>${outcome}</td>
</tr>`;
}

const HEAD = html`<tr><th scope="col">Server</th><th scope="col">Reason</th><th scope="col">Details</th><th scope="col">Reporter</th><th scope="col">Filed</th><th scope="col">Resolution</th></tr>`;

function filterForm(site: SiteContext, status: string, name: string): SafeHtml {
  return html`<form class="filters" method="get" action="${site.base}/maintain/reports">
<div class="field"><label for="f-status">Status</label>
<select id="f-status" name="status"><option value="open"${status === "open" ? " selected" : ""}>open</option><option value="resolved"${status === "resolved" ? " selected" : ""}>resolved</option></select></div>
<div class="field"><label for="f-name">Server name</label><input type="text" id="f-name" name="name" value="${name}" placeholder="com.example/server"></div>
<button type="submit">Filter</button>
</form>`;
}

async function renderReports(site: SiteContext, notice?: Notice, status = 200): Promise<Response> {
  const params = site.url.searchParams;
  const state = params.get("status") === "resolved" ? "resolved" : "open";
  const name = (params.get("name") ?? "").trim();
  const cursor = params.get("cursor") || undefined;
  const limit = pageLimit(site.url);
  const query = queryOf({ status: state, name, cursor, limit: limit ?? String(PAGE_ROWS) });
  const read = await readApi<ReportPage>(site, `/x/admin/reports${query}`, "the review queue");
  if (read instanceof Response) return read;
  const path = `${site.base}/maintain/reports`;
  const list = read.ok
    ? html`${tableOr(
        read.body.reports.map((r, i) => reportRow(site, r, i)),
        HEAD,
        state === "open" ? "No open reports." : "No resolved reports.",
        "reports",
      )}
${cursorPager(path, { status: state, name, limit }, "cursor", cursor, read.body.metadata.nextCursor)}`
    : html``;
  const body = html`<p>Reports of servers you may edit, ${state === "open" ? "waiting for a decision" : "already decided"}. Resolving one closes every open report of the server. Decisions are published in the <a href="/x/moderation-log">moderation log</a>.</p>
${filterForm(site, state, name)}
${list}`;
  return sectionResponse(site, {
    title: "Review queue",
    body,
    ...sectionOutcome(read, site.url, DONE, notice, status),
  });
}

export const reportsPage = maintainPage((_request, site) => renderReports(site));

export const resolveReportAction = maintainAction(async (form, request, site) => {
  const id = pathSegment(pathParamOf(request, "id"), "report id");
  const answer = await site.api(`/x/admin/reports/${id}/resolve`, {
    method: "POST",
    body: { action: textField(form, "action"), message: textField(form, "message") },
  });
  return afterAction(
    site,
    answer,
    () => doneRedirect(`${site.base}/maintain/reports`, "resolved"),
    (notice, status) => renderReports(site, notice, status),
  );
});
