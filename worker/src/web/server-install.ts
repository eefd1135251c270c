// The server page's install section: one snippet per client (VS Code, Claude Desktop, Cursor, any
// client) for one way of running the server, the placeholders to replace, and links to the other
// ways (`?target=package-1`, `remote-0`), which need no script. site.js shows the copy buttons.
import {
  INSTALL_CLIENTS,
  type InstallConfig,
  type InstallInput,
  type InstallTarget,
  installConfig,
  installTargets,
  targetKey,
} from "../domain/install-config.ts";
import type { ServerJson } from "../domain/server-json/framework-schema.ts";
import { html, type SafeHtml } from "./html.ts";
import { registryLabel, transportLabel } from "./server-details.ts";

function targetLabel(server: ServerJson, target: InstallTarget): SafeHtml {
  if (target.kind === "package") {
    const pkg = server.packages![target.index]!;
    return html`${registryLabel(pkg.registryType)} <code>${pkg.identifier}</code>`;
  }
  const remote = server.remotes![target.index]!;
  return html`Remote (${transportLabel(remote.type)}) <code>${remote.url ?? ""}</code>`;
}

function targetPicker(
  server: ServerJson,
  targets: readonly InstallTarget[],
  chosen: InstallTarget,
  hrefOf: (key: string) => string,
): SafeHtml {
  if (targets.length < 2) return html``;
  const items = targets.map((target) => {
    const key = targetKey(target);
    const current = key === targetKey(chosen);
    return html`<li><a href="${hrefOf(key)}"${current ? html` aria-current="true"` : ""}>${targetLabel(server, target)}</a></li>`;
  });
  return html`<nav class="targets" aria-label="Ways to run this server"><p>This server can run in ${targets.length} ways; the snippets below are for the one marked:</p><ul>${items}</ul></nav>`;
}

const KIND_LABELS: Record<InstallInput["kind"], string> = {
  env: "environment variable",
  header: "header",
  argument: "argument",
  "url-variable": "URL variable",
};

function inputItem(input: InstallInput, placeholder: string): SafeHtml {
  return html`<li><code>${placeholder}</code>: ${KIND_LABELS[input.kind]} <code>${input.name}</code>${input.isRequired ? html` <span class="badge required">required</span>` : ""}${input.isSecret ? html` <span class="badge secret">secret</span>` : ""}${input.description ? html` · ${input.description}` : ""}</li>`;
}

function snippetBlock(config: InstallConfig): SafeHtml {
  const id = `snippet-${config.client}`;
  return html`<section class="snippet" aria-labelledby="${id}-heading">
<div class="snippet-head"><h3 id="${id}-heading">${config.clientLabel}</h3> <span class="hint">in <code>${config.file}</code></span>
<button type="button" class="secondary" data-copy="${id}" hidden>Copy</button></div>
<pre><code id="${id}">${config.snippet}</code></pre>
${config.notes.length === 0 ? "" : html`<ul class="snippet-notes hint">${config.notes.map((n) => html`<li>${n}</li>`)}</ul>`}
</section>`;
}

/**
 * The install section for `server`, for `target` (the first way to run it when undefined).
 * `hrefOf` makes the link to another target's snippets.
 */
export function installSection(
  server: ServerJson,
  target: InstallTarget | undefined,
  hrefOf: (key: string) => string,
): SafeHtml {
  const targets = installTargets(server);
  const chosen = target ?? targets[0];
  if (chosen === undefined) {
    return html`<section aria-labelledby="install-heading"><h2 id="install-heading">Install</h2>
<p class="muted">This version lists no package and no remote: its publisher gives no way to run it from here.</p></section>`;
  }
  const configs = INSTALL_CLIENTS.map((client) => installConfig(server, client, chosen)).filter(
    (c): c is InstallConfig => c !== undefined,
  );
  // The same inputs for every client: VS Code prompts for them, the others show <NAME>.
  const generic = configs.find((c) => c.client === "generic") ?? configs[0]!;
  const required = generic.inputs.map((input) => inputItem(input, input.placeholder));
  const optional = generic.optional;
  return html`<section aria-labelledby="install-heading"><h2 id="install-heading">Install</h2>
${targetPicker(server, targets, chosen, hrefOf)}
${
  required.length === 0
    ? ""
    : html`<div class="inputs-needed"><p>Replace these placeholders with your values (VS Code asks for them when the server starts):</p><ul>${required}</ul></div>`
}
<div class="snippets">${configs.map(snippetBlock)}</div>
${
  optional.length === 0
    ? ""
    : html`<p class="optional-settings hint">Not in the snippets, optional (described below): ${optional.map(
        (input, i) => html`${i > 0 ? ", " : ""}<code>${input.name}</code>`,
      )}.</p>`
}
</section>`;
}
