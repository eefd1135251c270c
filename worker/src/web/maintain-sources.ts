// Upstream sources: `GET {base}/maintain/sources` (GET /x/admin/sources with each source's
// state; under a group, the sources mirroring into it), create, delete, and "sync now".
import { html, type SafeHtml } from "./html.ts";
import {
  afterAction,
  doneRedirect,
  listField,
  maintainAction,
  maintainPage,
  pathParamOf,
  pathSegment,
  scopedListSection,
  textField,
  timeHtml,
  type Notice,
  type ScopedListSpec,
  type Scope,
} from "./maintain-kit.ts";
import type { SiteContext } from "./site-context.ts";

interface Source {
  id: string;
  url: string;
  into: string;
  include: string[];
  exclude: string[];
  createdAt: string;
  createdBy: string;
  mode: string;
  position: string | null;
  caughtUp: boolean;
  lastSuccessAt: string | null;
  lagSeconds: number | null;
  lastError: string | null;
  counts: Record<string, number>;
  recentSkips: { name?: string; version?: string; reason: string; at: string }[];
}

const DONE = {
  created: "Source added: the cron starts mirroring it within 5 minutes (or sync it now).",
  deleted: "Source deleted: mirroring stopped; the mirrored versions stay.",
  synced: "Synced one bounded step: the state below is after it.",
} as const;

/** Skipped entries shown per source (the API keeps a short list). */
const SKIPS_SHOWN = 5;

function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
}

function sourceRow(site: SiteContext, source: Source, index: number): SafeHtml {
  const action = `${site.base}/maintain/sources/${encodeURIComponent(source.id)}`;
  const skips = source.recentSkips
    .slice(0, SKIPS_SHOWN)
    .map((skip) => html`<li>${skip.name ?? ""} ${skip.version ?? ""}: ${skip.reason}</li>`);
  return html`<tr data-source-id="${source.id}">
<td id="source-${index}"><code>${source.url}</code><br><span class="muted">into ${source.into}</span>
${source.include.length === 0 ? "" : html`<br><span class="muted">include ${source.include.join(", ")}</span>`}
${source.exclude.length === 0 ? "" : html`<br><span class="muted">exclude ${source.exclude.join(", ")}</span>`}</td>
<td>${source.mode}${source.position === null ? "" : html` at <code>${source.position}</code>`}<br>
${source.caughtUp ? html`<span class="badge">caught up</span>` : html`<span class="badge deprecated">behind</span>`}
${source.lagSeconds === null ? "" : html` <span class="muted">lag ${source.lagSeconds} s</span>`}</td>
<td>${timeHtml(source.lastSuccessAt)}${source.lastError === null ? "" : html`<br><span class="error-text">${source.lastError}</span>`}</td>
<td>${countsText(source.counts)}${skips.length === 0 ? "" : html`<ul class="skips">${skips}</ul>`}</td>
<td><form class="inline-form" method="post" action="${action}/sync"><button type="submit" aria-describedby="source-${index}">Sync now</button></form>
<form class="inline-form" method="post" action="${action}/delete"><button type="submit" class="danger" aria-describedby="source-${index}">Delete</button></form></td>
</tr>`;
}

const HEAD = html`<tr><th scope="col">Upstream</th><th scope="col">Position</th><th scope="col">Last success</th><th scope="col">Counts and skips</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>`;

function createForm(site: SiteContext, scope: Scope): SafeHtml {
  return html`<form id="source-create" class="card" method="post" action="${site.base}/maintain/sources">
<h2>Add a source</h2>
<div class="field"><label for="s-url">Registry URL</label><input type="url" id="s-url" name="url" required placeholder="https://registry.modelcontextprotocol.io"></div>
<div class="field"><label for="s-into">Into</label><input type="text" id="s-into" name="into" required value="${scope.group?.name ?? "public"}">
<span class="hint"><code>public</code>, or the name of a group.</span></div>
<div class="field"><label for="s-include">Include <span class="hint">(name patterns, one per line; empty: everything)</span></label><textarea id="s-include" name="include" rows="2"></textarea></div>
<div class="field"><label for="s-exclude">Exclude <span class="hint">(name patterns, one per line)</span></label><textarea id="s-exclude" name="exclude" rows="2"></textarea></div>
<button type="submit">Add source</button>
</form>`;
}

function renderSources(site: SiteContext, scope: Scope, notice?: Notice, status = 200): Promise<Response> {
  const group = scope.group?.name;
  const spec: ScopedListSpec<Source> = {
    title: "Sources",
    name: "sources",
    what: "the upstream sources",
    // Under a group, the sources mirroring into it.
    groupOf: (source) => source.into,
    row: (source, index) => sourceRow(site, source, index),
    head: HEAD,
    empty: "No sources.",
    intro: html`<p>Registries speaking the official API, mirrored ${group === undefined ? "here" : html`into <strong>${group}</strong>`} by the cron every 5 minutes (organisation administrators only). Local names win over mirrored ones.</p>`,
    form: createForm(site, scope),
    done: DONE,
  };
  return scopedListSection(site, scope, spec, notice, status);
}

export const sourcesPage = maintainPage((_request, site, scope) => renderSources(site, scope));

export const createSourceAction = maintainAction(async (form, _request, site, scope) => {
  const include = listField(form, "include");
  const exclude = listField(form, "exclude");
  const answer = await site.api("/x/admin/sources", {
    method: "POST",
    body: {
      url: textField(form, "url"),
      into: textField(form, "into"),
      ...(include.length === 0 ? {} : { include }),
      ...(exclude.length === 0 ? {} : { exclude }),
    },
  });
  return afterAction(
    site,
    answer,
    () => doneRedirect(`${site.base}/maintain/sources`, "created"),
    (notice, status) => renderSources(site, scope, notice, status),
  );
});

/** A post about one source (`:id`): the API's answer, then back to the list. */
function sourceAction(method: "DELETE" | "POST", suffix: string, done: keyof typeof DONE) {
  return maintainAction(async (_form, request, site, scope) => {
    const id = pathSegment(pathParamOf(request, "id"), "source id");
    const answer = await site.api(`/x/admin/sources/${id}${suffix}`, { method });
    return afterAction(
      site,
      answer,
      () => doneRedirect(`${site.base}/maintain/sources`, done),
      (notice, status) => renderSources(site, scope, notice, status),
    );
  });
}

export const deleteSourceAction = sourceAction("DELETE", "", "deleted");
export const syncSourceAction = sourceAction("POST", "/sync", "synced");
