// Tokens: `GET {base}/maintain/tokens` (the caller's personal tokens), creation and revocation,
// and the service-token part of a group's page. A created token's secret is shown once, in the
// answer to the form post itself (201, never cached, never in a URL).
import { ROLES } from "../domain/groups.ts";
import type { ApiAnswer } from "../http/internal-api.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  afterAction,
  cursorPager,
  doneRedirect,
  maintainAction,
  maintainPage,
  PAGE_ROWS,
  pathSegment,
  queryOf,
  type Read,
  readApi,
  sectionOutcome,
  sectionResponse,
  tableOr,
  textField,
  timeHtml,
  type GroupInfo,
  type Notice,
} from "./maintain-kit.ts";
import type { SiteContext } from "./site-context.ts";

interface Token {
  id: string;
  name: string;
  kind: "personal" | "service";
  group: string | null;
  access: { group: string; role: string }[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenPage {
  tokens: Token[];
  metadata: { nextCursor?: string };
}

/** Access rows offered by the personal token form (the API takes more; a form needs few). */
const ACCESS_ROWS = 3;

const DONE = { revoked: "Token revoked: it stops working at once." } as const;

/** A date field (YYYY-MM-DD) as the RFC 3339 instant the API takes; other text as sent. */
function expiryOf(form: URLSearchParams): string | undefined {
  const raw = textField(form, "expires");
  if (raw === "") return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
}

function accessText(token: Token): string {
  return token.access.map((a) => `${a.group}: ${a.role}`).join(", ");
}

function tokenState(token: Token): SafeHtml {
  if (token.revokedAt !== null) return html`<span class="badge deleted">revoked</span> ${timeHtml(token.revokedAt)}`;
  return html`expires ${timeHtml(token.expiresAt)}`;
}

function tokenRow(token: Token, revokeAction: string | undefined, index: number): SafeHtml {
  const revoke =
    token.revokedAt !== null || revokeAction === undefined
      ? html``
      : html`<form class="inline-form" method="post" action="${revokeAction}">
<input type="hidden" name="id" value="${token.id}">
<button type="submit" class="danger" aria-describedby="token-${index}">Revoke</button></form>`;
  return html`<tr data-token-id="${token.id}">
<td id="token-${index}">${token.name}<br><code class="muted">${token.id}</code></td>
<td>${accessText(token)}</td>
<td>${timeHtml(token.createdAt)}</td>
<td>${timeHtml(token.lastUsedAt)}</td>
<td>${tokenState(token)}</td>
<td>${revoke}</td>
</tr>`;
}

const HEAD = html`<tr><th scope="col">Name</th><th scope="col">Access</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr>`;

function roleOptions(max: (typeof ROLES)[number] = "manager"): SafeHtml[] {
  return ROLES.slice(0, ROLES.indexOf(max) + 1).map((r) => html`<option value="${r}">${r}</option>`);
}

const expiryField = (id: string) =>
  html`<div class="field"><label for="${id}">Expires <span class="hint">(optional; default 90 days, at most a year)</span></label><input type="date" id="${id}" name="expires"></div>`;

function personalForm(site: SiteContext): SafeHtml {
  const rows = Array.from(
    { length: ACCESS_ROWS },
    (_, i) => html`<div class="access-row">
<div class="field"><label for="t-group-${i}">Group${i === 0 ? "" : " (optional)"}</label><input type="text" id="t-group-${i}" name="accessGroup"${i === 0 ? " required" : ""} placeholder="acme"></div>
<div class="field"><label for="t-role-${i}">Role</label><select id="t-role-${i}" name="accessRole">${roleOptions()}</select></div>
</div>`,
  );
  return html`<form id="token-create" class="card" method="post" action="${site.base}/maintain/tokens">
<h2>Create a personal access token</h2>
<p class="hint">Needs a sign-in with a registry token (a personal token cannot make another). It never holds more than your role in each group when it is used.</p>
<div class="field"><label for="t-name">Name</label><input type="text" id="t-name" name="name" required maxlength="100" placeholder="laptop"></div>
${rows}
${expiryField("t-expires")}
<button type="submit">Create token</button>
</form>`;
}

/** The token list of `path` (personal, or a group's service tokens) with its pager, or its refusal. */
async function tokenList(
  site: SiteContext,
  apiQuery: Record<string, string | undefined>,
  cursorKey: string,
  pagePath: string,
  revokeAction: string,
  what: string,
): Promise<Read<SafeHtml> | Response> {
  const cursor = site.url.searchParams.get(cursorKey) || undefined;
  const query = queryOf({ ...apiQuery, limit: String(PAGE_ROWS), cursor });
  const read = await readApi<TokenPage>(site, `/x/tokens${query}`, what);
  if (read instanceof Response || !read.ok) return read;
  const rows = read.body.tokens.map((t, i) => tokenRow(t, revokeAction, i));
  const pager = cursorPager(pagePath, {}, cursorKey, cursor, read.body.metadata.nextCursor);
  return { ok: true, body: html`${tableOr(rows, HEAD, "No tokens yet.", "tokens")}${pager}` };
}

async function renderTokens(site: SiteContext, notice?: Notice, status = 200): Promise<Response> {
  const path = `${site.base}/maintain/tokens`;
  const list = await tokenList(site, {}, "cursor", path, `${path}/revoke`, "your tokens");
  if (list instanceof Response) return list;
  const body = html`<p>Personal access tokens (<code>mcpr_pat_…</code>) of your sign-in: use one as <code>Authorization: Bearer</code> for reading private groups, for publishing with your group role, or to sign in here. Signed in with a personal token, you see and revoke only that one.</p>
${list.ok ? list.body : ""}
${personalForm(site)}`;
  return sectionResponse(site, { title: "Tokens", body, ...sectionOutcome(list, site.url, DONE, notice, status) });
}

/** The body of POST /x/tokens for a personal token, from the form. */
function personalBody(form: URLSearchParams) {
  const groups = form.getAll("accessGroup").map((g) => g.trim());
  const roles = form.getAll("accessRole").map((r) => r.trim());
  const access = groups.flatMap((group, i) => (group === "" ? [] : [{ group, role: roles[i] ?? "viewer" }]));
  const expiresAt = expiryOf(form);
  return { name: textField(form, "name"), kind: "personal", access, ...(expiresAt ? { expiresAt } : {}) };
}

/** The page showing a new token's secret, once: the answer to the creating form post. */
export function createdTokenResponse(site: SiteContext, answer: ApiAnswer, back: { href: string; label: string }) {
  const created = answer.json<Token & { token: string }>();
  if (created === undefined) return sectionResponse(site, { title: "Token created", body: html``, status: 201 });
  const body = html`<div class="notice ok" role="status"><p>Token <strong>${created.name}</strong> created. Copy it now: it is shown this once and never again (the registry keeps only its hash).</p></div>
<div class="new-secret">
<pre><code id="new-token">${created.token}</code></pre>
<button type="button" data-copy="new-token" hidden>Copy</button>
</div>
<dl class="facts">
<dt>Id</dt><dd><code>${created.id}</code></dd>
<dt>Access</dt><dd>${accessText(created)}</dd>
<dt>Expires</dt><dd>${timeHtml(created.expiresAt)}</dd>
</dl>
<p>Use it as <code>Authorization: Bearer …</code>. <a href="${back.href}">Back to ${back.label}</a></p>`;
  return sectionResponse(site, { title: "Token created", body, status: 201, trail: [back] });
}

export const tokensPage = maintainPage((_request, site) => renderTokens(site));

export const createPersonalTokenAction = maintainAction(async (form, _request, site) => {
  const answer = await site.api("/x/tokens", { method: "POST", body: personalBody(form) });
  return afterAction(
    site,
    answer,
    () => createdTokenResponse(site, answer, { href: `${site.base}/maintain/tokens`, label: "Tokens" }),
    (notice, status) => renderTokens(site, notice, status),
  );
});

export const revokePersonalTokenAction = maintainAction(async (form, _request, site) => {
  const answer = await revokeToken(site, textField(form, "id"));
  return afterAction(
    site,
    answer,
    () => doneRedirect(`${site.base}/maintain/tokens`, "revoked"),
    (notice, status) => renderTokens(site, notice, status),
  );
});

/** DELETE /x/tokens/{id}. */
export function revokeToken(site: SiteContext, id: string): Promise<ApiAnswer> {
  return site.api(`/x/tokens/${pathSegment(id, "token id")}`, { method: "DELETE" });
}

/** The body of POST /x/tokens for a service token of `group`, from the form. */
export function serviceBody(form: URLSearchParams, group: string) {
  const expiresAt = expiryOf(form);
  return {
    name: textField(form, "name"),
    kind: "service",
    group,
    access: [{ group, role: textField(form, "role") }],
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** A group's service tokens (for its managers) and the form making one, or the list's refusal. */
export async function serviceTokenSection(site: SiteContext, group: GroupInfo): Promise<Read<SafeHtml> | Response> {
  const groupPath = `${site.base}/maintain/groups/${group.name}`;
  const list = await tokenList(
    site,
    { group: group.name },
    "tokens",
    groupPath,
    `${groupPath}/tokens/revoke`,
    "the group's service tokens",
  );
  if (list instanceof Response || !list.ok) return list;
  return {
    ok: true,
    body: html`${list.body}
<form id="service-token-create" class="card" method="post" action="${groupPath}/tokens">
<h3>Create a service token</h3>
<p class="hint">For automation (CI publishing, a reader of the group). Managers give at most publisher; administrators also manager.</p>
<div class="field"><label for="s-name">Name</label><input type="text" id="s-name" name="name" required maxlength="100" placeholder="ci"></div>
<div class="field"><label for="s-role">Role</label><select id="s-role" name="role">${roleOptions()}</select></div>
${expiryField("s-expires")}
<button type="submit">Create service token</button>
</form>`,
  };
}
