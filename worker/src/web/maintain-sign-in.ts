// The maintainers' sign-in page: what a token is here, where to get one, and the form that hands
// it to `POST {base}/sign-in`. The token itself is never written into any page or URL.
import { html, type SafeHtml } from "./html.ts";
import { pageDocument } from "./layout.ts";
import { htmlResponse } from "./page-response.ts";
import type { SiteContext } from "./site-context.ts";

/** A result or refusal shown above a page's content. */
export interface Notice {
  kind: "ok" | "error";
  text: string | SafeHtml;
}

export function noticeHtml(notice: Notice | undefined): SafeHtml {
  if (notice === undefined) return html``;
  const role = notice.kind === "error" ? "alert" : "status";
  return html`<div class="notice ${notice.kind}" role="${role}"><p>${notice.text}</p></div>`;
}

/** The form `#sign-in` (page contract): a password field labelled "Token". */
export function signInForm(site: SiteContext): SafeHtml {
  return html`<form id="sign-in" class="sign-in card" method="post" action="${site.base}/sign-in">
<div class="field">
<label for="token">Token</label>
<input type="password" id="token" name="token" required autocomplete="off" spellcheck="false" aria-describedby="token-hint">
<span class="hint" id="token-hint">A registry token (valid 5 minutes) or a personal access token <code>mcpr_pat_…</code>.</span>
</div>
<button type="submit">Sign in</button>
</form>`;
}

function signInMain(site: SiteContext, notice: Notice | undefined): SafeHtml {
  const api = `${site.url.origin}${site.base}`;
  return html`<h1>Maintainers</h1>
${noticeHtml(notice)}
<p>Maintainers review reports, keep the denylist, read the audit trail, and run groups, their
members and tokens, upstream sources and webhooks. Sign in with a token: every page then shows
and does exactly what the API allows that token, nothing more.</p>
${signInForm(site)}
<section class="token-help" aria-labelledby="token-kinds">
<h2 id="token-kinds">Which token</h2>
<dl>
<dt>Registry token</dt>
<dd>A 5-minute token from a namespace proof (<code>POST ${api}/v0.1/auth/…</code>). Moderation
(review queue, denylist) needs one with <code>edit</code> permission; the audit trail, sources and
webhooks need an organisation administrator's (<code>edit</code> on <code>*</code>), issued by
<code>/v0.1/auth/oidc</code> from your identity provider. On a local registry,
<code>npm run -s admin-token</code> prints one. Sign in again when it expires.</dd>
<dt>Personal access token (<code>mcpr_pat_…</code>)</dt>
<dd>Made on the Tokens page (or <code>POST /x/tokens</code>) after signing in with a registry
token; lasts up to a year and carries your group roles (a manager runs members, approvals and
service tokens of their groups), never moderation rights.</dd>
<dt>Service token (<code>mcpr_vat_…</code>)</dt>
<dd>A group's token for automation; one with the <code>manager</code> role may sign in here to run
that group.</dd>
</dl>
<p class="hint">The token is kept in a session cookie that scripts cannot read and that other sites
cannot make your browser send (HttpOnly, SameSite=Strict); only these pages read it (the API takes
tokens from the Authorization header alone). It ends when the browser closes or when you sign out,
and never appears in a URL or a page.</p>
</section>`;
}

/** The sign-in page, at `status` (401 where a signed-in page was asked for). */
export function signInResponse(site: SiteContext, notice?: Notice, status = 200): Response {
  const main = signInMain(site, notice);
  return htmlResponse(pageDocument(site, { title: "Maintainers: sign in", main, section: "maintain" }), {
    status,
    caching: "private",
  });
}

/** The session's token was refused (expired, revoked): the sign-in page says so. */
export function sessionRefused(site: SiteContext): Response {
  return signInResponse(
    site,
    {
      kind: "error",
      text: "The registry no longer accepts the token you signed in with (registry tokens last 5 minutes; tokens can be revoked). Sign in again.",
    },
    401,
  );
}
