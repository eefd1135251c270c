// The publisher guide, `GET {base}/guide`: how to prove a namespace and publish with
// `mcp-publisher` (per method), server.json, versions and status; and (section #mcp) how to use
// this registry as an MCP server. The text is the same for every visitor of one (origin, base),
// so it is rendered once per isolate and kept; only the document shell around it is per request.
import { CURRENT_SCHEMA_URL } from "../domain/server-json/schema-version.ts";
import { ApiError } from "../errors.ts";
import { LruCache } from "../storage/lru.ts";
import { html, type SafeHtml } from "./html.ts";
import { pageDocument } from "./layout.ts";
import { pageErrorOfAnswer, readAsVisitor } from "./page-api.ts";
import { htmlResponse } from "./page-response.ts";
import type { SiteContext } from "./site-context.ts";
import type { SiteRoute } from "./site-route.ts";

/** Rendered guides kept per (origin, base, anonymous switch), least recently used out first. */
const MAX_CACHED_GUIDES = 64;
/** About 4 MiB of UTF-16 strings at most (a guide's text is ~13 K characters: ~26 KB). */
const MAX_CACHED_BYTES = 4 * 1024 * 1024;
const rendered = new LruCache<SafeHtml>(MAX_CACHED_GUIDES, MAX_CACHED_BYTES);

const OFFICIAL_RELEASES = "https://github.com/modelcontextprotocol/registry/releases";

/** The example the guide shows, valid as published here (a test posts it to /validate). */
function exampleServerJson(): string {
  return JSON.stringify(
    {
      $schema: CURRENT_SCHEMA_URL,
      name: "io.github.alice/weather",
      title: "Weather",
      description: "Forecasts and current conditions for any city",
      version: "1.0.0",
      repository: { url: "https://github.com/alice/weather-mcp", source: "github" },
      packages: [
        {
          registryType: "npm",
          identifier: "@alice/weather-mcp",
          version: "1.0.0",
          transport: { type: "stdio" },
          environmentVariables: [{ name: "WEATHER_API_KEY", description: "Your API key", isSecret: true }],
        },
      ],
      remotes: [{ type: "streamable-http", url: "https://weather.example.com/mcp" }],
    },
    null,
    2,
  );
}

/** A code block with a copy button (site.js shows the button). */
function snippet(id: string, text: string, label?: string): SafeHtml {
  return html`<div class="guide-snippet">
<pre><code id="${id}"${label === undefined ? "" : html` aria-label="${label}"`}>${text}</code></pre>
<button type="button" data-copy="${id}" hidden>Copy</button>
</div>`;
}

interface Method {
  id: string;
  title: string;
  proves: SafeHtml;
  steps: SafeHtml;
}

function methods(registry: string, anonymousHere: boolean): Method[] {
  return [
    {
      id: "github",
      title: "GitHub",
      proves: html`<code>io.github.&lt;your-login&gt;/*</code>, and <code>io.github.&lt;org&gt;/*</code> for each organisation you own (the GitHub token needs <code>read:org</code>)`,
      steps: html`<p>The CLI opens GitHub's device flow: visit the address it prints, enter the code, authorise.</p>
${snippet("login-github", `mcp-publisher login github --registry ${registry}`)}`,
    },
    {
      id: "github-oidc",
      title: "GitHub Actions (OIDC)",
      proves: html`<code>io.github.&lt;repository-owner&gt;/*</code>: the user or organisation owning the workflow's repository`,
      steps: html`<p>No secret to store: the job's own ID token is exchanged. The workflow needs <code>permissions: id-token: write</code>.</p>
${snippet(
  "login-github-oidc",
  `# .github/workflows/publish.yml (a job's steps)
permissions:
  id-token: write
  contents: read
steps:
  - uses: actions/checkout@v4
  - run: mcp-publisher login github-oidc --registry ${registry}
  - run: mcp-publisher publish`,
)}`,
    },
    {
      id: "dns",
      title: "DNS TXT record",
      proves: html`<code>com.example/*</code> and the sub-namespaces <code>com.example.*/*</code> for the domain <code>example.com</code> (reverse-DNS)`,
      steps: html`<p>Make a key pair, publish the public key in a TXT record at the domain's apex, and sign in with the private key (its 32-byte seed in hex; <code>ecdsap384</code> keys work too). The signed timestamp must be within 15 seconds of the registry's clock.</p>
${snippet(
  "login-dns",
  `openssl genpkey -algorithm Ed25519 -out key.pem
# TXT record at example.com:
echo "v=MCPv1; k=ed25519; p=$(openssl pkey -in key.pem -pubout -outform DER | tail -c 32 | base64)"
mcp-publisher login dns --domain example.com \\
  --private-key "$(openssl pkey -in key.pem -outform DER | tail -c 32 | xxd -p -c 32)" \\
  --registry ${registry}`,
)}`,
    },
    {
      id: "http",
      title: "HTTP well-known file",
      proves: html`<code>com.example/*</code> for exactly the domain <code>example.com</code> (no sub-namespaces)`,
      steps: html`<p>Serve the same <code>v=MCPv1; k=ed25519; p=…</code> line at <code>https://example.com/.well-known/mcp-registry-auth</code>: HTTPS, answered directly (redirects are not followed), at most 4 KiB, from a public address.</p>
${snippet(
  "login-http",
  `mcp-publisher login http --domain example.com \\
  --private-key "$(openssl pkey -in key.pem -outform DER | tail -c 32 | xxd -p -c 32)" \\
  --registry ${registry}`,
)}`,
    },
    {
      id: "anonymous",
      title: "Anonymous (local development)",
      proves: html`<code>io.modelcontextprotocol.anonymous/*</code> only`,
      steps: html`<p>${anonymousHere ? "Enabled on this registry" : "Not enabled on this registry"}: it exists only where <code>ENABLE_ANONYMOUS_AUTH=true</code>, as on a local <code>npm start</code>.</p>
${snippet("login-none", `mcp-publisher login none --registry ${registry}`)}`,
    },
  ];
}

