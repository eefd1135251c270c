// Plumbing shared by the ownership checks: the limits every upstream request runs under, a
// redirect walker for publisher-chosen URLs, and the status wording of the metadata registries.
import {
  fetchConfigured,
  fetchPublic,
  OutboundError,
  type OutboundRequest,
  type OutboundResponse,
} from "../net/outbound.ts";

/** Sent to every upstream so operators can recognise (and rate-limit) these checks. */
export const USER_AGENT = "mcp-registry-workers/ownership-check";
/** Per request; a publish waits on these, so they stay short. */
export const REQUEST_TIMEOUT_MS = 5000;
/** Redirect hops followed for publisher-chosen URLs (release assets and blobs hop to CDNs). */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The message of anything thrown (OutboundError, DOMException on timeout, JSON SyntaxError). */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One URL path segment, percent-encoded like Go's url.PathEscape for the characters that
 * matter: "/" is encoded (so "@scope/name" becomes "@scope%2Fname" and an identifier cannot
 * reach another package's path) and "@" is kept. "." and ".." are refused: URL parsers treat
 * them, even percent-encoded, as dot segments.
 */
export function pathSegment(value: string): string {
  const encoded = encodeURIComponent(value).replaceAll("%40", "@");
  if (encoded === "." || encoded === "..") throw new OutboundError(`"${value}" cannot be used as a URL path segment`);
  return encoded;
}

/** Joins an operator-configured base URL (with or without a trailing slash) and a path. */
export function joinBase(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

type FetchOne = (url: URL, request: OutboundRequest) => Promise<OutboundResponse>;

async function walkRedirects(
  fetchOne: FetchOne,
  url: string | URL,
  request: OutboundRequest,
  sameOriginOnly: boolean,
): Promise<OutboundResponse & { url: URL }> {
  let current = new URL(url);
  const origin = current.origin;
  let headers = request.headers;
  for (let hop = 0; ; hop++) {
    const response = await fetchOne(current, { ...request, ...(headers ? { headers } : {}) });
    const location = response.headers.get("location");
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { ...response, url: current };
    if (hop >= MAX_REDIRECTS) throw new OutboundError(`too many redirects (more than ${MAX_REDIRECTS})`);
    current = new URL(location, current);
    if (current.origin === origin) continue;
    if (sameOriginOnly) throw new OutboundError(`redirect to another origin refused: ${current.origin}`);
    if (headers) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
    }
  }
}

/**
 * fetchPublic, following redirects by hand: every hop passes the public-target guard again,
 * and an Authorization header is dropped once a hop leaves the original origin (registry
 * blobs redirect to signed CDN URLs that must not see our bearer token).
 */
export function fetchPublicFollowing(
  url: string | URL,
  request: OutboundRequest = {},
): Promise<OutboundResponse & { url: URL }> {
  return walkRedirects(fetchPublic, url, request, false);
}

/**
 * fetchConfigured, following redirects within the configured origin only (PyPI answers a
 * non-canonical project name with a 301 to the canonical one).
 */
export function fetchConfiguredFollowing(
  url: string | URL,
  request: OutboundRequest = {},
): Promise<OutboundResponse & { url: URL }> {
  return walkRedirects(fetchConfigured, url, request, true);
}

/**
 * The reason for a non-200 answer from a package-metadata registry (npm, PyPI): 404 names the
 * missing version, 429 and 5xx say "retry later" instead of blaming the package.
 */
export function metadataStatusReason(label: string, identifier: string, version: string, status: number): string {
  if (status === 404) return `${label} package '${identifier}' version '${version}' not found (status: 404)`;
  if (status === 429) {
    return `${label} rate-limited the metadata request for package '${identifier}' (status: 429). Likely transient, retry later`;
  }
  if (status >= 500 && status < 600) {
    return `${label} upstream error fetching metadata for package '${identifier}' (status: ${status}). Likely transient, retry later`;
  }
  return `${label} package '${identifier}' metadata fetch failed (status: ${status})`;
}

/**
 * GET of one version's JSON metadata document (npm, PyPI): the parsed document, or the
 * publisher-facing reason it could not be had (network, status, JSON). The URL is built
 * inside, so an identifier that cannot be a path segment is reported as a fetch failure.
 */
export async function fetchMetadataJson(
  label: string,
  urlOf: () => string,
  identifier: string,
  version: string,
  maxBytes: number,
): Promise<{ document: unknown } | { problem: string }> {
  let response: Awaited<ReturnType<typeof fetchConfiguredFollowing>>;
  try {
    response = await fetchConfiguredFollowing(urlOf(), {
      headers: { Accept: "application/json", "User-Agent": USER_AGENT },
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxBytes,
    });
  } catch (err) {
    return { problem: `failed to fetch package metadata from ${label}: ${describeError(err)}` };
  }
  if (response.status !== 200) return { problem: metadataStatusReason(label, identifier, version, response.status) };
  try {
    return { document: JSON.parse(response.body) };
  } catch (err) {
    return { problem: `failed to parse ${label} package metadata: ${describeError(err)}` };
  }
}

/** The official wording when registryBaseUrl names another registry than the type's own. */
export function baseUrlMismatch(baseUrl: string, registryType: string, official: string): string {
  return `registry type and base URL do not match: '${baseUrl}' is not valid for registry type '${registryType}'. Expected: ${official}`;
}
