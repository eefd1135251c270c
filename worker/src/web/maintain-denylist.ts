// The denylist: `GET {base}/maintain/denylist` (the entries the caller may manage), add
// (`POST …/denylist`) and remove (`POST …/denylist/remove`), through /x/admin/denylist.
import { DENYLIST_KINDS, MAX_DENYLIST_REASON } from "../domain/denylist.ts";
import { PACKAGE_REGISTRY_TYPES } from "../domain/denylist-packages.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  afterAction,
  doneRedirect,
  localTable,
  maintainAction,
  maintainPage,
  readApi,
  sectionOutcome,
  sectionResponse,
  textField,
  timeHtml,
  type Notice,
} from "./maintain-kit.ts";
import type { SiteContext } from "./site-context.ts";

interface Entry {
  kind: string;
  value: string;
  reason: string;
  scope?: string[];
  createdAt: string;
  createdBy: string;
}

const DONE = {
  added: "Added: publishing matches is refused from now on, and matching versions were deleted.",
  "added-sweeping":
    "Added: publishing matches is refused from now on; some matching versions are still being deleted (the cron finishes within 5 minutes).",
  removed: "Removed: publishing matches is allowed again (nothing deleted was restored).",
} as const;

function removeForm(site: SiteContext, entry: Entry, index: number): SafeHtml {
  return html`<form class="inline-form" method="post" action="${site.base}/maintain/denylist/remove">
<input type="hidden" name="kind" value="${entry.kind}">
<input type="hidden" name="value" value="${entry.value}">
<button type="submit" class="danger" aria-describedby="entry-${index}">Remove</button>
</form>`;
}

function entryRow(site: SiteContext, entry: Entry, index: number): SafeHtml {
  return html`<tr>
<td>${entry.kind}</td>
<td id="entry-${index}"><code>${entry.value}</code></td>
<td>${entry.reason}</td>
<td>${entry.scope === undefined ? html`<span class="muted">global</span>` : entry.scope.join(", ")}</td>
<td>${timeHtml(entry.createdAt)}<br><span class="muted">${entry.createdBy}</span></td>
<td>${removeForm(site, entry, index)}</td>
</tr>`;
}

const HEAD = html`<tr><th scope="col">Kind</th><th scope="col">Value</th><th scope="col">Reason</th><th scope="col">Scope</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr>`;

function addForm(site: SiteContext): SafeHtml {
  const kinds = DENYLIST_KINDS.map((k) => html`<option value="${k}">${k}</option>`);
  const types = PACKAGE_REGISTRY_TYPES.map((t) => html`<option value="${t}">${t}</option>`);
  return html`<form id="denylist-add" class="card" method="post" action="${site.base}/maintain/denylist">
<h2>Add an entry</h2>
<div class="field"><label for="d-kind">Kind</label><select id="d-kind" name="kind">${kinds}</select></div>
<div class="field"><label for="d-value">Value</label>
<input type="text" id="d-value" name="value" required placeholder="com.example, com.example/server, mcp.example.com, npm package name">
<span class="hint">Namespace entries also cover the namespaces below them; host entries the hosts below.</span></div>
<div class="field"><label for="d-type">Package registry <span class="hint">(package entries only)</span></label>
<select id="d-type" name="registryType"><option value="">—</option>${types}</select></div>
<div class="field"><label for="d-reason">Reason</label>
<input type="text" id="d-reason" name="reason" required maxlength="${MAX_DENYLIST_REASON}">
<span class="hint">Public: it becomes the status message of every version it deletes.</span></div>
<button type="submit" class="danger">Add and delete matches</button>
</form>`;
}

async function renderDenylist(site: SiteContext, notice?: Notice, status = 200): Promise<Response> {
  const read = await readApi<{ entries: Entry[] }>(site, "/x/admin/denylist", "the denylist");
  if (read instanceof Response) return read;
  const list = read.ok
    ? html`${localTable(read.body.entries, site.url, `${site.base}/maintain/denylist`, {
        row: (e, i) => entryRow(site, e, i),
        head: HEAD,
        empty: "No entries you may manage.",
        id: "denylist",
      })}${addForm(site)}`
    : html``;
  const body = html`<p>Entries block publishing what they match and delete what is stored. Only the entries your token may manage are listed.</p>
${list}`;
  return sectionResponse(site, { title: "Denylist", body, ...sectionOutcome(read, site.url, DONE, notice, status) });
}

export const denylistPage = maintainPage((_request, site) => renderDenylist(site));

export const addDenylistAction = maintainAction(async (form, _request, site) => {
  const registryType = textField(form, "registryType");
  const kind = textField(form, "kind");
  const answer = await site.api("/x/admin/denylist", {
    method: "POST",
    body: {
      kind,
      value: textField(form, "value"),
      reason: textField(form, "reason"),
      ...(registryType === "" || kind !== "package" ? {} : { registryType }),
    },
  });
  const complete = answer.json<{ sweepComplete?: boolean }>()?.sweepComplete !== false;
  return afterAction(
    site,
    answer,
    () => doneRedirect(`${site.base}/maintain/denylist`, complete ? "added" : "added-sweeping"),
    (notice, status) => renderDenylist(site, notice, status),
  );
});

export const removeDenylistAction = maintainAction(async (form, _request, site) => {
  const answer = await site.api("/x/admin/denylist", {
    method: "DELETE",
    body: { kind: textField(form, "kind"), value: form.get("value") ?? "" },
  });
  return afterAction(
    site,
    answer,
    () => doneRedirect(`${site.base}/maintain/denylist`, "removed"),
    (notice, status) => renderDenylist(site, notice, status),
  );
});