function methodSection(method: Method): SafeHtml {
  return html`<section class="method card" id="method-${method.id}" aria-labelledby="method-${method.id}-title">
<h3 id="method-${method.id}-title">${method.title}</h3>
<p><strong>Proves:</strong> ${method.proves}.</p>
${method.steps}
</section>`;
}

function guideMain(site: SiteContext, anonymousHere: boolean): SafeHtml {
  const registry = `${site.url.origin}${site.base}`;
  const mcpUrl = `${registry}/mcp`;
  const inGroup = site.group !== undefined;
  const apiPrefix = `${registry}/v0.1`;
  const table = methods(registry, anonymousHere).map(
    (m) =>
      html`<tr><th scope="row"><a href="#method-${m.id}">${m.title}</a></th><td><code>mcp-publisher login ${m.id === "anonymous" ? "none" : m.id}</code></td><td>${m.proves}</td></tr>`,
  );
  return html`<h1>Publish a server</h1>
<p>This registry speaks the official MCP Registry API, so the official <code>mcp-publisher</code> CLI
(<a href="${OFFICIAL_RELEASES}">releases</a>) works against it unchanged: prove that you own a
namespace, then publish a <code>server.json</code> whose name is in it.</p>
<nav class="guide-toc" aria-label="On this page"><ol>
<li><a href="#registry">The registry URL</a></li>
<li><a href="#methods">Prove a namespace</a></li>
<li><a href="#server-json">Write server.json</a></li>
<li><a href="#publish">Publish</a></li>
<li><a href="#status">Versions and status</a></li>
<li><a href="#mcp">Use this registry as an MCP server</a></li>
</ol></nav>

<section id="registry" aria-labelledby="registry-title">
<h2 id="registry-title">The registry URL</h2>
<p>Pass it as <code>--registry</code> to every <code>mcp-publisher login</code>; <code>publish</code> and <code>status</code> then use it.</p>
${snippet("registry-url", registry)}
${
  inGroup
    ? html`<p>This is the URL of the group <strong>${site.group}</strong>. Here your role in the group counts, not a namespace proof: log in with any method proving an identity the group lists as a member with the <code>publisher</code> role or more (<code>github:&lt;login&gt;</code>, a domain, …), and name the server in a namespace the group claims. The group's admission policy, if it has one, is checked instead of package ownership. A group may require a manager's approval: the publish is then answered <code>202 Accepted</code> (which <code>mcp-publisher</code> reports as an unexpected status, though the version was submitted) and appears once approved. In CI, a service token of the group (<code>mcpr_vat_…</code>) with the publisher role publishes with curl: <code>curl -X POST ${apiPrefix}/publish -H "Authorization: Bearer $TOKEN" -d @server.json</code>.</p>`
    : html`<p>Groups (private sub-registries) have their own URL, <code>${site.url.origin}/groups/&lt;group&gt;</code>: use that one to publish into a group.</p>`
}
</section>

<section id="methods" aria-labelledby="methods-title">
<h2 id="methods-title">Prove a namespace</h2>
<p>Each method proves a namespace and gives a registry token that lives 5 minutes: log in again before each publishing session (CI logs in on every run). A server's name is <code>&lt;namespace&gt;/&lt;server&gt;</code>.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Login methods"><table id="methods-table">
<thead><tr><th scope="col">Method</th><th scope="col">Command</th><th scope="col">Lets you publish</th></tr></thead>
<tbody>${table}</tbody>
</table></div>
${methods(registry, anonymousHere).map(methodSection)}
<p class="hint">Organisation administrators sign in through the identity provider instead (<code>POST ${apiPrefix}/auth/oidc</code>), which grants what the registry's configuration says.</p>
</section>

<section id="server-json" aria-labelledby="server-json-title">
<h2 id="server-json-title">Write server.json</h2>
<p><code>mcp-publisher init</code> writes a starting file. A server offers packages to run locally, remotes to connect to, or both:</p>
${snippet("example-server-json", exampleServerJson(), "Example server.json")}
<ul>
<li>The <code>name</code> must be in a namespace you proved, and <code>version</code> a version you have not published before.</li>
<li>Packages must belong to the server where the registry checks ownership: npm's <code>package.json</code> has <code>"mcpName": "&lt;server name&gt;"</code>; PyPI and NuGet READMEs contain a line <code>mcp-name: &lt;server name&gt;</code>; OCI images carry the label <code>io.modelcontextprotocol.server.name</code>; MCPB files are release assets with a <code>fileSha256</code>.</li>
<li>A remote URL belongs to one server only; publisher metadata under <code>_meta</code> is limited to 4 KB.</li>
<li>Check a file before publishing, without a token: <code>curl -X POST ${apiPrefix}/validate -d @server.json</code> answers <code>{"valid", "issues"}</code>.</li>
</ul>
</section>

<section id="publish" aria-labelledby="publish-title">
<h2 id="publish-title">Publish</h2>
${snippet("publish-command", "mcp-publisher publish")}
<p>Run it in the folder holding <code>server.json</code> (or pass its path). The new version shows on this site and in the API within about a second; the highest version by the official version order becomes the latest. Or with curl, after a login: <code>curl -X POST ${apiPrefix}/publish -H "Authorization: Bearer $TOKEN" -d @server.json</code>.</p>
</section>

<section id="status" aria-labelledby="status-title">
<h2 id="status-title">Versions and status</h2>
<p>Versions are immutable: to change anything, publish a new version. A version is never removed; deleting one only changes its status, and its number stays taken. Mark a version (or all of them) deprecated or deleted, with a message users see:</p>
${snippet(
  "status-command",
  `mcp-publisher status --status deprecated --message "Use 2.0.0" io.github.alice/weather 1.0.0
mcp-publisher status --status deleted --all-versions io.github.alice/weather`,
)}
<p>Anyone may report a server that is spam, malicious or broken, from its page; maintainers review reports and their decisions are listed in the public <a href="/x/moderation-log">moderation log</a>.</p>
</section>

<section id="mcp" aria-labelledby="mcp-title">
<h2 id="mcp-title">Use this registry as an MCP server</h2>
<p>The registry is itself an MCP server (Streamable HTTP) at</p>
${snippet("mcp-url", mcpUrl)}
<p>Its tools: <code>search_servers</code> (ranked search with filters), <code>get_server</code> (one server's details), <code>list_versions</code> (every version of a server) and <code>get_install_config</code> (the configuration snippet for a client). They answer exactly what the API answers${inGroup ? html`; a private group needs <code>Authorization: Bearer &lt;personal access token&gt;</code> (make one under <a href="${site.base}/maintain">Maintain</a>)` : ""}.</p>
<h3>VS Code (<code>.vscode/mcp.json</code>)</h3>
${snippet("mcp-vscode", JSON.stringify({ servers: { "mcp-registry": { type: "http", url: mcpUrl } } }, null, 2))}
<h3>Cursor (<code>~/.cursor/mcp.json</code>)</h3>
${snippet("mcp-cursor", JSON.stringify({ mcpServers: { "mcp-registry": { url: mcpUrl } } }, null, 2))}
<h3>Claude Code</h3>
${snippet("mcp-claude-code", `claude mcp add --transport http mcp-registry ${mcpUrl}`)}
<h3>Claude Desktop (<code>claude_desktop_config.json</code>, through the <code>mcp-remote</code> bridge)</h3>
${snippet(
  "mcp-claude-desktop",
  JSON.stringify({ mcpServers: { "mcp-registry": { command: "npx", args: ["-y", "mcp-remote", mcpUrl] } } }, null, 2),
)}
</section>`;
}

