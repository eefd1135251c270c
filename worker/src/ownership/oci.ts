// OCI: the image config must carry the label io.modelcontextprotocol.server.name = server name.
// The image is read anonymously over the OCI distribution API: manifest (an image index is
// narrowed to linux/amd64), then the config blob. Registry hosts are publisher-chosen (within
// the allow-list) and token realms come from registry headers, so every request is a
// fetchPublic one.
import type { ServerPackage } from "../domain/server-json/index.ts";
import type { OutboundResponse } from "../net/outbound.ts";
import { describeError, fetchPublicFollowing, REQUEST_TIMEOUT_MS, USER_AGENT } from "./http.ts";
import { isAllowedOciRegistry, parseImageReference, registryApiBase, type ImageReference } from "./oci-reference.ts";

export const SERVER_NAME_LABEL = "io.modelcontextprotocol.server.name";

const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
const MANIFEST_ACCEPT = [
  ...INDEX_TYPES,
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Image configs carry the build history; a few MiB is generous. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Field rules checked before any request. */
export function ociFieldProblem(pkg: ServerPackage): string | undefined {
  if (pkg.registryBaseUrl) {
    return "OCI packages must not have 'registryBaseUrl' field - use canonical reference in 'identifier' instead (e.g., 'docker.io/owner/image:1.0.0')";
  }
  if (pkg.version) {
    return "OCI packages must not have 'version' field - include version in 'identifier' instead (e.g., 'docker.io/owner/image:1.0.0')";
  }
  if (pkg.fileSha256) return "OCI packages must not have 'fileSha256' field";
  return undefined;
}

export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

/** Reads `Bearer realm="…",service="…",scope="…"`; null for any other scheme. */
export function parseBearerChallenge(header: string | null): BearerChallenge | null {
  if (header === null) return null;
  const match = /^\s*bearer\s+(.*)$/is.exec(header);
  if (!match) return null;
  const params = new Map<string, string>();
  for (const [, key, quoted, bare] of (match[1] ?? "").matchAll(/([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g)) {
    if (key !== undefined) params.set(key.toLowerCase(), quoted ?? bare ?? "");
  }
  const realm = params.get("realm");
  if (!realm) return null;
  const challenge: BearerChallenge = { realm };
  const service = params.get("service");
  const scope = params.get("scope");
  if (service) challenge.service = service;
  if (scope) challenge.scope = scope;
  return challenge;
}

interface Descriptor {
  digest?: unknown;
  platform?: { os?: unknown; architecture?: unknown };
}

/** True for an image index / manifest list, judged by mediaType or, failing that, shape. */
export function isImageIndex(doc: unknown, contentType: string | null): boolean {
  const mediaType = (doc as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType === "string") return INDEX_TYPES.has(mediaType);
  if (contentType !== null && INDEX_TYPES.has(contentType.split(";")[0]?.trim() ?? "")) return true;
  return Array.isArray((doc as { manifests?: unknown } | null)?.manifests);
}

/**
 * The child manifest to read from an index: the first linux/amd64 entry (the platform the
 * official validator resolves), else the first entry that is not an attestation
 * ("unknown/unknown"), else the first. Undefined when the index lists nothing usable.
 */
export function selectIndexManifest(doc: unknown): string | undefined {
  const raw = (doc as { manifests?: unknown } | null)?.manifests;
  const entries = (Array.isArray(raw) ? (raw as Descriptor[]) : []).filter(
    (entry): entry is Descriptor & { digest: string } =>
      typeof entry === "object" && entry !== null && typeof entry.digest === "string" && DIGEST.test(entry.digest),
  );
  const chosen =
    entries.find((e) => e.platform?.os === "linux" && e.platform.architecture === "amd64") ??
    entries.find((e) => e.platform?.os !== "unknown") ??
    entries[0];
  return chosen?.digest;
}

/** Judges the labels of a parsed image config blob. */
export function ociConfigProblem(config: unknown, identifier: string, serverName: string): string | undefined {
  const labels = (config as { config?: { Labels?: unknown } } | null)?.config?.Labels;
  const value =
    typeof labels === "object" && labels !== null && Object.hasOwn(labels, SERVER_NAME_LABEL)
      ? (labels as Record<string, unknown>)[SERVER_NAME_LABEL]
      : undefined;
  if (value === undefined) {
    return `OCI image '${identifier}' is missing required annotation. Add this to your Dockerfile: LABEL ${SERVER_NAME_LABEL}="${serverName}"`;
  }
  if (value !== serverName) {
    return `OCI image ownership validation failed. Expected annotation '${SERVER_NAME_LABEL}' = '${serverName}', got '${String(value)}'`;
  }
  return undefined;
}

/** A non-200 answer from the registry or its token service. */
class RegistryStatusError extends Error {
  readonly status: number;
  constructor(status: number, what: string) {
    super(`${what} returned status ${status}`);
    this.name = "RegistryStatusError";
    this.status = status;
  }
}

/** Anonymous pull session for one repository; holds the bearer token once one is issued. */
interface Session {
  base: string;
  repository: string;
  token?: string;
}

async function anonymousToken(challenge: BearerChallenge, repository: string): Promise<string> {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  url.searchParams.set("scope", challenge.scope ?? `repository:${repository}:pull`);
  const response = await fetchPublicFollowing(url, {
    headers: { Accept: "application/json", "User-Agent": USER_AGENT },
    timeoutMs: REQUEST_TIMEOUT_MS,
    maxBytes: 64 * 1024,
  });
  if (response.status !== 200) throw new RegistryStatusError(response.status, "token request");
  const body = JSON.parse(response.body) as { token?: unknown; access_token?: unknown };
  const token = typeof body.token === "string" && body.token ? body.token : body.access_token;
  if (typeof token !== "string" || token === "") throw new Error("token response carried no token");
  return token;
}

/** GET <base>/v2/<repo>/<path>; a 401 Bearer challenge is answered once with an anonymous token. */
async function registryGet(
  session: Session,
  path: string,
  accept: string,
  maxBytes: number,
): Promise<OutboundResponse> {
  const url = `${session.base}/v2/${session.repository}/${path}`;
  const send = () =>
    fetchPublicFollowing(url, {
      headers: {
        Accept: accept,
        "User-Agent": USER_AGENT,
        ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}),
      },
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxBytes,
    });
  let response = await send();
  if (response.status === 401 && session.token === undefined) {
    const challenge = parseBearerChallenge(response.headers.get("www-authenticate"));
    if (challenge) {
      session.token = await anonymousToken(challenge, session.repository);
      response = await send();
    }
  }
  if (response.status !== 200) throw new RegistryStatusError(response.status, `GET /v2/${session.repository}/${path}`);
  return response;
}

/** Resolves the reference to an image config (following one level of index). */
async function fetchImageConfig(ref: ImageReference): Promise<unknown> {
  const session: Session = { base: registryApiBase(ref.registry), repository: ref.repository };
  let response = await registryGet(
    session,
    `manifests/${ref.digest ?? ref.tag ?? ""}`,
    MANIFEST_ACCEPT,
    MAX_MANIFEST_BYTES,
  );
  let manifest = JSON.parse(response.body) as unknown;
  if (isImageIndex(manifest, response.headers.get("content-type"))) {
    const child = selectIndexManifest(manifest);
    if (child === undefined) throw new Error("image index lists no manifests");
    response = await registryGet(session, `manifests/${child}`, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
    manifest = JSON.parse(response.body) as unknown;
    if (isImageIndex(manifest, response.headers.get("content-type"))) throw new Error("nested image index");
  }
  const configDigest = (manifest as { config?: { digest?: unknown } } | null)?.config?.digest;
  if (typeof configDigest !== "string" || !DIGEST.test(configDigest)) {
    throw new Error("image manifest has no sha256 config digest");
  }
  response = await registryGet(session, `blobs/${configDigest}`, "application/json, */*", MAX_CONFIG_BYTES);
  return JSON.parse(response.body) as unknown;
}

export async function verifyOci(
  pkg: ServerPackage,
  serverName: string,
  additionalRegistries: string,
): Promise<string | undefined> {
  const problem = ociFieldProblem(pkg);
  if (problem !== undefined) return problem;
  const parsed = parseImageReference(pkg.identifier);
  if (!parsed.ok) return parsed.reason;
  if (!isAllowedOciRegistry(parsed.value.registry, additionalRegistries)) {
    return `unsupported OCI registry: ${parsed.value.registry}`;
  }
  let config: unknown;
  try {
    config = await fetchImageConfig(parsed.value);
  } catch (err) {
    if (err instanceof RegistryStatusError) {
      // Rate limiting is the registry's problem, not the publisher's: the official
      // validator lets the publish through unchecked.
      if (err.status === 429) return undefined;
      if (err.status === 404 || err.status === 401 || err.status === 403) {
        return `OCI image '${pkg.identifier}' not found or not accessible (status: ${err.status})`;
      }
    }
    return `failed to fetch OCI image: ${describeError(err)}`;
  }
  return ociConfigProblem(config, pkg.identifier, serverName);
}
