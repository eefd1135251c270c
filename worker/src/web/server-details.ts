// The server page's technical sections: each package (what it is, its runtime and package
// arguments, its environment variables) and each remote (URL, headers, URL variables), with every
// input's description, whether it is required or secret, and its default or fixed value.
// Everything here is publisher text: only `html` interpolation, and links through safeHref.
import type { InstallTarget } from "../domain/install-config.ts";
import type {
  Argument,
  Input,
  KeyValueInput,
  ServerJson,
  ServerPackage,
  Transport,
} from "../domain/server-json/framework-schema.ts";
import { html, type SafeHtml, safeHref } from "./html.ts";

const REGISTRY_LABELS: Record<string, string> = {
  npm: "npm",
  pypi: "PyPI",
  oci: "OCI image",
  nuget: "NuGet",
  mcpb: "MCP bundle",
  cargo: "Cargo",
};

const TRANSPORT_LABELS: Record<string, string> = {
  stdio: "stdio",
  "streamable-http": "Streamable HTTP",
  sse: "SSE",
};

export function registryLabel(type: string): string {
  return REGISTRY_LABELS[type] ?? type;
}

export function transportLabel(type: string): string {
  return TRANSPORT_LABELS[type] ?? type;
}

/** The package's page on its public registry, when it is there (no custom registryBaseUrl). */
function packageHref(pkg: ServerPackage): string | undefined {
  const id = pkg.identifier;
  const path = id.split("/").map(encodeURIComponent).join("/");
  switch (pkg.registryType) {
    case "npm":
      return pkg.registryBaseUrl === undefined || pkg.registryBaseUrl === "https://registry.npmjs.org"
        ? `https://www.npmjs.com/package/${path}`
        : undefined;
    case "pypi":
      return pkg.registryBaseUrl === undefined || pkg.registryBaseUrl === "https://pypi.org"
        ? `https://pypi.org/project/${encodeURIComponent(id)}/`
        : undefined;
    case "nuget":
      return pkg.registryBaseUrl === undefined || pkg.registryBaseUrl === "https://api.nuget.org/v3/index.json"
        ? `https://www.nuget.org/packages/${encodeURIComponent(id)}`
        : undefined;
    case "mcpb":
      return safeHref(id);
    default:
      return undefined;
  }
}

/** A publisher's URL: a link when it is http(s), plain text otherwise. */
export function publisherLink(url: string | undefined, text: string = url ?? ""): SafeHtml {
  const href = safeHref(url);
  return href === undefined || !/^https?:/.test(href)
    ? html`<code>${text}</code>`
    : html`<a href="${href}" rel="nofollow noopener noreferrer ugc">${text}</a>`;
}

function flags(input: Input): SafeHtml {
  const marks: SafeHtml[] = [];
  if (input.isRequired === true) marks.push(html`<span class="badge required">required</span>`);
  if (input.isSecret === true) marks.push(html`<span class="badge secret">secret</span>`);
  return html`${marks}`;
}

/** Fixed value, default, choices, format and placeholder of an input, as short lines. */
function valueFacts(input: Input & { variables?: Record<string, Input> }): SafeHtml {
  const facts: SafeHtml[] = [];
  if (input.value !== undefined) facts.push(html`<div>value <code>${input.value}</code></div>`);
  if (input.default !== undefined) facts.push(html`<div>default <code>${input.default}</code></div>`);
  if (input.choices !== undefined && input.choices.length > 0) {
    facts.push(html`<div>one of ${input.choices.map((c, i) => html`${i > 0 ? ", " : ""}<code>${c}</code>`)}</div>`);
  }
  if (input.format !== undefined && input.format !== "string") facts.push(html`<div>${input.format}</div>`);
  if (input.placeholder !== undefined)
    facts.push(html`<div class="muted">e.g. <code>${input.placeholder}</code></div>`);
  const variables = Object.entries(input.variables ?? {});
  if (variables.length > 0) {
    facts.push(
      html`<div>variables: ${variables.map(
        ([name, v], i) =>
          html`${i > 0 ? "; " : ""}<code>{${name}}</code>${v.description ? html` ${v.description}` : ""}${v.isRequired ? " (required)" : ""}${v.default !== undefined ? html` (default <code>${v.default}</code>)` : ""}`,
      )}</div>`,
    );
  }
  return html`${facts}`;
}

function keyValueTable(caption: string, rows: readonly KeyValueInput[], what: string): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Inputs"><table class="inputs">
<caption>${caption}</caption>
<thead><tr><th scope="col">${what}</th><th scope="col">Description</th><th scope="col">Value</th></tr></thead>
<tbody>${rows.map(
    (row) =>
      html`<tr><th scope="row"><code>${row.name}</code> ${flags(row)}</th><td>${row.description ?? ""}</td><td>${valueFacts(row)}</td></tr>`,
  )}</tbody>
</table></div>`;
}

function argumentTable(caption: string, args: readonly Argument[]): SafeHtml {
  if (args.length === 0) return html``;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Inputs"><table class="inputs">
<caption>${caption}</caption>
<thead><tr><th scope="col">Argument</th><th scope="col">Description</th><th scope="col">Value</th></tr></thead>
<tbody>${args.map((arg) => {
    const label =
      arg.type === "named"
        ? html`<code>${arg.name ?? ""}</code>`
        : html`<span class="muted">positional</span>${arg.valueHint === undefined ? "" : html` <code>${arg.valueHint}</code>`}`;
    return html`<tr><th scope="row">${label} ${flags(arg)}${arg.isRepeated === true ? html` <span class="badge">repeatable</span>` : ""}</th><td>${arg.description ?? ""}</td><td>${valueFacts(arg)}</td></tr>`;
  })}</tbody>
</table></div>`;
}

