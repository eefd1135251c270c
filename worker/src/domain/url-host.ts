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
