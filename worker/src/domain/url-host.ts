// The host part of a remote URL, shared by search (remote-host facets) and the denylist.

/**
 * Host of a URL without parsing it as one: remote URLs may be templates
 * ("https://{tenant}.example.com/mcp") that a URL parser rejects or percent-encodes.
 */
export function urlHost(url: string): string | undefined {
  const scheme = url.indexOf("://");
  let rest = scheme === -1 ? url : url.slice(scheme + 3);
  const end = rest.search(/[/?#]/);
  if (end !== -1) rest = rest.slice(0, end);
  const at = rest.lastIndexOf("@");
  if (at !== -1) rest = rest.slice(at + 1);
  if (!rest.startsWith("[")) {
    const colon = rest.indexOf(":");
    if (colon !== -1) rest = rest.slice(0, colon);
  }
  rest = rest.toLowerCase();
  return rest === "" ? undefined : rest;
}

// ---- Canonical hosts (the denylist) ------------------------------------------------------------

const CANONICAL_NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;
const CANONICAL_IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/** Whether a canonical host is an IP literal (dotted IPv4 or bracketed IPv6): no parent domains. */
export function isIpHost(host: string): boolean {
  return host.startsWith("[") || CANONICAL_IPV4.test(host);
}

/**
 * The WHATWG URL parser's reading of a bare host: lower case, IDNA to ASCII punycode, percent
 * escapes decoded, IPv4 in dotted decimal ("0x7f.1" is "127.0.0.1"), IPv6 compressed in brackets.
 * Undefined when the text is no host on its own (a port, a path, characters a host cannot have).
 */
function parseBareHost(host: string): string | undefined {
  try {
    const url = new URL(`http://${host}/`);
    const bare = url.username === "" && url.password === "" && url.port === "" && url.pathname === "/";
    return bare && url.search === "" && url.hash === "" && url.hostname !== "" ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one stored form of a remote-host denylist value: parsed as a host (see parseBareHost), the
 * trailing dot of a fully qualified name removed. Refused: schemes, ports, paths, user info,
 * empty labels ("a..b", "x.example.."), and characters outside [a-z0-9_-] once in ASCII.
 */
export function canonicalHost(raw: string): { value: string } | { error: string } {
  const shape = "a remote-host value is a host name, e.g. mcp.example.com (no scheme, port or path)";
  let host = raw.trim();
  if (host === "") return { error: "value must not be empty" };
  if (/[\s/?#@\\]/.test(host)) return { error: shape };
  // A bare IPv6 address is accepted without brackets; "host:port" is not a host.
  if (!host.startsWith("[") && host.includes(":")) {
    if (host.indexOf(":") === host.lastIndexOf(":")) return { error: shape };
    host = `[${host}]`;
  }
  const parsed = parseBareHost(host);
  if (parsed === undefined) return { error: `${shape}; "${raw.trim()}" is not a valid host` };
  if (isIpHost(parsed)) return { value: parsed };
  const value = parsed.endsWith(".") ? parsed.slice(0, -1) : parsed;
  if (value.split(".").includes("")) return { error: 'a host name must not have empty labels ("..", a leading dot)' };
  if (!CANONICAL_NAME.test(value)) return { error: `${shape}; "${raw.trim()}" is not a valid host` };
  return { value };
}

/**
 * The canonical hosts a remote URL may reach, for matching: the WHATWG parser's host of the
 * whole URL (what a client connects to) and, since URLs may be templates a parser rejects
 * ("https://{tenant}.example.com:{port}/mcp") or reads differently, the host as written (see
 * urlHost) put through the same host parser when it can be. Trailing dots removed.
 */
export function remoteHostKeys(url: string): string[] {
  const hosts = new Set<string>();
  try {
    const hostname = new URL(url).hostname.toLowerCase();
    if (hostname !== "") hosts.add(hostname);
  } catch {
    // A template or a malformed URL: the host as written below.
  }
  const written = urlHost(url);
  if (written !== undefined) {
    const withoutPort = written.replace(/^(\[[^\]]*\]):.*$/, "$1");
    hosts.add(parseBareHost(withoutPort) ?? withoutPort);
  }
  return [...hosts].map((host) => (isIpHost(host) ? host : host.replace(/\.+$/, ""))).filter((host) => host !== "");
}
