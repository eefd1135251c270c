// The server page's markup: heading, badges and links, the install snippets, packages and
// remotes, the versions table and the report form, for one viewed version. The versions table is
// capped (a server may have thousands of versions): the newest rows, and a link to the API for
// the rest, so the page stays small.
import { type InstallTarget, installTargets } from "../domain/install-config.ts";
import type { ServerJson } from "../domain/server-json/framework-schema.ts";
import { MODERATION_META_KEY, OFFICIAL_META_KEY } from "../domain/server-response.ts";
import { html, type SafeHtml } from "./html.ts";
import { detailSections, publisherLink } from "./server-details.ts";
import { installSection } from "./server-install.ts";
import { type ReportProblem, type ReportValues, reportSection } from "./server-report.ts";

/** Rows of the versions table at most; the rest are counted and left to the API. */
export const MAX_VERSION_ROWS = 50;

/** One item of the API's version answers. */
export interface ServerItem {
  server: ServerJson;
  _meta?: Record<string, unknown>;
}

interface OfficialMeta {
  status?: string;
  statusMessage?: string;
  publishedAt?: string;
  updatedAt?: string;
  isLatest?: boolean;
}

export function officialOf(item: ServerItem): OfficialMeta {
  return (item._meta?.[OFFICIAL_META_KEY] as OfficialMeta | undefined) ?? {};
}

function underReview(item: ServerItem): boolean {
  return (item._meta?.[MODERATION_META_KEY] as { underReview?: boolean } | undefined)?.underReview === true;
}

/** The page path of a server (`{base}/server/{namespace}/{rest}`). */
export function serverPath(base: string, name: string): string {
  return `${base}/server/${name.split("/").map(encodeURIComponent).join("/")}`;
}

/** The page's URL with a query (version, target), "" values left out. */
export function serverHref(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(key, value);
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

function timeOf(stamp: string | undefined): SafeHtml {
  if (stamp === undefined) return html``;
  return html`<time datetime="${stamp}" title="${stamp}">${stamp.slice(0, 10)}</time>`;
}

function statusBadge(status: string | undefined): SafeHtml {
  if (status === "deprecated") return html`<span class="badge deprecated">deprecated</span>`;
  if (status === "deleted") return html`<span class="badge deleted">deleted</span>`;
  return html`<span class="badge">${status ?? "active"}</span>`;
}

function badges(item: ServerItem): SafeHtml {
  const { server } = item;
  const official = officialOf(item);
  const list: SafeHtml[] = [];
  if ((server.remotes?.length ?? 0) > 0) list.push(html`<span class="badge remote">remote</span>`);
  const types = [...new Set((server.packages ?? []).map((p) => p.registryType))];
  if (types.length > 0) list.push(html`<span class="badge package">package: ${types.join(", ")}</span>`);
  if (official.status === "deprecated" || official.status === "deleted") list.push(statusBadge(official.status));
  if (underReview(item)) list.push(html`<span class="badge review">under review</span>`);
  if (official.isLatest === true) list.push(html`<span class="badge latest">latest</span>`);
  return html`<p class="badges">${list}</p>`;
}

function links(server: ServerJson): SafeHtml {
  const items: SafeHtml[] = [];
  const repository = server.repository;
  if (repository?.url !== undefined && repository.url !== "") {
    const folder = repository.subfolder
      ? html` <span class="muted">(folder <code>${repository.subfolder}</code>)</span>`
      : "";
    items.push(html`<div><dt>Repository</dt><dd>${publisherLink(repository.url)}${folder}</dd></div>`);
  }
  if (server.websiteUrl !== undefined) {
    items.push(html`<div><dt>Website</dt><dd>${publisherLink(server.websiteUrl)}</dd></div>`);
  }
  return items.length === 0 ? html`` : html`<dl class="facts server-links">${items}</dl>`;
}

function statusNotice(item: ServerItem): SafeHtml {
  const { status, statusMessage } = officialOf(item);
  if (status !== "deprecated" && status !== "deleted") return html``;
  const what = status === "deleted" ? "This version was deleted" : "This version is deprecated";
  return html`<div class="notice error" role="note"><p><strong>${what}.</strong>${statusMessage ? html` ${statusMessage}` : ""}</p></div>`;
}

function versionNotice(item: ServerItem, latest: ServerItem | undefined, path: string): SafeHtml {
  if (officialOf(item).isLatest === true) return html``;
  const latestVersion = latest?.server.version;
  return html`<p class="notice" role="note">You are viewing version <strong>${item.server.version}</strong>.${
    latestVersion === undefined ? "" : html` The latest is <a href="${path}">${latestVersion}</a>.`
  }</p>`;
}

function versionsSection(versions: readonly ServerItem[], viewed: string, path: string, apiPath: string): SafeHtml {
  const shown = versions.slice(0, MAX_VERSION_ROWS);
  const rows = shown.map((item) => {
    const official = officialOf(item);
    const version = item.server.version;
    const current = version === viewed;
    return html`<tr${current ? html` class="current"` : ""}><th scope="row"><a href="${serverHref(path, { version })}"${current ? html` aria-current="page"` : ""}>${version}</a>${official.isLatest === true ? html` <span class="badge latest">latest</span>` : ""}</th><td>${statusBadge(official.status)}</td><td>${timeOf(official.publishedAt)}</td><td>${timeOf(official.updatedAt)}</td></tr>`;
  });
  const more = versions.length - shown.length;
  return html`<section aria-labelledby="versions-heading"><h2 id="versions-heading">Versions</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Versions"><table id="versions">
<caption class="visually-hidden">Versions, newest first</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Published</th><th scope="col">Updated</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${more > 0 ? html`<p class="muted">${more} more ${more === 1 ? "version" : "versions"} not shown (newest ${shown.length} of ${versions.length}): <a href="${apiPath}">all versions as JSON</a>.</p>` : ""}
</section>`;
}

export interface ServerPageModel {
  base: string;
  /** The version shown (latest, or `?version=`). */
  item: ServerItem;
  /** Every version the API lists, newest first. */
  versions: readonly ServerItem[];
  target: InstallTarget | undefined;
  /** `?reported=1`: the report was received. */
  reported: boolean;
  report: { values: ReportValues; problem: ReportProblem | undefined };
  /** Reports go to the public registry: a group's private server cannot be reported. */
  reportable: boolean;
}

/** The page's main element. */
export function serverMain(model: ServerPageModel): SafeHtml {
  const { base, item } = model;
  const { server } = item;
  const path = serverPath(base, server.name);
  const viewedVersion = officialOf(item).isLatest === true ? undefined : server.version;
  const latest = model.versions.find((v) => officialOf(v).isLatest === true);
  const apiPath = `${base}/v0.1/servers/${encodeURIComponent(server.name)}/versions`;
  const title = server.title?.trim() ? server.title : server.name;
  const target = model.target ?? installTargets(server)[0];
  const targetHref = (key: string) => serverHref(path, { version: viewedVersion, target: key });
  return html`<article class="server-page">
<header class="server-head">
<h1>${title}</h1>
<p class="server-name"><code>${server.name}</code> <span class="muted">version ${server.version}</span></p>
${badges(item)}
<p class="server-description">${server.description}</p>
${links(server)}
${statusNotice(item)}
${versionNotice(item, latest, path)}
</header>
${installSection(server, target, targetHref)}
${detailSections(server, target, targetHref)}
${versionsSection(model.versions, server.version, path, apiPath)}
${reportSection(`${path}/report`, model.report.values, model.report.problem, model.reported, model.reportable)}
</article>`;
}
