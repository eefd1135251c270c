// PyPI: the long description (README) of the published release must hold "mcp-name: <name>".
import type { ServerPackage } from "../domain/server-json/index.ts";
import { baseUrlMismatch, fetchMetadataJson, joinBase, pathSegment } from "./http.ts";
import { readmeDeclaresMcpName } from "./mcp-name.ts";

/** The only registryBaseUrl a publisher may name (we fetch from PYPI_URL). */
export const PYPI_OFFICIAL_BASE = "https://pypi.org";
/** The release JSON embeds the whole README, which can be long. */
const MAX_BYTES = 5 * 1024 * 1024;

/** Field rules checked before any request. */
export function pypiFieldProblem(pkg: ServerPackage): string | undefined {
  if (!pkg.version) return "package version is required for PyPI packages";
  if (pkg.fileSha256) return "PyPI packages must not have 'fileSha256' field - this is only for MCPB packages";
  if (pkg.registryBaseUrl && pkg.registryBaseUrl !== PYPI_OFFICIAL_BASE) {
    return baseUrlMismatch(pkg.registryBaseUrl, "pypi", PYPI_OFFICIAL_BASE);
  }
  return undefined;
}

/** The JSON API of one release: GET <base>/pypi/<project>/<version>/json. */
export function pypiReleaseUrl(base: string, identifier: string, version: string): string {
  return joinBase(base, `/pypi/${pathSegment(identifier)}/${pathSegment(version)}/json`);
}

/** Judges a parsed release document by its info.description. */
export function pypiReleaseProblem(release: unknown, identifier: string, serverName: string): string | undefined {
  const info = typeof release === "object" && release !== null ? (release as { info?: unknown }).info : undefined;
  const description =
    typeof info === "object" && info !== null ? (info as { description?: unknown }).description : undefined;
  if (typeof description === "string" && readmeDeclaresMcpName(description, serverName)) return undefined;
  return `PyPI package '${identifier}' ownership validation failed. The server name '${serverName}' must appear as 'mcp-name: ${serverName}' in the package README`;
}

export async function verifyPyPI(pkg: ServerPackage, serverName: string, pypiUrl: string): Promise<string | undefined> {
  const problem = pypiFieldProblem(pkg);
  if (problem !== undefined) return problem;
  const version = pkg.version ?? "";
  const url = () => pypiReleaseUrl(pypiUrl, pkg.identifier, version);
  const fetched = await fetchMetadataJson("PyPI", url, pkg.identifier, version, MAX_BYTES);
  if ("problem" in fetched) return fetched.problem;
  return pypiReleaseProblem(fetched.document, pkg.identifier, serverName);
}
