// Webhooks: `GET {base}/maintain/webhooks` (GET /x/admin/webhooks; under a group, its own),
// create (a secret left empty is generated here and shown once, in the answer to the post),
// delete, and one subscription's deliveries log `GET {base}/maintain/webhooks/{id}`.
import { FEED_ACTIONS } from "../domain/change-feed.ts";
import { MAX_SECRET_LENGTH, MIN_SECRET_LENGTH } from "../domain/webhooks.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  afterAction,
  cursorPager,
  doneRedirect,
  maintainAction,
  maintainPage,
  PAGE_ROWS,
  pathParamOf,
  pathSegment,
  queryOf,
  readApi,
  sectionOutcome,
  scopedListSection,
  sectionResponse,
  tableOr,
  textField,
  timeHtml,
  type Notice,
  type ScopedListSpec,
  type Scope,
} from "./maintain-kit.ts";
import type { SiteContext } from "./site-context.ts";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  group: string | null;
  createdAt: string;
  createdBy: string;
  delivering: boolean;
}

interface Delivery {
  id: string;
  name: string;
  version: string;
  action: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

const DONE = {
  created: "Webhook created: changes from now on are delivered to it.",
  deleted: "Webhook deleted, with its deliveries log.",
} as const;

function hookRow(site: SiteContext, hook: Webhook, index: number): SafeHtml {
  const page = `${site.base}/maintain/webhooks/${encodeURIComponent(hook.id)}`;
  return html`<tr data-webhook-id="${hook.id}">
<td id="hook-${index}"><a href="${page}"><code>${hook.url}</code></a></td>
<td>${hook.events.join(", ")}</td>
<td>${hook.group ?? html`<span class="muted">public feed</span>`}</td>
<td>${timeHtml(hook.createdAt)}<br><span class="muted">${hook.createdBy}</span></td>
<td>${hook.delivering ? "delivering" : html`<span class="muted">idle</span>`}</td>
<td><form class="inline-form" method="post" action="${page}/delete"><button type="submit" class="danger" aria-describedby="hook-${index}">Delete</button></form></td>
</tr>`;
}

const HEAD = html`<tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Feed</th><th scope="col">Created</th><th scope="col">Now</th><th scope="col"><span class="visually-hidden">Delete</span></th></tr>`;

function createForm(site: SiteContext, scope: Scope): SafeHtml {
  const events = ["*", ...FEED_ACTIONS].map(
    (event, i) =>
      html`<label class="check"><input type="checkbox" name="events" value="${event}"${i === 0 ? " checked" : ""}> ${event === "*" ? "every change (*)" : event}</label>`,
  );
  return html`<form id="webhook-create" class="card" method="post" action="${site.base}/maintain/webhooks">
<h2>Subscribe a URL</h2>
<div class="field"><label for="w-url">URL</label><input type="url" id="w-url" name="url" required placeholder="https://hooks.example.com/registry"></div>
<fieldset><legend>Events</legend>${events}</fieldset>
<div class="field"><label for="w-group">Group <span class="hint">(empty: the public feed)</span></label><input type="text" id="w-group" name="group" value="${scope.group?.name ?? ""}"></div>
<div class="field"><label for="w-secret">Signing secret <span class="hint">(${MIN_SECRET_LENGTH}–${MAX_SECRET_LENGTH} characters; empty: one is generated and shown once)</span></label>
<input type="password" id="w-secret" name="secret" autocomplete="new-password" minlength="${MIN_SECRET_LENGTH}" maxlength="${MAX_SECRET_LENGTH}"></div>
<button type="submit">Create webhook</button>
</form>`;
}

function renderWebhooks(site: SiteContext, scope: Scope, notice?: Notice, status = 200): Promise<Response> {
  const spec: ScopedListSpec<Webhook> = {
    title: "Webhooks",
    name: "webhooks",
    what: "the webhooks",
    // Under a group, the subscriptions to its feed.
    groupOf: (hook) => hook.group,
    row: (hook, index) => hookRow(site, hook, index),
    head: HEAD,
    empty: "No webhooks.",
    intro: html`<p>Each matching change is POSTed, signed with <code>X-Registry-Signature</code> (HMAC-SHA256 of the secret), in feed order, retried and dead-lettered after 6 attempts (organisation administrators only).</p>`,
    form: createForm(site, scope),
    done: DONE,
  };
  return scopedListSection(site, scope, spec, notice, status);
}

export const webhooksPage = maintainPage((_request, site, scope) => renderWebhooks(site, scope));

/** A secret for a subscription whose creator left it to us: 32 random bytes, hex. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const createWebhookAction = maintainAction(async (form, _request, site, scope) => {
  const given = form.get("secret") ?? "";
  const secret = given === "" ? newSecret() : given;
  const group = textField(form, "group");
  const answer = await site.api("/x/admin/webhooks", {
    method: "POST",
    body: { url: textField(form, "url"), events: form.getAll("events"), secret, ...(group === "" ? {} : { group }) },
  });
  return afterAction(
    site,
    answer,
    () => {
      // A secret the administrator typed is theirs already: it is not echoed back.
      if (given !== "") return doneRedirect(`${site.base}/maintain/webhooks`, "created");
      const body = html`<div class="notice ok" role="status"><p>Webhook created. Copy its signing secret now: it is shown this once and never again.</p></div>
<div class="new-secret"><pre><code id="new-secret">${secret}</code></pre><button type="button" data-copy="new-secret" hidden>Copy</button></div>
<p>Receivers check <code>X-Registry-Signature: t=…,v1=…</code>: the hex HMAC-SHA256 of <code>"&lt;t&gt;.&lt;raw body&gt;"</code> with this secret. <a href="${site.base}/maintain/webhooks">Back to Webhooks</a></p>`;
      return sectionResponse(site, {
        title: "Webhook created",
        body,
        status: 201,
        trail: [{ href: `${site.base}/maintain/webhooks`, label: "Webhooks" }],
      });
    },
    (notice, status) => renderWebhooks(site, scope, notice, status),
  );
});

export const deleteWebhookAction = maintainAction(async (_form, request, site, scope) => {
  const id = pathSegment(pathParamOf(request, "id"), "webhook id");
  const answer = await site.api(`/x/admin/webhooks/${id}`, { method: "DELETE" });
  return afterAction(
    site,
    answer,
    () => doneRedirect(`${site.base}/maintain/webhooks`, "deleted"),
    (notice, status) => renderWebhooks(site, scope, notice, status),
  );
});

function deliveryRow(delivery: Delivery): SafeHtml {
  return html`<tr>
<td>${timeHtml(delivery.createdAt)}</td>
<td>${delivery.action} ${delivery.name} <span class="muted">${delivery.version}</span></td>
<td><span class="badge">${delivery.state}</span></td>
<td>${delivery.attempts}</td>
<td>${delivery.lastStatus ?? ""}${delivery.lastError === null ? "" : html`<br><span class="error-text">${delivery.lastError}</span>`}</td>
<td>${timeHtml(delivery.updatedAt)}</td>
</tr>`;
}

const DELIVERIES_HEAD = html`<tr><th scope="col">Change at</th><th scope="col">Change</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Updated</th></tr>`;

export const deliveriesPage = maintainPage(async (request, site) => {
  const id = pathParamOf(request, "id");
  const segment = pathSegment(id, "webhook id");
  const cursor = site.url.searchParams.get("cursor") || undefined;
  const query = queryOf({ limit: String(PAGE_ROWS), cursor });
  const read = await readApi<{ deliveries: Delivery[]; metadata: { nextCursor?: string } }>(
    site,
    `/x/admin/webhooks/${segment}/deliveries${query}`,
    "this webhook's deliveries",
  );
  if (read instanceof Response) return read;
  const path = `${site.base}/maintain/webhooks/${segment}`;
  const body = read.ok
    ? html`${tableOr(read.body.deliveries.map(deliveryRow), DELIVERIES_HEAD, "Nothing delivered yet.", "deliveries")}
${cursorPager(path, {}, "cursor", cursor, read.body.metadata.nextCursor)}`
    : html``;
  return sectionResponse(site, {
    title: "Deliveries",
    body: html`<p>Newest first: webhook <code>${id}</code>.</p>${body}`,
    ...sectionOutcome(read, site.url, {}),
    trail: [{ href: `${site.base}/maintain/webhooks`, label: "Webhooks" }],
  });
});
