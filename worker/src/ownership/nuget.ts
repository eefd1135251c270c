// NuGet: the README embedded in the published version must hold "mcp-name: <server name>".
// The README comes from nuget.org's documented ReadmeUriTemplate/6.13.0 resource,
// <NUGET_URL>/v3-flatcontainer/{lower_id}/{lower_version}/readme (the template its service
// index advertises; used directly to save a service-index round trip). When that answers 404,
// the PackageBaseAddress/3.0.0 version list, <NUGET_URL>/v3-flatcontainer/{lower_id}/index.json,
// tells "no such package", "no such version" and "no README" apart.
import type { ServerPackage } from "../domain/server-json/index.ts";
import {
  baseUrlMismatch,
  describeError,
  fetchConfiguredFollowing,
  joinBase,
  pathSegment,
  REQUEST_TIMEOUT_MS,
  USER_AGENT,
} from "./http.ts";
import { readmeDeclaresMcpName } from "./mcp-name.ts";

/** The only registryBaseUrl a publisher may name (we fetch from NUGET_URL). */
export const NUGET_OFFICIAL_BASE = "https://api.nuget.org/v3/index.json";
/** nuget.org caps embedded READMEs at 1 MB. */
const MAX_README_BYTES = 2 * 1024 * 1024;
const MAX_INDEX_BYTES = 1024 * 1024;

/** Field rules checked before any request. */
export function nugetFieldProblem(pkg: ServerPackage): string | undefined {
  if (!pkg.version) return "package version is required for NuGet packages";
  if (pkg.fileSha256) return "NuGet packages must not have 'fileSha256' field - this is only for MCPB packages";
  if (pkg.registryBaseUrl && pkg.registryBaseUrl !== NUGET_OFFICIAL_BASE) {
    return baseUrlMismatch(pkg.registryBaseUrl, "nuget", NUGET_OFFICIAL_BASE);
  }
  return undefined;
}

/**
 * NuGet's normalised, lower-cased version as the flat container spells it: build metadata
 * dropped, leading zeros removed, at least three numeric parts, a fourth part only when it
 * is not zero ("1.02.0.0+sha" → "1.2.0"; "1.0.0-Beta" → "1.0.0-beta").
 */
export function normalizeNuGetVersion(version: string): string {
  const withoutBuild = version.split("+")[0] ?? "";
  const dash = withoutBuild.indexOf("-");
  const core = dash < 0 ? withoutBuild : withoutBuild.slice(0, dash);
  const release = dash < 0 ? "" : withoutBuild.slice(dash);
  const parts = core.split(".");
  if (parts.length > 4 || !parts.every((part) => /^\d+$/.test(part))) return withoutBuild.toLowerCase();
  const numbers = parts.map((part) => String(Number(part)));
  while (numbers.length < 3) numbers.push("0");
  if (numbers.length === 4 && numbers[3] === "0") numbers.pop();
  return (numbers.join(".") + release).toLowerCase();
}

export function nugetReadmeUrl(base: string, identifier: string, version: string): string {
  const id = pathSegment(identifier.toLowerCase());
  return joinBase(base, `/v3-flatcontainer/${id}/${pathSegment(normalizeNuGetVersion(version))}/readme`);
}

export function nugetVersionsUrl(base: string, identifier: string): string {
  return joinBase(base, `/v3-flatcontainer/${pathSegment(identifier.toLowerCase())}/index.json`);
}

export function nugetReadmeProblem(
  readme: string,
  identifier: string,
  version: string,
  serverName: string,
): string | undefined {
  if (readmeDeclaresMcpName(readme, serverName)) return undefined;
  return `NuGet package '${identifier}' ownership validation for version ${version} failed. The server name '${serverName}' must appear as 'mcp-name: ${serverName}' in the package README. Add it to your README and publish a new package version`;
}

/** Why there was no README, judged from the package's version list (null: package unknown). */
export function nugetMissingReadmeReason(versions: unknown, identifier: string, version: string): string {
  if (versions === null) {
    return `NuGet package '${identifier}' does not exist in the registry. If you recently published the package for the first time, wait for validation to complete`;
  }
  const list = typeof versions === "object" ? (versions as { versions?: unknown }).versions : undefined;
  const wanted = normalizeNuGetVersion(version);
  if (Array.isArray(list) && list.some((entry) => typeof entry === "string" && entry.toLowerCase() === wanted)) {
    return `NuGet package '${identifier}' ownership validation for version ${version} failed because it does not have an embedded README. Add one to your package and publish a new version`;
  }
  return `NuGet package '${identifier}' exists but version ${version} does not exist in the registry. If you recently published the version, wait for validation to complete`;
}

export async function verifyNuGet(
  pkg: ServerPackage,
  serverName: string,
  nugetUrl: string,
): Promise<string | undefined> {
  const problem = nugetFieldProblem(pkg);
  if (problem !== undefined) return problem;
  const version = pkg.version ?? "";
  const headers = { "User-Agent": USER_AGENT };
  try {
    const readme = await fetchConfiguredFollowing(nugetReadmeUrl(nugetUrl, pkg.identifier, version), {
      headers,
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxBytes: MAX_README_BYTES,
    });
    if (readme.status === 200) return nugetReadmeProblem(readme.body, pkg.identifier, version, serverName);
    if (readme.status !== 404) return `NuGet README request returned status ${readme.status}`;

    const index = await fetchConfiguredFollowing(nugetVersionsUrl(nugetUrl, pkg.identifier), {
      headers: { ...headers, Accept: "application/json" },
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxBytes: MAX_INDEX_BYTES,
    });
    if (index.status === 404) return nugetMissingReadmeReason(null, pkg.identifier, version);
    if (index.status !== 200) return `NuGet package index returned status ${index.status}`;
    return nugetMissingReadmeReason(JSON.parse(index.body) as unknown, pkg.identifier, version);
  } catch (err) {
    return `failed to fetch README from NuGet: ${describeError(err)}`;
  }
}
