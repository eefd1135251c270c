// The one document shell of every page: header and navigation, main landmark, footer. The
// stylesheet and scripts are files of ours (CSP allows nothing inline); themes follow the system.
import { html, type SafeHtml } from "./html.ts";
import type { SiteContext } from "./site-context.ts";

/** The navigation's sections; `active` marks the current one for screen readers and styles. */
export type Section = "search" | "guide" | "docs" | "maintain" | "none";

export interface PageSpec {
  /** The page's own title; the registry's name is appended. */
  title: string;
  main: SafeHtml;
  section?: Section;
  /** Scripts of ours under /static/ (module scripts, deferred by nature). */
  scripts?: readonly string[];
  /** A short description for the document's metadata. */
  description?: string;
}

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return current ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`;
}

/** A full HTML document for `site` (root or group) around `spec.main`. */
export function pageDocument(site: SiteContext, spec: PageSpec): SafeHtml {
  const { base, group } = site;
  const section = spec.section ?? "none";
  const home = `${base}/`;
  const scripts = ["site.js", ...(spec.scripts ?? [])].map(
    (name) => html`<script type="module" src="/static/${name}"></script>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="description" content="${spec.description ?? "A catalogue of Model Context Protocol servers"}">
<title>${spec.title} · ${group === undefined ? "MCP Registry" : `${group} · MCP Registry`}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
${scripts}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="${home}">MCP Registry${group === undefined ? "" : html` <span class="brand-group">/ ${group}</span>`}</a>
<nav aria-label="Main">
${navLink(home, "Servers", section === "search")}
${navLink(`${base}/guide`, "Publish", section === "guide")}
${navLink("/docs", "API", section === "docs")}
${navLink(`${base}/maintain`, site.sessionToken === undefined ? "Maintainers" : "Maintain (signed in)", section === "maintain")}
</nav>
</header>
<main id="main">
${spec.main}
</main>
<footer class="site-footer">
<p>An MCP server registry compatible with the official registry API.
<a href="/docs">API reference</a> · <a href="/openapi.json">OpenAPI</a> ·
<a href="${base}/guide#mcp">Use it as an MCP server</a> (<code>${site.url.origin}${base}/mcp</code>)</p>
</footer>
</body>
</html>`;
}
