// Package identity for the denylist. Pure: when two package identifiers of one registry name
// the same package, by that registry's rules. A denylist value is "<registryType>:<identity>".
//
//   npm    lower case ("@Scope/Pkg" is "@scope/pkg")
//   pypi   PEP 503: lower case, every run of "-", "_" and "." is one "-" ("Probe_Pkg" is "probe-pkg")
//   nuget  case-insensitive ids: lower case
//   cargo  crates.io: case-insensitive, "-" and "_" are one character: lower case, "_" as "-"
//   oci    "<registry>/<repository>" in lower case, without tag or digest; Docker Hub's aliases
//          (docker.io, index.docker.io, registry-1.docker.io, no registry at all) are "docker.io",
//          and its one-component names get the implicit "library/" ("nginx" is docker.io/library/nginx)
//   mcpb   a download URL: lower case, no user info, fragment, default port or trailing host
//          dot, host in ASCII (IDNA), percent escapes of unreserved characters decoded, dot
//          segments resolved
import { isIpHost } from "./url-host.ts";

export const PACKAGE_REGISTRY_TYPES = ["npm", "pypi", "nuget", "oci", "mcpb", "cargo"] as const;
export type PackageRegistryType = (typeof PACKAGE_REGISTRY_TYPES)[number];

type Identity = { value: string } | { error: string };

export function isPackageRegistryType(type: string): type is PackageRegistryType {
  return (PACKAGE_REGISTRY_TYPES as readonly string[]).includes(type);
}

const NPM = /^(?:@[a-z0-9][a-z0-9._~!'()*-]*\/)?[a-z0-9._~!'()*-]+$/;
const PYPI = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;
const NUGET = /^[a-z0-9_]+(?:[.-][a-z0-9_]+)*$/;
const CARGO = /^[a-z][a-z0-9_-]*$/;
const OCI_PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const OCI_HOST = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]+)?$/;
const OCI_TAG = /^[a-z0-9_][a-z0-9_.-]{0,127}$/;
const OCI_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-z0-9=_-]+$/;
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** A package name as PEP 503 compares it. */
function pep503(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** An image reference as "<registry>/<repository>" (see the header), or why it is none. */
function ociIdentity(reference: string): Identity {
  const fail = (why: string): Identity => ({
    error: `an oci value is an image reference, e.g. ghcr.io/acme/tool: ${why}`,
  });
  let name = reference.toLowerCase();
  const at = name.indexOf("@");
  if (at !== -1) {
    if (!OCI_DIGEST.test(name.slice(at + 1))) return fail("invalid digest");
    name = name.slice(0, at);
  }
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    if (!OCI_TAG.test(name.slice(colon + 1))) return fail("invalid tag");
    name = name.slice(0, colon);
  }
  const components = name.split("/");
  let registry = "docker.io";
  const first = components[0] ?? "";
  if (components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    if (!OCI_HOST.test(first)) return fail(`invalid registry host "${first}"`);
    registry = DOCKER_HUB_ALIASES.has(first) ? "docker.io" : first;
    components.shift();
  }
  if (registry === "docker.io" && components.length === 1) components.unshift("library");
  if (!components.every((c) => OCI_PATH_COMPONENT.test(c))) return fail(`invalid repository "${components.join("/")}"`);
  return { value: `${registry}/${components.join("/")}` };
}

/** Percent escapes of unreserved characters (RFC 3986 §2.3) decoded: "%78" is "x". */
function decodeUnreserved(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (encoded, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9._~-]/.test(c) ? c : encoded;
  });
}

/** An MCPB download URL in the form compared (see the header), or why it is none. */
function mcpbIdentity(identifier: string): Identity {
  const fail: Identity = { error: "an mcpb value is the package's download URL, e.g. https://example.com/tool.mcpb" };
  let url: URL;
  try {
    url = new URL(decodeUnreserved(identifier));
  } catch {
    return fail;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "") return fail;
  const host = isIpHost(url.hostname) ? url.hostname : url.hostname.replace(/\.$/, "");
  const port = url.port === "" ? "" : `:${url.port}`;
  return { value: `${url.protocol}//${host}${port}${url.pathname}${url.search}`.toLowerCase() };
}

/**
 * The identity of a package identifier in its registry (see the header), or why the
 * identifier cannot be one. Surrounding white space is ignored.
 */
export function packageIdentity(type: PackageRegistryType, identifier: string): Identity {
  const id = identifier.trim();
  if (id === "") return { error: "value must not be empty" };
  const lower = id.toLowerCase();
  switch (type) {
    case "npm":
      return NPM.test(lower) && lower.length <= 214
        ? { value: lower }
        : { error: "an npm value is a package name, e.g. @acme/tool or tool" };
    case "pypi":
      return PYPI.test(lower) ? { value: pep503(lower) } : { error: "a pypi value is a project name, e.g. acme-tool" };
    case "nuget":
      return NUGET.test(lower) ? { value: lower } : { error: "a nuget value is a package id, e.g. Acme.Tool" };
    case "cargo":
      return CARGO.test(lower) ? { value: lower.replaceAll("_", "-") } : { error: "a cargo value is a crate name" };
    case "oci":
      return ociIdentity(id);
    case "mcpb":
      return mcpbIdentity(id);
  }
}

