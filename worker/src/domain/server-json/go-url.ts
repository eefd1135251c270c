// A port of the parts of Go's net/url.Parse that decide accept/reject. The official registry
// uses url.Parse for huma's `format:"uri"` check and in several semantic rules, and it is far
// more lenient than the WHATWG URL class (relative references, opaque URLs and "" all parse),
// so the WHATWG parser cannot stand in for it.

import { parseIPv6 } from "./ip-literal.ts";
import { goQuote } from "./go-strings.ts";

export interface GoUrl {
  /** Lower-cased, "" for a relative reference. */
  scheme: string;
  opaque: string;
  /** Percent-decoded host including any port, "" when there is no authority. */
  host: string;
  path: string;
}

export type GoUrlResult = { ok: true; url: GoUrl } | { ok: false; error: string };

type Mode = "host" | "zone" | "path" | "fragment" | "userinfo";

/** url.Parse; on failure `error` is Go's err.Error(), e.g. `parse ":x": missing protocol scheme`. */
export function parseGoUrl(raw: string): GoUrlResult {
  const hash = raw.indexOf("#");
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const parsed = parseReference(main);
  if (typeof parsed === "string") return { ok: false, error: `parse ${goQuote(main)}: ${parsed}` };
  if (hash >= 0) {
    const fragmentError = unescapeError(raw.slice(hash + 1), "fragment");
    if (fragmentError !== null) return { ok: false, error: `parse ${goQuote(raw)}: ${fragmentError}` };
  }
  return { ok: true, url: parsed };
}

/** URL.Hostname(): host without port and without IPv6 brackets. */
export function goHostname(host: string): string {
  let name = host;
  const colon = name.lastIndexOf(":");
  if (colon >= 0 && isValidOptionalPort(name.slice(colon))) name = name.slice(0, colon);
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  return name;
}

function parseReference(raw: string): GoUrl | string {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return "net/url: invalid control character in URL";
  }
  const url: GoUrl = { scheme: "", opaque: "", host: "", path: "" };
  if (raw === "*") {
    url.path = "*";
    return url;
  }
  const scheme = splitScheme(raw);
  if (typeof scheme === "string") return scheme;
  url.scheme = scheme.scheme.toLowerCase();
  let rest = scheme.rest;
  const question = rest.indexOf("?");
  if (question >= 0) rest = rest.slice(0, question);

  if (!rest.startsWith("/")) {
    if (url.scheme !== "") {
      url.opaque = rest; // rootless paths are opaque and never validated further
      return url;
    }
    const firstSegment = rest.split("/", 1)[0] ?? "";
    if (firstSegment.includes(":")) return "first path segment in URL cannot contain colon";
  }
  if ((url.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const host = parseAuthority(authority);
    if (host.error !== null) return host.error;
    url.host = host.host;
  }
  const pathError = unescapeError(rest, "path");
  if (pathError !== null) return pathError;
  url.path = rest;
  return url;
}

function splitScheme(raw: string): { scheme: string; rest: string } | string {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: "", rest: raw };
      continue;
    }
    if (c === ":") {
      if (i === 0) return "missing protocol scheme";
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: "", rest: raw };
  }
  return { scheme: "", rest: raw };
}

function parseAuthority(authority: string): { host: string; error: string | null } {
  const at = authority.lastIndexOf("@");
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (host.error !== null || at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return { host: "", error: "net/url: invalid userinfo" };
  for (const part of userinfo.split(":").slice(0, 2)) {
    const error = unescapeError(part, "userinfo");
    if (error !== null) return { host: "", error };
  }
  return host;
}

function parseHost(host: string): { host: string; error: string | null } {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) return { host: "", error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!isValidOptionalPort(colonPort)) return { host: "", error: `invalid port ${goQuote(colonPort)} after host` };
    const zone = host.slice(0, close).indexOf("%25");
    const literal = host.slice(1, zone >= 0 ? zone : close);
    // Newer Go releases (CVE-2025-47912) only accept an IPv6 address inside brackets.
    if (parseIPv6(literal) === null) return { host: "", error: "invalid IP-literal" };
    if (zone >= 0) {
      const error =
        unescapeError(host.slice(0, zone), "host") ??
        unescapeError(host.slice(zone, close), "zone") ??
        unescapeError(host.slice(close), "host");
      return error === null ? { host: decodeLoosely(host), error: null } : { host: "", error };
    }
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0) {
      const colonPort = host.slice(colon);
      if (!isValidOptionalPort(colonPort)) return { host: "", error: `invalid port ${goQuote(colonPort)} after host` };
    }
  }
  const error = unescapeError(host, "host");
  return error === null ? { host: decodeLoosely(host), error: null } : { host: "", error };
}

function isValidOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

/** Characters Go's shouldEscape lets through unescaped in a host (reg-name, ":port", "[v6]"). */
const HOST_SAFE = /^[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]$/;

/** Go's unescape() error, or null; only the validation half is needed here. */
function unescapeError(s: string, mode: Mode): string | null {
  for (let i = 0; i < s.length; ) {
    const c = s[i] ?? "";
    if (c === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (i + 2 >= s.length || !/^[0-9A-Fa-f]{2}$/.test(hex)) {
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      }
      const byte = Number.parseInt(hex, 16);
      const escaped = s.slice(i, i + 3);
      // Hosts may only percent-encode non-ASCII bytes (plus "%25" for IPv6 zones).
      if (mode === "host" && byte < 0x80 && escaped !== "%25") return `invalid URL escape ${goQuote(escaped)}`;
      const hostSafe = byte < 0x80 && HOST_SAFE.test(String.fromCharCode(byte));
      if (mode === "zone" && escaped !== "%25" && byte !== 0x20 && !hostSafe) {
        return `invalid URL escape ${goQuote(escaped)}`;
      }
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && !HOST_SAFE.test(c)) {
      return `invalid character ${goQuote(c)} in host name`;
    }
    i++;
  }
  return null;
}

/** Percent-decodes what unescapeError accepted; bytes that are not valid UTF-8 are kept escaped. */
function decodeLoosely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
