// `GET {base}/maintain` (the sign-in page, or the signed-in dashboard), `POST {base}/sign-in`
// and `POST {base}/sign-out`. A pasted token becomes the session only after the API accepted it.
import { html, type SafeHtml } from "./html.ts";
import {
  doneNotice,
  maintainPage,
  readApi,
  sectionResponse,
  type GroupInfo,
  type Scope,
  type PageRequest,
} from "./maintain-kit.ts";
import { signInResponse } from "./maintain-sign-in.ts";
import { pageErrorOfAnswer } from "./page-api.ts";
import { seeOther } from "./page-response.ts";
import { assertSameOrigin, clearedSessionCookie, isTokenShaped, readForm, sessionCookie } from "./session.ts";
import type { SiteContext } from "./site-context.ts";

const DONE = {
  "signed-in": "You are signed in. Every page shows and does what the API allows your token.",
} as const;

/**
 * POST {base}/sign-in: the token is checked by the API (GET /x/tokens answers 200 for any token
 * it accepts, 401 for any other) before it is put in the session cookie.
 */
export async function signIn(request: PageRequest, site: SiteContext): Promise<Response> {
  assertSameOrigin(request);
  const form = await readForm(request);
  const token = (form.get("token") ?? "").trim();
  if (token === "") return signInResponse(site, { kind: "error", text: "Paste a token to sign in." }, 400);
  if (!isTokenShaped(token)) {
    return signInResponse(site, { kind: "error", text: "This is not a token this registry issues." }, 401);
  }
  const answer = await site.api("/x/tokens?limit=1", { token });
  if (answer.status === 200) {
    return seeOther(`${site.base}/maintain?done=signed-in`, {
      "set-cookie": sessionCookie(site.url, token),
      "cache-control": "no-store",
    });
  }
  if (answer.status === 401) {
    return signInResponse(
      site,
      { kind: "error", text: "The registry did not accept this token: it is unknown, expired or revoked." },
      401,
    );
  }
  throw pageErrorOfAnswer(answer, "The registry could not check the token now: try again shortly.");
}

/**
 * GET {base}/sign-in or /sign-out (a bookmark, a reload after posting): both forms are on the
 * maintainers' page. A GET changes nothing, so it does not sign out.
 */
export function toMaintainPage(_request: PageRequest, site: SiteContext): Response {
  return seeOther(`${site.base}/maintain`);
}

/** POST {base}/sign-out: the session cookie is cleared. */
export async function signOut(request: PageRequest, site: SiteContext): Promise<Response> {
  assertSameOrigin(request);
  return seeOther(`${site.base}/maintain`, {
    "set-cookie": clearedSessionCookie(site.url),
    "cache-control": "no-store",
  });
}

interface SectionLink {
  path: string;
  title: string;
  what: string;
}

const ROOT_SECTIONS: readonly SectionLink[] = [
  {
    path: "reports",
    title: "Review queue",
    what: "Reports filed against servers, and their resolution (needs edit permission on the names).",
  },
  { path: "denylist", title: "Denylist", what: "Namespaces, servers, hosts and packages refused at publish." },
  { path: "audit", title: "Audit trail", what: "Every write and decision, filtered (global maintainers)." },
  { path: "groups", title: "Groups", what: "Sub-registries, their members, approvals and service tokens." },
  { path: "tokens", title: "Tokens", what: "Your personal access tokens: create, list, revoke." },
  { path: "sources", title: "Sources", what: "Upstream registries mirrored here (administrators)." },
  { path: "webhooks", title: "Webhooks", what: "Change-feed subscriptions and their deliveries (administrators)." },
];

function sectionCards(base: string, sections: readonly SectionLink[]): SafeHtml {
  const items = sections.map(
    (s) =>
      html`<li class="card"><h2><a href="${base}/maintain/${s.path}">${s.title}</a></h2><p class="muted">${s.what}</p></li>`,
  );
  return html`<ul class="maintain-sections">${items}</ul>`;
}

function groupsList(groups: readonly GroupInfo[]): SafeHtml {
  if (groups.length === 0) return html`<p class="muted">You hold no role in any group.</p>`;
  const items = groups
    .slice(0, 100)
    .map(
      (g) =>
        html`<li><a href="/groups/${g.name}/maintain">${g.name}</a>${g.title === null ? "" : html` — ${g.title}`} <span class="badge">${g.access}</span> <span class="badge">${g.visibility}</span></li>`,
    );
  return html`<ul class="maintain-groups">${items}</ul>${groups.length > 100 ? html`<p><a href="/maintain/groups">All ${groups.length} groups</a></p>` : ""}`;
}

async function rootDashboard(site: SiteContext): Promise<Response> {
  // Any token the API accepts may list its groups: a refused one means the session is over.
  const groups = await readApi<{ groups: GroupInfo[] }>(site, "/x/admin/groups", "your groups");
  if (groups instanceof Response) return groups;
  const body = html`<p>What each section shows and allows is decided by the API for your token:
a section it refuses says so.</p>
${sectionCards(site.base, ROOT_SECTIONS)}
<h2>Your groups</h2>
${groups.ok ? groupsList(groups.body.groups) : html`<p class="muted">${groups.notice.text}</p>`}`;
  return sectionResponse(site, { title: "Maintain", body, notice: doneNotice(site.url, DONE), trail: "home" });
}

function groupDashboard(site: SiteContext, group: GroupInfo): Response {
  const g = group.name;
  const manager = group.access === "manager" || group.access === "admin";
  const body = html`<dl class="facts">
<dt>Title</dt><dd>${group.title ?? html`<span class="muted">none</span>`}</dd>
<dt>Visibility</dt><dd>${group.visibility}</dd>
<dt>Your role</dt><dd>${group.access}</dd>
<dt>Claimed namespaces</dt><dd>${group.namespaces.length === 0 ? html`<span class="muted">none</span>` : group.namespaces.join(", ")}</dd>
<dt>Approval</dt><dd>${group.requireApproval ? "publishes wait for a manager" : "not required"}</dd>
</dl>
<h2>This group</h2>
<ul class="maintain-sections">
<li class="card"><h3><a href="${site.base}/maintain/groups/${g}">Members, approvals and service tokens</a></h3>
<p class="muted">${manager ? "Add and remove members, decide pending publishes, make and revoke the group's service tokens." : "Managers run these; your role lets you see the group only."}</p></li>
<li class="card"><h3><a href="/maintain/audit?namespace=${encodeURIComponent(`~group:${g}`)}">Audit trail of the group</a></h3>
<p class="muted">Changes to the group, its members and tokens (global maintainers).</p></li>
<li class="card"><h3><a href="${site.base}/maintain/sources">Sources into this group</a></h3><p class="muted">Upstreams mirrored into the group (administrators).</p></li>
<li class="card"><h3><a href="${site.base}/maintain/webhooks">Webhooks of this group</a></h3><p class="muted">Subscriptions to the group's change feed (administrators).</p></li>
</ul>
<h2>Registry-wide sections</h2>
${sectionCards("", ROOT_SECTIONS)}`;
  return sectionResponse(site, { title: `Maintain ${g}`, body, notice: doneNotice(site.url, DONE), trail: "home" });
}

/** GET {base}/maintain: the sign-in page, or the dashboard of the signed-in caller. */
export async function maintainHome(request: PageRequest, site: SiteContext): Promise<Response> {
  if (site.sessionToken === undefined) return signInResponse(site);
  return maintainPage(async (_request: PageRequest, pageSite: SiteContext, scope: Scope) =>
    scope.group === undefined ? rootDashboard(pageSite) : groupDashboard(pageSite, scope.group),
  )(request, site);
}
