// Every HTML answer goes out through here, with the same security headers: a CSP that allows no
// inline script or style and no framing, no MIME sniffing, no referrer to other origins.
import { ApiError, isOutage } from "../errors.ts";
import { html, type SafeHtml } from "./html.ts";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers on every page (and on the API reference and the OpenAPI documents). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
};

/**
 * Who may keep a copy: "public" pages are the same for everyone and revalidate each time;
 * "private" pages (signed in, or a group's) are kept by no cache at all.
 */
export type PageCaching = "public" | "private";

export interface PageInit {
  status?: number;
  caching?: PageCaching;
  headers?: Record<string, string>;
}

export function htmlResponse(document: SafeHtml | string, init: PageInit = {}): Response {
  const headers = new Headers(SECURITY_HEADERS);
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("cache-control", init.caching === "public" ? "no-cache" : "private, no-store");
  // The session cookie changes what a page shows: shared caches must key on it.
  headers.set("vary", "Cookie");
  for (const [name, value] of Object.entries(init.headers ?? {})) headers.set(name, value);
  const body = typeof document === "string" ? document : document.value;
  return new Response(body, { status: init.status ?? 200, headers });
}

/** A 303 to a path of ours, after a form post (the browser then GETs it). */
export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { ...SECURITY_HEADERS, location, ...headers } });
}

/** A 308 to a path of ours that is the one address of what was asked for (same method). */
export function permanentRedirect(location: string): Response {
  return new Response(null, { status: 308, headers: { ...SECURITY_HEADERS, location } });
}

/** The status and a short, safe message for an error thrown while making a page. */
export function pageErrorOf(err: unknown): { status: number; title: string; detail: string } {
  if (err instanceof ApiError) return { status: err.status, title: statusTitle(err.status), detail: err.detail };
  if (isOutage(err)) {
    console.error("storage unavailable", err instanceof Error ? err.message : err);
    return { status: 503, title: statusTitle(503), detail: "The registry is temporarily unavailable: retry shortly." };
  }
  console.error("unexpected page error", err instanceof Error ? (err.stack ?? err.message) : err);
  return { status: 500, title: statusTitle(500), detail: "Something went wrong on our side." };
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign-in needed",
  403: "Not allowed",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Too large",
  422: "Not valid",
  429: "Too many requests",
  500: "Internal error",
  503: "Temporarily unavailable",
};

export function statusTitle(status: number): string {
  return STATUS_TITLES[status] ?? `Error ${status}`;
}

/** The body of an error page's main element. */
export function errorMain(title: string, detail: string): SafeHtml {
  return html`<h1>${title}</h1><p>${detail}</p>`;
}
