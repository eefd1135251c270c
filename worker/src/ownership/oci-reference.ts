// Pure OCI image-reference parsing and the registry allow-list (no network here).

export interface ImageReference {
  /** Lower-cased registry host (with port if given); every Docker Hub alias becomes "docker.io". */
  registry: string;
  /** Repository path; Docker Hub official images get the implicit "library/" prefix. */
  repository: string;
  tag?: string;
  /** "sha256:<64 hex>"; wins over the tag when both are given. */
  digest?: string;
}

export type ParsedReference = { ok: true; value: ImageReference } | { ok: false; reason: string };

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]+)?$/;

/**
 * Parses `[host[:port]/]path[:tag][@sha256:digest]` by the Docker reference grammar: the first
 * component is a host only when it has a "." or ":" or is "localhost"; otherwise the image is on
 * Docker Hub. A tag or a digest is required, since "latest" would not pin what was verified.
 */
export function parseImageReference(reference: string): ParsedReference {
  const fail = (why: string): ParsedReference => ({ ok: false, reason: `invalid OCI reference: ${why}` });
  let name = reference;
  let digest: string | undefined;
  const at = reference.indexOf("@");
  if (at >= 0) {
    digest = reference.slice(at + 1);
    name = reference.slice(0, at);
    if (!DIGEST.test(digest)) return fail("digest must be sha256 followed by 64 lower-case hex characters");
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) return fail(`invalid tag "${tag}"`);
  }
  if (tag === undefined && digest === undefined) {
    return fail(`OCI reference must include either a tag or digest: ${reference}`);
  }

  const components = name.split("/");
  let registry = "docker.io";
  const first = components[0] ?? "";
  if (components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first.toLowerCase();
    components.shift();
    if (!HOST.test(registry)) return fail(`invalid registry host "${first}"`);
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = "docker.io";
    if (components.length === 1) components.unshift("library");
  }
  if (components.length === 0 || !components.every((c) => PATH_COMPONENT.test(c))) {
    return fail(`invalid repository name "${components.join("/")}" (lower-case letters, digits and separators only)`);
  }
  const value: ImageReference = { registry, repository: components.join("/") };
  if (tag !== undefined) value.tag = tag;
  if (digest !== undefined) value.digest = digest;
  return { ok: true, value };
}

/**
 * Docker Hub, GHCR, Google Artifact Registry (*.pkg.dev), Azure Container Registry
 * (*.azurecr.io), Microsoft Artifact Registry, plus the operator's comma list. A list entry
 * "*.example.com" admits every subdomain of example.com.
 */
export function isAllowedOciRegistry(registry: string, additional: string): boolean {
  const host = registry.toLowerCase();
  if (DOCKER_HUB_ALIASES.has(host) || host === "ghcr.io" || host === "mcr.microsoft.com") return true;
  if (host.endsWith(".pkg.dev") || host.endsWith(".azurecr.io")) return true;
  return additional
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "")
    .some((entry) => (entry.startsWith("*.") ? host.endsWith(entry.slice(1)) : host === entry));
}

/** Where the distribution API of a registry lives (Docker Hub serves it from registry-1). */
export function registryApiBase(registry: string): string {
  return registry === "docker.io" ? "https://registry-1.docker.io" : `https://${registry}`;
}
