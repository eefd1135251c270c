// Shared helpers for page tests: fetch a page through the Worker, read elements out of its HTML
// with HTMLRewriter (the runtime's own parser, so what matches is what a browser sees as an
// element), and check the security headers every HTML answer carries.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { buildSearchIndex } from "../../worker/src/cron/build-search-index.ts";
import { importEntries } from "../../worker/src/writes/import-entries.ts";
import { api, ndjsonEntries, ORIGIN } from "./registry.ts";

export interface Page {
  status: number;
  response: Response;
  headers: Headers;
  /** The body as text ("" for HEAD). */
  html: string;
}

/** A page through the Worker's real fetch handler (no redirects followed). */
export async function fetchPage(path: string, init?: RequestInit): Promise<Page> {
  const response = await api(path, init);
  const html = await response.text();
  return { status: response.status, response, headers: response.headers, html };
}

/** A page, failing the test unless it answers `status` as HTML. */
export async function getPage(path: string, status = 200, init?: RequestInit): Promise<Page> {
  const page = await fetchPage(path, init);
  expect(page.status, `${path}: ${page.html.slice(0, 500)}`).toBe(status);
  expect(page.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
  return page;
}

/** A request init carrying a session cookie (the web pages' sign-in), plus any other init. */
export function withSession(token: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  // The plain-HTTP cookie name (tests run at http://registry.test; see web/session.ts).
  headers.set("cookie", `registry_session=${encodeURIComponent(token)}`);
  return { ...init, headers };
}

/** Same-origin form post (urlencoded), as a browser sends it from one of our pages. */
export function formPost(fields: Record<string, string>, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/x-www-form-urlencoded");
  headers.set("origin", ORIGIN);
  return { ...init, method: "POST", headers, body: new URLSearchParams(fields).toString() };
}

/** One element found in a page: its attributes and its text content (both entity-decoded). */
export interface FoundElement {
  attrs: Record<string, string>;
  text: string;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, code: string) => {
    const lower = code.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(Number(lower.slice(1)));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" }[lower] ?? "";
  });
}

/**
 * Every element of `html` matching a CSS `selector` (HTMLRewriter's selector support: tags,
 * #id, .class, [attr=value], descendant and child combinators), in document order.
 */
export async function queryAll(html: string, selector: string): Promise<FoundElement[]> {
  const found: FoundElement[] = [];
  const open: FoundElement[] = [];
  const rewriter = new HTMLRewriter()
    .on(selector, {
      element(element) {
        const attrs: Record<string, string> = {};
        for (const [name, value] of element.attributes)
          if (name !== undefined) attrs[name] = decodeEntities(value ?? "");
        const item: FoundElement = { attrs, text: "" };
        found.push(item);
        open.push(item);
        // Void elements have no end tag (onEndTag throws) and never receive text.
        try {
          element.onEndTag(() => {
            const index = open.indexOf(item);
            if (index >= 0) open.splice(index, 1);
          });
        } catch {
          open.splice(open.indexOf(item), 1);
        }
      },
    })
    .on("*", {
      text(chunk) {
        for (const item of open) item.text += chunk.text;
      },
    });
  await rewriter.transform(new Response(html)).text();
  for (const item of found) item.text = decodeEntities(item.text);
  return found;
}

/** The single element matching `selector` (fails the test on none or several). */
export async function queryOne(html: string, selector: string): Promise<FoundElement> {
  const all = await queryAll(html, selector);
  expect(all.length, `${selector}: expected exactly one match`).toBe(1);
  return all[0]!;
}

/** The text of a whole page without tags (whitespace collapsed), for "does it say X" checks. */
export function visibleText(html: string): string {
  return decodeEntities(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, " ")
      .replace(/<style\b[\s\S]*?<\/style>/gi, " ")
      .replace(/<[^>]*>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
}

/** Asserts the headers every HTML answer carries (CSP without inline script or style, etc.). */
export function expectSecurityHeaders(headers: Headers): void {
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
}

/**
 * Asserts that nothing in `html` could run as script or style beyond our own files: no inline
 * script bodies, no event-handler attributes, no style attributes, no javascript: URLs, and
 * scripts only from /static/.
 */
export function expectNothingExecutable(html: string): void {
  expect(html).not.toMatch(/<script\b[^>]*>\s*[^<\s]/i);
  for (const match of html.matchAll(/<script\b([^>]*)>/gi)) expect(match[1]).toMatch(/\ssrc="\/static\/[\w.-]+"/);
  expect(html).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/<[^>]+\sstyle\s*=/i);
  expect(html).not.toMatch(/<style\b/i);
  expect(html).not.toMatch(/(href|src|action)\s*=\s*"?\s*javascript:/i);
}

/**
 * Loads the demo catalogue (kv-seeds/) as `npm start` does and publishes the search index, so
 * pages read what a local registry shows. Storage is per test file: call it in beforeAll.
 */
export async function seedDemoCatalogue(): Promise<void> {
  await importEntries(env, ndjsonEntries(env.TEST_SEED_SERVERS, env.TEST_SEED_META, "servers.ndjson"));
  const built = await buildSearchIndex(env);
  expect(built.state).toBe("published");
}
