// URL checks for package transports and remotes (spec §7.2, §7.3), following the official
// validator: template variables are swapped for placeholders, then Go's url.Parse decides.

import { goHostname, parseGoUrl } from "./go-url.ts";
import { isNonPublicIP, parseIP } from "./ip-literal.ts";

const WELL_KNOWN_PLACEHOLDERS: ReadonlyArray<readonly [string, string]> = [
  ["{host}", "example.com"],
  ["{port}", "8080"],
  ["{path}", "api"],
  ["{protocol}", "http"],
  ["{scheme}", "http"],
];

/** Makes a URL template parseable: known names first, then any var after ":" is a port. */
export function replaceTemplateVariables(rawUrl: string): string {
  let result = rawUrl;
  for (const [placeholder, replacement] of WELL_KNOWN_PLACEHOLDERS)
    result = result.replaceAll(placeholder, replacement);
  result = result.replace(/:(\{[^}]+\})(\/|$)/g, ":8080$2");
  return result.replace(/\{[^}]+\}/g, "placeholder");
}

export function extractTemplateVariables(rawUrl: string): string[] {
  return [...rawUrl.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
}

/** http(s) URL with a host once template variables are filled in; http and localhost allowed. */
export function isValidUrl(rawUrl: string): boolean {
  const parsed = parseGoUrl(replaceTemplateVariables(rawUrl));
  if (!parsed.ok) return false;
  const { scheme, host } = parsed.url;
  return (scheme === "http" || scheme === "https") && host !== "";
}

/** isValidUrl plus: every {var} names one of `available` exactly as written. */
export function isValidTemplatedUrl(rawUrl: string, available: readonly string[]): boolean {
  if (!isValidUrl(rawUrl)) return false;
  return extractTemplateVariables(rawUrl).every((name) => available.includes(name));
}

/** Remotes: https only and a publicly reachable host (no localhost, no internal IP literals). */
export function isValidRemoteUrl(rawUrl: string): boolean {
  if (!isValidUrl(rawUrl)) return false;
  const testUrl = replaceTemplateVariables(rawUrl);
  const parsed = parseGoUrl(testUrl);
  if (!parsed.ok || parsed.url.scheme !== "https") return false;
  // The WHATWG parser also normalises "127.1", "0x7f.0.0.1" or "[::ffff:127.0.0.1]" into the
  // address a client would actually connect to; a URL it cannot parse is no usable remote.
  let whatwgHostname: string;
  try {
    whatwgHostname = new URL(testUrl).hostname;
  } catch {
    return false;
  }
  return !isDisallowedHost(goHostname(parsed.url.host)) && !isDisallowedHost(whatwgHostname);
}

function isDisallowedHost(hostname: string): boolean {
  let name = hostname.toLowerCase();
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  if (name.endsWith(".")) name = name.slice(0, -1); // "localhost." is still loopback
  const ip = parseIP(name);
  if (ip !== null) return isNonPublicIP(ip);
  return name === "localhost" || name.endsWith(".localhost");
}
