// The audit trail: `GET {base}/maintain/audit`, GET /x/admin/audit with its filters (namespace,
// actor, action, since) as fields of a GET form, paged by the API's cursor.
import { html, type SafeHtml } from "./html.ts";
import {
  cursorPager,
  maintainPage,
  PAGE_ROWS,
  pageLimit,
  queryOf,
  readApi,
  sectionOutcome,
  sectionResponse,
  tableOr,
  timeHtml,
} from "./maintain-kit.ts";
import type { SiteContext } from "./site-context.ts";

interface AuditEntry {
  id: string;
  namespace: string;
  seq: number;
  time: string;
  actor: { method: string; subject: string };
  action: string;
  target: { name: string | null; version: string | null };
  outcome: string;
  reason?: string;
  requestId: string;
  detail?: unknown;
}

/** The filters the API takes, as the form sends them. */
const FILTERS = ["namespace", "actor", "action", "since"] as const;
/** Characters of an entry's detail shown in its row (the API bounds it; a table should too). */
const DETAIL_CHARS = 400;

function detailText(detail: unknown): string {
  if (detail === undefined) return "";
  const text = JSON.stringify(detail);
  return text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text;
}

function entryRow(entry: AuditEntry): SafeHtml {
  const target = [entry.target.name, entry.target.version].filter((part) => part !== null).join(" ");
  const detail = detailText(entry.detail);
  return html`<tr>
<td>${timeHtml(entry.time)}</td>
<td><code>${entry.namespace}</code> #${entry.seq}</td>
<td>${entry.actor.method}:${entry.actor.subject}</td>
<td>${entry.action}</td>
<td>${target}</td>
<td><span class="badge outcome-${entry.outcome}">${entry.outcome}</span>${entry.reason === undefined ? "" : html`<br>${entry.reason}`}</td>
<td><code>${entry.requestId}</code>${detail === "" ? "" : html`<br><code class="detail">${detail}</code>`}</td>
</tr>`;
}

const HEAD = html`<tr><th scope="col">Time</th><th scope="col">Stream</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col">Request and detail</th></tr>`;

function filterForm(site: SiteContext, values: Record<string, string>): SafeHtml {
  return html`<form class="filters" method="get" action="${site.base}/maintain/audit">
<div class="field"><label for="a-namespace">Namespace or stream</label><input type="text" id="a-namespace" name="namespace" value="${values.namespace}" placeholder="com.example, ~group:acme"></div>
<div class="field"><label for="a-actor">Actor (subject)</label><input type="text" id="a-actor" name="actor" value="${values.actor}"></div>
<div class="field"><label for="a-action">Action</label><input type="text" id="a-action" name="action" value="${values.action}" placeholder="publish, resolve, denylist-add…"></div>
<div class="field"><label for="a-since">Since (RFC 3339)</label><input type="text" id="a-since" name="since" value="${values.since}" placeholder="2026-01-01T00:00:00Z"></div>
<button type="submit">Filter</button>
</form>`;
}

export const auditPage = maintainPage(async (_request, site) => {
  const params = site.url.searchParams;
  const values = Object.fromEntries(FILTERS.map((key) => [key, (params.get(key) ?? "").trim()])) as Record<
    string,
    string
  >;
  const cursor = params.get("cursor") || undefined;
  const limit = pageLimit(site.url);
  const query = queryOf({ ...values, cursor, limit: limit ?? String(PAGE_ROWS) });
  const read = await readApi<{ entries: AuditEntry[]; metadata: { nextCursor?: string } }>(
    site,
    `/x/admin/audit${query}`,
    "the audit trail",
  );
  if (read instanceof Response) return read;
  const path = `${site.base}/maintain/audit`;
  const list = read.ok
    ? html`${tableOr(read.body.entries.map(entryRow), HEAD, "No entries match.", "audit")}
${cursorPager(path, { ...values, limit }, "cursor", cursor, read.body.metadata.nextCursor)}`
    : html``;
  const body = html`<p>Every write and decision, and every write refused to an authenticated caller, in the order recorded (global maintainers only). Nothing alters or removes entries.</p>
${filterForm(site, values)}
${list}`;
  return sectionResponse(site, { title: "Audit trail", body, ...sectionOutcome(read, site.url, {}) });
});
