// GET /openapi.json, GET /openapi.yaml and GET /docs, at the root only (one reference for every
// group: its paths are in it). Each rendering is made once per isolate; the documents carry a
// strong ETag, may be cached by anyone for 5 minutes and are readable from any origin.
import { ifNoneMatchMatches } from "../http/conditional.ts";
import type { SafeHtml } from "../web/html.ts";
import { pageDocument } from "../web/layout.ts";
import { htmlResponse, SECURITY_HEADERS } from "../web/page-response.ts";
import type { SiteContext } from "../web/site-context.ts";
import type { SiteRoute } from "../web/site-route.ts";
import { docsMain } from "./docs-page.ts";
import { DOCS_PATH, OPENAPI_JSON_PATH, OPENAPI_YAML_PATH, openApiDocument } from "./document.ts";
import { toYaml } from "./yaml.ts";

const CACHE_CONTROL = "public, max-age=300";

interface Rendering {
  body: string;
  etag: string;
}

type Format = "json" | "yaml";

const CONTENT_TYPES: Record<Format, string> = {
  json: "application/json",
  yaml: "application/yaml; charset=utf-8",
};

const renderings = new Map<string, Promise<Rendering>>();

async function strongTag(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
}

/** The document in `format`, rendered on first use (per build version: one per isolate). */
function rendering(version: string, format: Format): Promise<Rendering> {
  const key = `${version}|${format}`;
  let found = renderings.get(key);
  if (found === undefined) {
    const document = openApiDocument(version);
    const body = format === "json" ? JSON.stringify(document) : toYaml(document);
    found = strongTag(body).then((etag) => ({ body, etag }));
    renderings.set(key, found);
  }
  return found;
}

function versionOf(site: SiteContext): string {
  return site.env.REGISTRY_VERSION || "dev";
}

async function serveDocument(request: Request, site: SiteContext, format: Format): Promise<Response> {
  const { body, etag } = await rendering(versionOf(site), format);
  const headers = new Headers(SECURITY_HEADERS);
  headers.set("etag", etag);
  headers.set("cache-control", CACHE_CONTROL);
  // A reference for every client, browsers on other origins included.
  headers.set("access-control-allow-origin", "*");
  headers.set("access-control-expose-headers", "ETag");
  const condition = request.headers.get("if-none-match");
  if (condition !== null && ifNoneMatchMatches(condition, etag)) return new Response(null, { status: 304, headers });
  headers.set("content-type", CONTENT_TYPES[format]);
  return new Response(body, { headers });
}

let docs: { version: string; main: SafeHtml } | undefined;

function serveDocs(site: SiteContext): Response {
  const version = versionOf(site);
  if (docs?.version !== version) docs = { version, main: docsMain(openApiDocument(version)) };
  const page = pageDocument(site, {
    title: "API reference",
    main: docs.main,
    section: "docs",
    description: "Reference of the MCP Registry API: every route, its parameters, bodies and answers.",
  });
  // The navigation shows whether the reader is signed in: such a page is nobody else's.
  return htmlResponse(page, { caching: site.sessionToken === undefined ? "public" : "private" });
}

export const OPENAPI_ROUTES: readonly SiteRoute[] = [
  {
    method: "GET",
    path: OPENAPI_JSON_PATH,
    kind: "api",
    rootOnly: true,
    handler: (request, site) => serveDocument(request, site, "json"),
  },
  {
    method: "GET",
    path: OPENAPI_YAML_PATH,
    kind: "api",
    rootOnly: true,
    handler: (request, site) => serveDocument(request, site, "yaml"),
  },
  { method: "GET", path: DOCS_PATH, kind: "page", rootOnly: true, handler: (_request, site) => serveDocs(site) },
];