/** Under a group, the guide is there for whoever may read the group (404 like its other pages). */
async function assertGroupReadable(site: SiteContext): Promise<void> {
  if (site.group === undefined) return;
  const answer = await readAsVisitor(site, `${site.base}/v0.1/health`);
  if (answer.status === 404) throw new ApiError(404, "No such group, or it is private.");
  if (answer.status !== 200) throw pageErrorOfAnswer(answer, "The registry could not answer now: retry shortly.");
}

async function guidePage(_request: Request, site: SiteContext): Promise<Response> {
  await assertGroupReadable(site);
  const anonymousHere = site.env.ENABLE_ANONYMOUS_AUTH === "true";
  const key = `${site.url.origin}\n${site.base}\n${anonymousHere}`;
  let main = rendered.get(key);
  if (main === undefined) {
    main = guideMain(site, anonymousHere);
    rendered.set(key, main, 2 * (main.value.length + key.length));
  }
  const document = pageDocument(site, {
    title: "Publish a server",
    main,
    section: "guide",
    description: "How to prove a namespace and publish an MCP server here with mcp-publisher",
  });
  const personal = site.group !== undefined || site.sessionToken !== undefined;
  return htmlResponse(document, { caching: personal ? "private" : "public" });
}

export const GUIDE_ROUTES: readonly SiteRoute[] = [{ method: "GET", path: "/guide", handler: guidePage, kind: "page" }];