function transportFacts(transport: Transport): SafeHtml {
  return html`<div><dt>Transport</dt><dd>${transportLabel(transport.type)}${transport.url === undefined ? "" : html` at <code>${transport.url}</code>`}</dd></div>`;
}

/** How many inputs a collapsed card has, e.g. "3 package arguments, 52 environment variables". */
function inputCounts(counts: readonly [number, string][]): string {
  return counts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}${n === 1 ? "" : "s"}`)
    .join(", ");
}

function packageCard(pkg: ServerPackage, index: number, expanded: boolean, href: string): SafeHtml {
  const link = packageHref(pkg);
  const identifier =
    link === undefined
      ? html`<code>${pkg.identifier}</code>`
      : html`<a href="${link}" rel="nofollow noopener noreferrer ugc"><code>${pkg.identifier}</code></a>`;
  const heading = html`<h3>${registryLabel(pkg.registryType)} ${identifier}${pkg.version === undefined ? "" : html` <span class="muted">${pkg.version}</span>`}</h3>`;
  const facts = html`<dl class="facts">
${transportFacts(pkg.transport)}
${pkg.runtimeHint === undefined ? "" : html`<div><dt>Runtime</dt><dd><code>${pkg.runtimeHint}</code></dd></div>`}
${pkg.registryBaseUrl === undefined ? "" : html`<div><dt>Registry</dt><dd><code>${pkg.registryBaseUrl}</code></dd></div>`}
${pkg.fileSha256 === undefined ? "" : html`<div><dt>SHA-256</dt><dd><code>${pkg.fileSha256}</code></dd></div>`}
</dl>`;
  if (!expanded) {
    const counts = inputCounts([
      [pkg.runtimeArguments?.length ?? 0, "runtime argument"],
      [pkg.packageArguments?.length ?? 0, "package argument"],
      [pkg.environmentVariables?.length ?? 0, "environment variable"],
      [pkg.transport.headers?.length ?? 0, "header"],
    ]);
    return html`<article class="card detail-card" id="package-${index}">${heading}${facts}
<p>${counts === "" ? "" : html`${counts}: `}<a href="${href}">its details and install snippets</a></p></article>`;
  }
  return html`<article class="card detail-card" id="package-${index}">${heading}${facts}
${argumentTable("Runtime arguments", pkg.runtimeArguments ?? [])}
${argumentTable("Package arguments", pkg.packageArguments ?? [])}
${keyValueTable("Environment variables", pkg.environmentVariables ?? [], "Variable")}
${keyValueTable("Headers", pkg.transport.headers ?? [], "Header")}
</article>`;
}

function variablesTable(variables: Record<string, Input>): SafeHtml {
  const rows = Object.entries(variables).map(([name, input]) => ({ ...input, name: `{${name}}` }));
  return keyValueTable("URL variables", rows, "Variable");
}

function remoteCard(remote: Transport, index: number, expanded: boolean, href: string): SafeHtml {
  const heading = html`<h3>${transportLabel(remote.type)} <code>${remote.url ?? ""}</code></h3>`;
  if (!expanded) {
    const counts = inputCounts([
      [remote.headers?.length ?? 0, "header"],
      [Object.keys(remote.variables ?? {}).length, "URL variable"],
    ]);
    return html`<article class="card detail-card" id="remote-${index}">${heading}
<p>${counts === "" ? "" : html`${counts}: `}<a href="${href}">its details and install snippets</a></p></article>`;
  }
  return html`<article class="card detail-card" id="remote-${index}">${heading}
${keyValueTable("Headers", remote.headers ?? [], "Header")}
${variablesTable(remote.variables ?? {})}
</article>`;
}

/**
 * The "Packages" and "Remotes" sections (nothing for a server with neither). The way to run it
 * that the snippets are for (`chosen`) shows every input; the others are one line each with a
 * link (`hrefOf` its target key), so a server with many packages keeps a small page.
 */
export function detailSections(
  server: ServerJson,
  chosen: InstallTarget | undefined,
  hrefOf: (key: string) => string,
): SafeHtml {
  const packages = server.packages ?? [];
  const remotes = server.remotes ?? [];
  const isChosen = (kind: InstallTarget["kind"], index: number) => chosen?.kind === kind && chosen.index === index;
  return html`${
    packages.length === 0
      ? ""
      : html`<section aria-labelledby="packages-heading"><h2 id="packages-heading">Packages</h2>${packages.map(
          (pkg, i) => packageCard(pkg, i, isChosen("package", i), hrefOf(`package-${i}`)),
        )}</section>`
  }${
    remotes.length === 0
      ? ""
      : html`<section aria-labelledby="remotes-heading"><h2 id="remotes-heading">Remotes</h2>${remotes.map(
          (remote, i) => remoteCard(remote, i, isChosen("remote", i), hrefOf(`remote-${i}`)),
        )}</section>`
  }`;
}
