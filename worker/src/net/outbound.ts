// Every outbound HTTP request the registry makes (auth proofs, package ownership checks) goes
// through here: bounded time, bounded body, no redirects followed, and — for targets that a
// publisher controls — no private, loopback, link-local or otherwise non-public destinations.
import { isNonPublicIP, parseIP } from "../domain/server-json/ip-literal.ts";
import { readTextCapped } from "./read-capped.ts";

export class OutboundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundError";
  }
}

export interface OutboundRequest {
  method?: "GET" | "HEAD" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Abort after this long (default 5 s). */
  timeoutMs?: number;
  /** Read at most this many bytes of the body (default 1 MiB); longer bodies fail. */
  maxBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  body: string;
}

const BLOCKED_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa"];

/**
 * Throws unless `url` is an https URL whose host is a public DNS name or a public IP literal.
 * Workers cannot resolve names first, so names are judged by shape; the platform itself does
 * not route to private networks.
 */
export function assertPublicTarget(url: URL): void {
  if (url.protocol !== "https:") throw new OutboundError(`only https URLs are allowed: ${url.href}`);
  if (url.username || url.password) throw new OutboundError("URLs with credentials are not allowed");
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  const ip = parseIP(literal);
  if (ip !== null) {
    const firstV4Octet = ip[12];
    if (isNonPublicIP(ip) || (ip.slice(0, 12).join() === "0,0,0,0,0,0,0,0,0,0,255,255" && firstV4Octet === 0)) {
      throw new OutboundError(`non-public address not allowed: ${host}`);
    }
    return;
  }
  if (!host.includes(".") || host === "localhost" || BLOCKED_SUFFIXES.some((s) => host.endsWith(s))) {
    throw new OutboundError(`non-public host not allowed: ${host}`);
  }
}

/** A request to an operator-configured service (GitHub API, DNS-over-HTTPS, package registries). */
export async function fetchConfigured(url: string | URL, request: OutboundRequest = {}): Promise<OutboundResponse> {
  const init: RequestInit = {
    method: request.method ?? "GET",
    redirect: "manual",
    signal: AbortSignal.timeout(request.timeoutMs ?? 5000),
  };
  if (request.headers) init.headers = request.headers;
  if (request.body !== undefined) init.body = request.body;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new OutboundError(`request to ${new URL(url).host} failed: ${(err as Error).message}`);
  }
  const maxBytes = request.maxBytes ?? 1024 * 1024;
  const body = init.method === "HEAD" ? "" : await readTextCapped(response.body, maxBytes);
  if (body === undefined) throw new OutboundError(`response body exceeds ${maxBytes} bytes`);
  return { status: response.status, headers: response.headers, body };
}

/** A request to a URL a publisher chose: public https targets only. */
export function fetchPublic(url: string | URL, request: OutboundRequest = {}): Promise<OutboundResponse> {
  const parsed = new URL(url);
  assertPublicTarget(parsed);
  return fetchConfigured(parsed, request);
}
