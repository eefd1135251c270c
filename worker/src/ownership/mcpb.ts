// MCPB: a bundle downloaded from a GitHub or GitLab release. Ownership is not provable from the
// file, so the checks are: a release-asset URL on an allow-listed host, "mcp" in the URL, a
// fileSha256 (not re-computed), and a HEAD request that ends in 200.
//
// Redirects: github.com answers release downloads with a 302 to a signed CDN URL, and the
// official validator's HTTP client follows it. We follow up to MAX_REDIRECTS hops by hand,
// each hop through fetchPublic (so a redirect to a private address is refused before it is
// requested), and require the final answer to be 200.
import type { ServerPackage } from "../domain/server-json/index.ts";
import { describeError, fetchPublicFollowing, REQUEST_TIMEOUT_MS, USER_AGENT } from "./http.ts";

const GITHUB_HOSTS = new Set(["github.com", "www.github.com"]);
const GITLAB_HOSTS = new Set(["gitlab.com", "www.gitlab.com"]);
/** /owner/repo/releases/download/tag/file */
const GITHUB_RELEASE =
  /^\/[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,37}[a-zA-Z0-9])?\/[a-zA-Z0-9._-]+\/releases\/download\/[^/]+\/[^/]+$/;
/** /group[/subgroup…]/project/-/releases/tag/downloads/file */
const GITLAB_RELEASE = /^\/[a-zA-Z0-9._-]+(?:\/[a-zA-Z0-9._-]+)*\/-\/releases\/[^/]+\/downloads\/[^/]+$/;
/** /group[/subgroup…]/project/-/package_files/<id>/download */
const GITLAB_PACKAGE_FILE = /^\/[a-zA-Z0-9._-]+(?:\/[a-zA-Z0-9._-]+)*\/-\/package_files\/[0-9]+\/download$/;

/** Field and URL rules checked before any request; version is optional since 2025-10-17. */
export function mcpbProblem(pkg: ServerPackage): string | undefined {
  if (!pkg.fileSha256) return "must include a fileSha256 hash for integrity verification";
  if (pkg.registryBaseUrl) {
    return "MCPB packages must not have 'registryBaseUrl' field - use the full download URL in 'identifier' instead";
  }
  let url: URL;
  try {
    url = new URL(pkg.identifier);
  } catch {
    return `invalid MCPB package URL: ${pkg.identifier}`;
  }
  const host = url.host.toLowerCase();
  if (GITHUB_HOSTS.has(host)) {
    if (!GITHUB_RELEASE.test(url.pathname)) {
      return "GitHub MCPB packages must be release assets following the pattern '/owner/repo/releases/download/tag/filename'";
    }
  } else if (GITLAB_HOSTS.has(host)) {
    if (!GITLAB_RELEASE.test(url.pathname) && !GITLAB_PACKAGE_FILE.test(url.pathname)) {
      return "GitLab MCPB packages must be release assets following patterns '/owner/repo/-/releases/tag/downloads/filename' or '/owner/repo/-/package_files/id/download'";
    }
  } else {
    return `MCPB packages must be hosted on allowlisted providers (GitHub or GitLab). Host '${host}' is not allowed`;
  }
  if (url.protocol !== "https:") return `invalid MCPB package URL, must use HTTPS: ${pkg.identifier}`;
  if (url.username || url.password) return `invalid MCPB package URL, must not carry credentials: ${pkg.identifier}`;
  if (!pkg.identifier.toLowerCase().includes("mcp")) return `MCPB package URL must contain 'mcp': ${pkg.identifier}`;
  return undefined;
}

export async function verifyMcpb(pkg: ServerPackage): Promise<string | undefined> {
  const problem = mcpbProblem(pkg);
  if (problem !== undefined) return problem;
  let status: number;
  try {
    const response = await fetchPublicFollowing(pkg.identifier, {
      method: "HEAD",
      headers: { "User-Agent": USER_AGENT },
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    status = response.status;
  } catch (err) {
    return `failed to verify MCPB package accessibility: ${describeError(err)}`;
  }
  if (status !== 200) return `MCPB package '${pkg.identifier}' is not publicly accessible (status: ${status})`;
  return undefined;
}
