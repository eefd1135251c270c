// The home/search page's markup: the search form with its facets, the result cards and the paging
// links, from one /x/search answer. Plain templates (every value escaped by `html`); search.js
// renders the same structure from the same JSON when it updates the page in place.
import { MODERATION_META_KEY, OFFICIAL_META_KEY } from "../domain/server-response.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  cursorAt,
  cursorOffset,
  HOSTING_OPTIONS,
  PAGE_SIZE,
  REGISTRY_TYPE_OPTIONS,
  type SearchPageQuery,
  searchQueryString,
  serverPagePath,
  STATUS_OPTIONS,
  TRANSPORT_OPTIONS,
} from "./search-query.ts";

/** The parts of a /x/search answer the page reads. */
export interface SearchAnswer {
  results: SearchResult[];
  facets: { registryType?: Counts; transport?: Counts; hosting?: Counts };
  metadata: { count: number; total: number; nextCursor?: string };
}
type Counts = Record<string, number>;

interface SearchResult {
  server: {
    name: string;
    title?: string;
    description?: string;
    version?: string;
    remotes?: unknown[];
    packages?: { registryType?: string }[];
  };
  _meta?: Record<string, { status?: string; underReview?: boolean } | undefined>;
}

/** One validation message of a 422, as the page shows it. */
export interface SearchProblem {
  field: string;
  message: string;
  value: string;
}

const LABELS: Record<string, string> = {
  npm: "npm",
  pypi: "PyPI",
  oci: "OCI",
  nuget: "NuGet",
  mcpb: "MCPB",
  stdio: "stdio",
  "streamable-http": "Streamable HTTP",
  sse: "SSE",
  remote: "Remote",
  package: "Package",
  any: "Any",
  active: "Active",
  deprecated: "Deprecated",
};

function countLabel(counts: Counts | undefined, value: string): SafeHtml {
  // Counts are absent on an error page: nothing to count.
  if (counts === undefined) return html`<span class="count" data-count-for="${value}"></span>`;
  return html`<span class="count" data-count-for="${value}">${counts[value] ?? 0}</span>`;
}

function checkboxes(
  name: string,
  legend: string,
  options: readonly string[],
  chosen: readonly string[],
  counts: Counts | undefined,
): SafeHtml {
  const boxes = options.map(
    (value) =>
      html`<label><input type="checkbox" name="${name}" value="${value}"${chosen.includes(value) ? html` checked` : ""}> ${LABELS[value]} ${countLabel(counts, value)}</label>`,
  );
  return html`<fieldset name="${name}" class="facet"><legend>${legend}</legend>${boxes}</fieldset>`;
}

function hostingRadios(chosen: string, counts: Counts | undefined): SafeHtml {
  const current = chosen === "" ? "any" : chosen;
  const radios = ["any", ...HOSTING_OPTIONS].map(
    (value) =>
      html`<label><input type="radio" name="hosting" value="${value}"${current === value ? html` checked` : ""}> ${LABELS[value]}${value === "any" ? "" : html` ${countLabel(counts, value)}`}</label>`,
  );
  return html`<fieldset name="hosting" class="facet"><legend>Hosting</legend>${radios}</fieldset>`;
}

/** The search form: works without script (GET {base}/); search.js submits it as you type. */
export function searchForm(
  base: string,
  query: SearchPageQuery,
  facets: SearchAnswer["facets"] | undefined,
  source: "api" | "page",
): SafeHtml {
  // Both statuses are the default, shown checked.
  const status = query.status.length === 0 ? STATUS_OPTIONS : query.status;
  return html`<form role="search" action="${base}/" method="get" id="search-form" class="search-form" data-base="${base}" data-source="${source}">
<div class="search-box">
<label for="q">Search servers</label>
<div class="search-row"><input type="search" id="q" name="q" value="${query.q}" autocomplete="off" spellcheck="false" aria-describedby="q-hint" aria-controls="results">
<button type="submit">Search</button></div>
<p class="hint" id="q-hint">Words, name fragments or package names; typos are forgiven.</p>
</div>
${query.namespace === "" ? "" : html`<input type="hidden" name="namespace" value="${query.namespace}">`}
<div class="facets">
${checkboxes("registryType", "Package type", REGISTRY_TYPE_OPTIONS, query.registryType, facets?.registryType)}
${checkboxes("transport", "Transport", TRANSPORT_OPTIONS, query.transport, facets?.transport)}
${hostingRadios(query.hosting, facets?.hosting)}
${checkboxes("status", "Status", STATUS_OPTIONS, status, undefined)}
</div>
</form>`;
}

