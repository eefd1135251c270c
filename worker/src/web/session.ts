// The maintainer's sign-in: the pasted token lives in one HttpOnly, SameSite=Strict session
// cookie (no expiry: it ends with the browser session, or at "Sign out"). Scripts cannot read it,
// it is never put in a URL, and only the page routes honour it: the API reads tokens from the
// Authorization header alone, so the cookie cannot make a cross-site request to the API count.
import { ApiError } from "../errors.ts";
import { readTextCapped } from "../net/read-capped.ts";

/** Tokens longer than this are not tokens of ours (registry JWTs and PATs are far shorter). */
export const MAX_SESSION_TOKEN_LENGTH = 4096;

/** Printable ASCII without spaces: every token of ours (JWTs, mcpr_ tokens) is written so. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

/** Whether `value` could be a token of ours (and so may go into an Authorization header). */
export function isTokenShaped(value: string): boolean {
  return value.length <= MAX_SESSION_TOKEN_LENGTH && TOKEN_SHAPE.test(value);
}

/** The cookie's name: with the __Host- prefix (Secure, no Domain, Path=/) wherever TLS allows it. */
function cookieName(url: URL): string {
  return url.protocol === "https:" ? "__Host-registry_session" : "registry_session";
}

/**
 * The signed-in token of this request, if its session cookie carries one. Never throws: a cookie
 * that is not one we set (bad percent-encoding, a control character, oversized) is signed out.
 */
export function readSessionToken(request: Request): string | undefined {
  const header = request.headers.get("cookie");
  if (header === null) return undefined;
  const name = cookieName(new URL(request.url));
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    // Checked before decoding too: decoding work stays bounded by the cap.
    if (raw.length > 3 * MAX_SESSION_TOKEN_LENGTH) return undefined;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    return isTokenShaped(value) ? value : undefined;
  }
  return undefined;
}

function attributes(url: URL): string {
  return `Path=/; HttpOnly; SameSite=Strict${url.protocol === "https:" ? "; Secure" : ""}`;
}

/** The Set-Cookie value that signs this browser session in with `token`. */
export function sessionCookie(url: URL, token: string): string {
  return `${cookieName(url)}=${encodeURIComponent(token)}; ${attributes(url)}`;
}

/** The Set-Cookie value that signs out. */
export function clearedSessionCookie(url: URL): string {
  return `${cookieName(url)}=; Max-Age=0; ${attributes(url)}`;
}

/**
 * Form posts must come from our own pages: SameSite=Strict keeps the cookie off cross-site
 * requests, and this refuses them outright (a cross-site form could still post anonymously).
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const own = new URL(request.url).origin;
  if (origin !== null ? origin !== own : site !== null && site !== "same-origin") {
    throw new ApiError(403, "Forms are accepted from this registry's own pages only");
  }
}

/** Upper bound of a form body (the largest form is a report with its details). */
export const MAX_FORM_BYTES = 16 * 1024;

/** A urlencoded form body, bounded; 413 beyond MAX_FORM_BYTES, 415 for another content type. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) {
    throw new ApiError(415, "Expected a form (application/x-www-form-urlencoded)");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_FORM_BYTES) throw new ApiError(413, `Forms are limited to ${MAX_FORM_BYTES} bytes`);
  const text = await readTextCapped(request.body, MAX_FORM_BYTES);
  if (text === undefined) throw new ApiError(413, `Forms are limited to ${MAX_FORM_BYTES} bytes`);
  return new URLSearchParams(text);
}
