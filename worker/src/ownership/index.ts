// Package ownership verification at publish (spec §9): each package must prove it belongs to
// the server name being published. The caller decides whether ENABLE_REGISTRY_VALIDATION is on.
import type { ServerJson, ServerPackage } from "../domain/server-json/index.ts";
import { describeError } from "./http.ts";
import { verifyMcpb } from "./mcpb.ts";
import { verifyNpm } from "./npm.ts";
import { verifyNuGet } from "./nuget.ts";
import { verifyOci } from "./oci.ts";
import { verifyPyPI } from "./pypi.ts";

export { readmeDeclaresMcpName } from "./mcp-name.ts";
export { NPM_OFFICIAL_BASE } from "./npm.ts";
export { NUGET_OFFICIAL_BASE } from "./nuget.ts";
export { PYPI_OFFICIAL_BASE } from "./pypi.ts";
export { isAllowedOciRegistry, parseImageReference, type ImageReference } from "./oci-reference.ts";

/** Where we fetch from; registryBaseUrl in server.json is still compared with the official URLs. */
export interface OwnershipEnv {
  NPM_REGISTRY_URL: string;
  PYPI_URL: string;
  NUGET_URL: string;
  ADDITIONAL_OCI_REGISTRIES: string;
}

/** The reason one package fails, or undefined when it passes. */
function verifyPackage(pkg: ServerPackage, serverName: string, env: OwnershipEnv): Promise<string | undefined> {
  switch (pkg.registryType) {
    case "npm":
      return verifyNpm(pkg, serverName, env.NPM_REGISTRY_URL);
    case "pypi":
      return verifyPyPI(pkg, serverName, env.PYPI_URL);
    case "nuget":
      return verifyNuGet(pkg, serverName, env.NUGET_URL);
    case "oci":
      return verifyOci(pkg, serverName, env.ADDITIONAL_OCI_REGISTRIES);
    case "mcpb":
      return verifyMcpb(pkg);
    default:
      return Promise.resolve(`unsupported registry type: ${pkg.registryType}`);
  }
}

/**
 * Checks every package of the server, in order; returns the first failure as the official
 * message "registry validation failed for package <i> (<identifier>): <reason>" (i from 0),
 * or undefined when all pass. Never throws: network trouble is a failure of that package.
 */
export async function verifyPackageOwnership(server: ServerJson, env: OwnershipEnv): Promise<string | undefined> {
  const packages = server.packages ?? [];
  for (const [index, pkg] of packages.entries()) {
    let reason: string | undefined;
    try {
      reason = await verifyPackage(pkg, server.name, env);
    } catch (err) {
      // The verifiers map their own errors; this is the backstop for anything unforeseen.
      reason = `validation error: ${describeError(err)}`;
    }
    if (reason !== undefined) return `registry validation failed for package ${index} (${pkg.identifier}): ${reason}`;
  }
  return undefined;
}