/**
 * The identity a server.json package is matched under: packageIdentity when the identifier is
 * valid for its registry, otherwise the identifier in lower case (with an image's tag or digest
 * removed), so that an invalid spelling never escapes a match its valid twin would hit.
 */
export function packageMatchIdentity(type: PackageRegistryType, identifier: string): string {
  const identity = packageIdentity(type, identifier);
  if ("value" in identity) return identity.value;
  if (type === "pypi") return pep503(identifier.trim());
  if (type === "cargo") return identifier.trim().toLowerCase().replaceAll("_", "-");
  let key = identifier.trim().toLowerCase();
  if (type === "oci") {
    const at = key.indexOf("@");
    if (at !== -1) key = key.slice(0, at);
    const colon = key.lastIndexOf(":");
    if (colon > key.lastIndexOf("/")) key = key.slice(0, colon);
  }
  return key;
}

/**
 * A package denylist value: "<type>:<identity>". The type comes from `registryType` or from a
 * "<type>:" prefix of the value (so what GET lists can be sent back as is); an entry without a
 * type is refused, since a name means different packages in different registries.
 */
export function packageEntryValue(registryType: PackageRegistryType | undefined, raw: string): Identity {
  let value = raw.trim();
  const colon = value.indexOf(":");
  const prefix = colon > 0 ? value.slice(0, colon).toLowerCase() : "";
  let type = registryType;
  if (type === undefined) {
    if (!isPackageRegistryType(prefix)) {
      return {
        error: `a package entry needs its registry type: send registryType (${PACKAGE_REGISTRY_TYPES.join(", ")}) or write the value as <type>:<identifier>, e.g. pypi:acme-tool`,
      };
    }
    type = prefix;
  }
  if (prefix === type) value = value.slice(colon + 1);
  const identity = packageIdentity(type, value);
  return "error" in identity ? identity : { value: `${type}:${identity.value}` };
}

/** The registry type and identity of a stored package value, if it has the typed form. */
export function splitPackageValue(value: string): { type: PackageRegistryType; identity: string } | undefined {
  const colon = value.indexOf(":");
  const type = colon > 0 ? value.slice(0, colon) : "";
  return isPackageRegistryType(type) ? { type, identity: value.slice(colon + 1) } : undefined;
}

/**
 * Lower-case substrings that every identifier with this identity contains (so SQL can narrow a
 * scan to candidates); undefined when there is none to rely on (MCPB URLs may be spelled with
 * percent escapes or Unicode hosts: see the candidate query).
 */
export function packageSearchTerms(value: string): string[] | undefined {
  const split = splitPackageValue(value);
  if (split === undefined) return [value];
  const { type, identity } = split;
  switch (type) {
    case "pypi":
    case "cargo":
      return identity.split("-").filter((part) => part !== "");
    case "oci":
      // A Docker Hub image may be written without "docker.io/" or "library/".
      return identity.startsWith("docker.io/library/")
        ? [identity.slice("docker.io/library/".length)]
        : identity.startsWith("docker.io/")
          ? [identity.slice("docker.io/".length)]
          : [identity];
    case "mcpb":
      return undefined;
    default:
      return [identity];
  }
}

/**
 * The repository names (lower case, without tag or digest) that an image reference may be
 * written as to have this OCI identity: the identity itself and, on Docker Hub, its aliases,
 * no registry at all, and for official images no "library/" (so SQL can compare them).
 */
export function ociRepositorySpellings(identity: string): string[] {
  const hub = "docker.io/";
  if (!identity.startsWith(hub)) return [identity];
  const path = identity.slice(hub.length);
  const official = path.startsWith("library/") && !path.slice("library/".length).includes("/");
  const paths = official ? [path, path.slice("library/".length)] : [path];
  return [...paths, ...[...DOCKER_HUB_ALIASES].flatMap((registry) => paths.map((p) => `${registry}/${p}`))];
}

/**
 * What every download URL with this MCPB identity spells literally, once in lower case and
 * without percent escapes, tabs or backslashes (so SQL can narrow to candidates): the host as
 * the URL parser reads it, and each segment of the path that has no escape, between its
 * slashes ("/releases/", and the last one after its slash, "/tool.mcpb"): resolving dot
 * segments only removes segments. Undefined when the identity is no URL (a row from before
 * the canonical forms).
 */
export function mcpbUrlParts(identity: string): { host: string; pathPieces: string[] } | undefined {
  let url: URL;
  try {
    url = new URL(identity);
  } catch {
    return undefined;
  }
  const segments = url.pathname.toLowerCase().split("/").slice(1);
  const pathPieces = segments.flatMap((segment, i) =>
    segment === "" || segment.includes("%") ? [] : [i < segments.length - 1 ? `/${segment}/` : `/${segment}`],
  );
  return { host: url.hostname.toLowerCase(), pathPieces };
}
