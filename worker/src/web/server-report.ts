// The server page's report form (`form#report`, POST {base}/server/{name}/report) and what the
// post sends to POST /x/reports: the API validates, limits and stores it; the page only shows
// its answer (the errors of a 422, a 429's wait) or the thanks after the redirect.
import { MAX_REPORT_DETAILS, REPORT_REASONS, type ReportReason } from "../domain/moderation.ts";
import { MAX_VERSION_LENGTH } from "../domain/server-json/framework-schema.ts";
import { html, type SafeHtml } from "./html.ts";

const REASON_LABELS: Record<ReportReason, string> = {
  spam: "Spam",
  malicious: "Malicious (malware, data theft)",
  impersonation: "Impersonation (pretends to be someone else)",
  broken: "Broken (does not install or run)",
  inappropriate: "Inappropriate content",
  other: "Other",
};

/** What the reporter typed, kept when the form is shown again with errors. */
export interface ReportValues {
  reason: string;
  version: string;
  details: string;
}

/** The API's refusal of a report, as the form shows it. */
export interface ReportProblem {
  status: number;
  messages: string[];
}

/** "2,000": formatted once (toLocaleString is slow, and this is on every render). */
const MAX_DETAILS_TEXT = MAX_REPORT_DETAILS.toLocaleString("en-US");

export const EMPTY_REPORT: ReportValues = { reason: "", version: "", details: "" };

/** The body of POST /x/reports for a form post about `name` (empty fields left out). */
export function reportBody(
  name: string,
  form: URLSearchParams,
): { body: Record<string, string>; values: ReportValues } {
  const values: ReportValues = {
    reason: (form.get("reason") ?? "").trim(),
    version: (form.get("version") ?? "").trim(),
    details: (form.get("details") ?? "").replace(/\r\n/g, "\n").trim(),
  };
  const body: Record<string, string> = { name, reason: values.reason };
  if (values.version !== "") body.version = values.version;
  if (values.details !== "") body.details = values.details;
  return { body, values };
}

/** The parts of the API's problem answer the form shows. */
export interface ReportRefusal {
  detail?: string;
  errors?: { message?: string; location?: string }[];
}

const FIELD_LABELS: Record<string, string> = {
  "body.reason": "Reason",
  "body.version": "Version",
  "body.details": "Details",
  "body.name": "Server",
};

/** The messages of the API's problem answer (at most 10), by the form's field names. */
export function reportProblemOf(status: number, problem: ReportRefusal | undefined): ReportProblem {
  const errors = (problem?.errors ?? []).slice(0, 10).map((e) => {
    const field = FIELD_LABELS[e.location ?? ""] ?? e.location;
    return field === undefined ? (e.message ?? "not valid") : `${field}: ${e.message ?? "not valid"}`;
  });
  const detail = problem?.detail ?? (status === 429 ? "Too many reports: try again later." : "The report was refused.");
  return { status, messages: errors.length > 0 ? [detail, ...errors] : [detail] };
}

/** The report section: the form, with the thanks, or the API's errors, above it. */
export function reportSection(
  action: string,
  values: ReportValues,
  problem: ReportProblem | undefined,
  reported: boolean,
  reportable: boolean,
): SafeHtml {
  const heading = html`<h2 id="report-heading">Report this server</h2>`;
  if (!reportable) {
    return html`<section aria-labelledby="report-heading" class="report">${heading}
<p class="muted">This server is private to the group: talk to the group's managers about it.</p></section>`;
  }
  const notice = reported
    ? html`<p class="notice ok" role="status">Thank you — your report was received. The registry's maintainers review reports; a server with enough of them is marked as under review.</p>`
    : problem === undefined
      ? ""
      : html`<div class="notice error" role="alert" id="report-errors"><p>The report was not sent:</p><ul>${problem.messages.map((m) => html`<li>${m}</li>`)}</ul></div>`;
  const options = REPORT_REASONS.map(
    (reason) =>
      html`<option value="${reason}"${values.reason === reason ? html` selected` : ""}>${REASON_LABELS[reason]}</option>`,
  );
  return html`<section aria-labelledby="report-heading" class="report">${heading}
${notice}
<form id="report" method="post" action="${action}"${problem === undefined ? "" : html` aria-describedby="report-errors"`}>
<div class="field"><label for="report-reason">Reason</label>
<select id="report-reason" name="reason" required><option value=""${values.reason === "" ? html` selected` : ""}>Choose a reason</option>${options}</select></div>
<div class="field"><label for="report-version">Version <span class="hint">(optional: leave empty to report the whole server)</span></label>
<input type="text" id="report-version" name="version" value="${values.version}" maxlength="${MAX_VERSION_LENGTH}" autocomplete="off"></div>
<div class="field"><label for="report-details">Details <span class="hint">(optional, up to ${MAX_DETAILS_TEXT} characters)</span></label>
<textarea id="report-details" name="details" maxlength="${MAX_REPORT_DETAILS}" rows="4">${values.details}</textarea></div>
<button type="submit">Send report</button>
</form></section>`;
}