function resultCard(base: string, result: SearchResult): SafeHtml {
  const { server } = result;
  const official = result._meta?.[OFFICIAL_META_KEY];
  const review = result._meta?.[MODERATION_META_KEY];
  const registryTypes = [
    ...new Set((server.packages ?? []).map((p) => p.registryType).filter((t) => typeof t === "string")),
  ];
  const badges: SafeHtml[] = [];
  if ((server.remotes?.length ?? 0) > 0) badges.push(html`<span class="badge remote">remote</span>`);
  if (registryTypes.length > 0)
    badges.push(html`<span class="badge package">package: ${registryTypes.join(", ")}</span>`);
  if (official?.status === "deprecated") badges.push(html`<span class="badge deprecated">deprecated</span>`);
  if (review?.underReview === true) badges.push(html`<span class="badge review">under review</span>`);
  const title = server.title?.trim() ? server.title : server.name;
  return html`<li class="card">
<h2><a href="${serverPagePath(base, server.name)}">${title}</a></h2>
<p class="card-name"><code>${server.name}</code>${server.version ? html` <span class="muted">v${server.version}</span>` : ""}</p>
${server.description ? html`<p class="card-description">${server.description}</p>` : ""}
${badges.length > 0 ? html`<p class="badges">${badges}</p>` : ""}
</li>`;
}

/** "42 servers" (and the page's range when there is more than one page). */
export function resultCountText(total: number, offset: number, count: number): string {
  const noun = total === 1 ? "server" : "servers";
  if (total === 0) return "No servers match";
  if (offset === 0 && count >= total) return `${total} ${noun}`;
  return `${total} ${noun} (${offset + 1}–${offset + count} shown)`;
}

/** The page's URL for a normalized query string. */
export function pageHref(base: string, queryString: string): string {
  return queryString === "" ? `${base}/` : `${base}/?${queryString}`;
}

function pagingLinks(base: string, query: SearchPageQuery, answer: SearchAnswer): SafeHtml {
  const offset = cursorOffset(query.cursor);
  const links: SafeHtml[] = [];
  if (query.cursor !== "") {
    const first = searchQueryString(query, { cursor: "" });
    if (offset === undefined || offset <= PAGE_SIZE) {
      links.push(html`<a rel="prev" href="${pageHref(base, first)}">Previous page</a>`);
    } else {
      links.push(html`<a href="${pageHref(base, first)}">First page</a>`);
      const prev = searchQueryString(query, { cursor: cursorAt(offset - PAGE_SIZE) });
      links.push(html`<a rel="prev" href="${pageHref(base, prev)}">Previous page</a>`);
    }
  }
  if (answer.metadata.nextCursor) {
    const next = searchQueryString(query, { cursor: answer.metadata.nextCursor });
    links.push(html`<a rel="next" href="${pageHref(base, next)}">Next page</a>`);
  }
  return html`<nav class="paging" aria-label="Pages"${links.length === 0 ? html` hidden` : ""}>${links}</nav>`;
}

/** The results region: count, cards, paging (or the validation messages of a 422). */
export function searchResults(
  base: string,
  query: SearchPageQuery,
  answer: SearchAnswer | undefined,
  problems: readonly SearchProblem[],
): SafeHtml {
  const notice =
    problems.length === 0
      ? html`<div id="search-notice" class="notice error" role="alert" hidden></div>`
      : html`<div id="search-notice" class="notice error" role="alert"><p>These choices are not valid:</p><ul>${problems.map(
          (p) =>
            html`<li><strong>${p.field}</strong>: ${p.message}${p.value === "" ? "" : html` (got <code>${p.value}</code>)`}</li>`,
        )}</ul></div>`;
  const offset = cursorOffset(query.cursor) ?? 0;
  const count =
    answer === undefined ? "No results" : resultCountText(answer.metadata.total, offset, answer.results.length);
  const namespace =
    query.namespace === ""
      ? ""
      : html`<p class="scope">In namespace <code>${query.namespace}</code> · <a href="${pageHref(base, searchQueryString({ ...query, namespace: "", cursor: "" }))}">all namespaces</a></p>`;
  const empty =
    answer !== undefined && answer.results.length === 0
      ? html`<p class="empty muted" id="results-empty">Nothing matches: try fewer words or fewer filters.</p>`
      : "";
  return html`<section id="search-results" class="search-results" aria-label="Results">
${notice}
${namespace}
<p id="result-count" role="status">${count}</p>
<ol id="results" class="results" start="${offset + 1}">${(answer?.results ?? []).map((r) => resultCard(base, r))}</ol>
${empty}
${answer === undefined ? html`<nav class="paging" aria-label="Pages" hidden></nav>` : pagingLinks(base, query, answer)}
</section>`;
}

/** The page's main element. */
export function searchMain(
  base: string,
  group: string | undefined,
  query: SearchPageQuery,
  answer: SearchAnswer | undefined,
  problems: readonly SearchProblem[],
  source: "api" | "page",
): SafeHtml {
  const heading = group === undefined ? "MCP servers" : html`MCP servers in <span class="group-name">${group}</span>`;
  return html`<h1>${heading}</h1>
<div class="search-page">
${searchForm(base, query, answer?.facets, source)}
${searchResults(base, query, answer, problems)}
</div>`;
}
