// npm: the package.json of the published version must carry "mcpName": "<server name>".
import type { ServerPackage } from "../domain/server-json/index.ts";
import { baseUrlMismatch, fetchMetadataJson, joinBase, pathSegment } from "./http.ts";

/** The only registryBaseUrl a publisher may name (we fetch from NPM_REGISTRY_URL). */
export const NPM_OFFICIAL_BASE = "https://registry.npmjs.org";
/** Version documents are small; the whole packument is never fetched. */
const MAX_BYTES = 2 * 1024 * 1024;

/** Field rules checked before any request. */
export function npmFieldProblem(pkg: ServerPackage): string | undefined {
  // Without a version the registry answers with every version, and mcpName could not be tied
  // to the release being published.
  if (!pkg.version) return "package version is required for NPM packages";
  if (pkg.fileSha256) return "NPM packages must not have 'fileSha256' field";
  if (pkg.registryBaseUrl && pkg.registryBaseUrl !== NPM_OFFICIAL_BASE) {
    return baseUrlMismatch(pkg.registryBaseUrl, "npm", NPM_OFFICIAL_BASE);
  }
  return undefined;
}

/** GET <base>/<name>/<version>; a scoped name travels as one segment, "@scope%2Fname". */
export function npmVersionUrl(base: string, identifier: string, version: string): string {
  return joinBase(base, `/${pathSegment(identifier)}/${pathSegment(version)}`);
}

/** Judges a parsed version document. */
export function npmManifestProblem(
  manifest: unknown,
  identifier: string,
  version: string,
  serverName: string,
): string | undefined {
  const mcpName =
    typeof manifest === "object" && manifest !== null ? (manifest as { mcpName?: unknown }).mcpName : undefined;
  if (typeof mcpName !== "string" || mcpName === "") {
    return `NPM package '${identifier}' version '${version}' is missing required 'mcpName' field. Add this to your package.json: "mcpName": "${serverName}"`;
  }
  if (mcpName !== serverName) {
    return `NPM package '${identifier}' version '${version}' ownership validation failed. Expected mcpName '${serverName}', got '${mcpName}'`;
  }
  return undefined;
}

export async function verifyNpm(
  pkg: ServerPackage,
  serverName: string,
  registryUrl: string,
): Promise<string | undefined> {
  const problem = npmFieldProblem(pkg);
  if (problem !== undefined) return problem;
  const version = pkg.version ?? "";
  const url = () => npmVersionUrl(registryUrl, pkg.identifier, version);
  const fetched = await fetchMetadataJson("NPM", url, pkg.identifier, version, MAX_BYTES);
  if ("problem" in fetched) return fetched.problem;
  return npmManifestProblem(fetched.document, pkg.identifier, version, serverName);
}
