import { afterEach, describe, expect, it, vi } from "vitest";
import { stubFetch, type Handler } from "./helpers/fetch-stub.ts";
import { sampleServer } from "./helpers/server-json-fixture.ts";
import { parseServerJson, type ServerJson } from "../worker/src/domain/server-json/index.ts";
import {
  isAllowedOciRegistry,
  parseImageReference,
  verifyPackageOwnership,
  type OwnershipEnv,
} from "../worker/src/ownership/index.ts";
import { parseBearerChallenge, selectIndexManifest } from "../worker/src/ownership/oci.ts";

// OCI ownership (spec §9): allow-listed registry, anonymous distribution-API read of the
// manifest and config blob, label io.modelcontextprotocol.server.name, 429 skips the check.

const ENV: OwnershipEnv = {
  NPM_REGISTRY_URL: "https://npm.test",
  PYPI_URL: "https://pypi.test",
  NUGET_URL: "https://nuget.test",
  ADDITIONAL_OCI_REGISTRIES: " registry.example.com , *.images.example.org",
};
const NAME = "io.github.alice/weather";
const LABEL = "io.modelcontextprotocol.server.name";
const digest = (c: string) => `sha256:${c.repeat(64)}`;

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    Response.json(body, { status, headers });

function server(identifier: string, extra: Record<string, unknown> = {}): ServerJson {
  const pkg = { registryType: "oci", identifier, transport: { type: "stdio" }, ...extra };
  const result = parseServerJson(sampleServer({ name: NAME, packages: [pkg] }));
  if (!result.ok) throw new Error(`fixture rejected: ${JSON.stringify(result.errors)}`);
  return result.value;
}
const prefix = (identifier: string) => `registry validation failed for package 0 (${identifier}): `;

const imageManifest = (configDigest: string) => ({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: 100 },
  layers: [],
});
const imageConfig = (labels: Record<string, string> | null) => ({
  architecture: "amd64",
  os: "linux",
  config: { Labels: labels },
});

/** A registry that wants a bearer token for every /v2 request; answers once authorised. */
function tokenProtected(
  token: string,
  realm: string,
  service: string,
  routes: Record<string, Handler>,
): Record<string, Handler> {
  const guarded: Record<string, Handler> = {};
  for (const [key, handler] of Object.entries(routes)) {
    guarded[key] = (request) =>
      request.headers.get("authorization") === `Bearer ${token}`
        ? handler(request)
        : new Response("unauthorized", {
            status: 401,
            headers: { "WWW-Authenticate": `Bearer realm="${realm}",service="${service}",scope="repository:x:pull"` },
          });
  }
  return guarded;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("parseImageReference", () => {
  const ok = (ref: string) => {
    const parsed = parseImageReference(ref);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  };

  it("applies Docker Hub defaults and normalises its aliases", () => {
    expect(ok("postgres:16")).toEqual({ registry: "docker.io", repository: "library/postgres", tag: "16" });
    expect(ok("alice/weather:1.0")).toEqual({ registry: "docker.io", repository: "alice/weather", tag: "1.0" });
    expect(ok("registry-1.docker.io/alice/weather:1")).toEqual({
      registry: "docker.io",
      repository: "alice/weather",
      tag: "1",
    });
    expect(ok(`index.docker.io/redis@${digest("a")}`)).toEqual({
      registry: "docker.io",
      repository: "library/redis",
      digest: digest("a"),
    });
    expect(ok("docker.io/alice/weather:1").registry).toBe("docker.io");
  });

  it("reads hosts, ports, nested paths, tags and digests", () => {
    expect(ok("ghcr.io/alice/tools/weather:1.0.0")).toEqual({
      registry: "ghcr.io",
      repository: "alice/tools/weather",
      tag: "1.0.0",
    });
    expect(ok("localhost:5000/weather:dev")).toEqual({ registry: "localhost:5000", repository: "weather", tag: "dev" });
    expect(ok(`GHCR.io/alice/weather:1@${digest("b")}`)).toEqual({
      registry: "ghcr.io",
      repository: "alice/weather",
      tag: "1",
      digest: digest("b"),
    });
  });

  it.each([
    ["no tag or digest", "ghcr.io/alice/weather", "must include either a tag or digest"],
    ["a short digest", "ghcr.io/alice/weather@sha256:abc", "digest must be sha256"],
    ["another digest algorithm", `ghcr.io/alice/weather@sha512:${"a".repeat(128)}`, "digest must be sha256"],
    ["upper-case repository", "ghcr.io/Alice/weather:1", "invalid repository name"],
    ["a bad tag", "ghcr.io/alice/weather:-x", "invalid tag"],
    ["an empty path component", "ghcr.io//weather:1", "invalid repository name"],
  ])("refuses %s", (_label, ref, reason) => {
    const parsed = parseImageReference(ref);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe("isAllowedOciRegistry", () => {
  it.each([
    ["docker.io", true],
    ["ghcr.io", true],
    ["us-docker.pkg.dev", true],
    ["europe-west1-docker.pkg.dev", true],
    ["alice.azurecr.io", true],
    ["mcr.microsoft.com", true],
    ["registry.example.com", true],
    ["eu.images.example.org", true],
    ["images.example.org", false],
    ["quay.io", false],
    ["evilpkg.dev", false],
    ["pkg.dev.evil.com", false],
    ["ghcr.io.evil.com", false],
  ])("%s → %s", (host, allowed) => {
    expect(isAllowedOciRegistry(host, ENV.ADDITIONAL_OCI_REGISTRIES)).toBe(allowed);
  });
});

describe("OCI helpers", () => {
  it("parses Bearer challenges", () => {
    expect(
      parseBearerChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scope: "repository:a/b:pull,push",
    });
    expect(parseBearerChallenge('bearer realm="https://ghcr.io/token"')).toEqual({ realm: "https://ghcr.io/token" });
    expect(parseBearerChallenge('Basic realm="x"')).toBeNull();
    expect(parseBearerChallenge(null)).toBeNull();
  });

  it("picks linux/amd64 from an index, else the first real platform", () => {
    const index = (manifests: unknown[]) => ({ mediaType: "application/vnd.oci.image.index.v1+json", manifests });
    expect(
      selectIndexManifest(
        index([
          { digest: digest("1"), platform: { os: "linux", architecture: "arm64" } },
          { digest: digest("2"), platform: { os: "linux", architecture: "amd64" } },
        ]),
      ),
    ).toBe(digest("2"));
    expect(
      selectIndexManifest(
        index([
          { digest: digest("3"), platform: { os: "unknown", architecture: "unknown" } },
          { digest: digest("4"), platform: { os: "windows", architecture: "amd64" } },
        ]),
      ),
    ).toBe(digest("4"));
    expect(selectIndexManifest(index([{ digest: "sha256:../../etc" }]))).toBeUndefined();
  });
});

describe("OCI verification", () => {
  const cfg = digest("c");

  it("runs the GHCR anonymous token flow through an image index, dropping the token on the blob CDN hop", async () => {
    const amd64 = digest("2");
    const seen = stubFetch({
      ...tokenProtected("t-ghcr", "https://ghcr.io/token", "ghcr.io", {
        "GET https://ghcr.io/v2/alice/weather/manifests/1.0.0": json(
          {
            schemaVersion: 2,
            mediaType: "application/vnd.oci.image.index.v1+json",
            manifests: [
              { digest: digest("1"), platform: { os: "linux", architecture: "arm64" } },
              { digest: amd64, platform: { os: "linux", architecture: "amd64" } },
              { digest: digest("3"), platform: { os: "unknown", architecture: "unknown" } },
            ],
          },
          200,
          { "Content-Type": "application/vnd.oci.image.index.v1+json" },
        ),
        [`GET https://ghcr.io/v2/alice/weather/manifests/${amd64}`]: json(imageManifest(cfg)),
        [`GET https://ghcr.io/v2/alice/weather/blobs/${cfg}`]: () =>
          new Response(null, {
            status: 307,
            headers: { Location: "https://pkg-containers.githubusercontent.com/blob?sig=1" },
          }),
      }),
      "GET https://ghcr.io/token?service=ghcr.io&scope=repository%3Ax%3Apull": json({ token: "t-ghcr" }),
      "GET https://pkg-containers.githubusercontent.com/blob?sig=1": json(imageConfig({ [LABEL]: NAME })),
    });
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1.0.0"), ENV)).toBeUndefined();
    expect(seen.map((r) => `${r.url} ${r.headers.get("authorization") ?? "-"}`)).toEqual([
      "https://ghcr.io/v2/alice/weather/manifests/1.0.0 -",
      "https://ghcr.io/token?service=ghcr.io&scope=repository%3Ax%3Apull -",
      "https://ghcr.io/v2/alice/weather/manifests/1.0.0 Bearer t-ghcr",
      `https://ghcr.io/v2/alice/weather/manifests/${amd64} Bearer t-ghcr`,
      `https://ghcr.io/v2/alice/weather/blobs/${cfg} Bearer t-ghcr`,
      "https://pkg-containers.githubusercontent.com/blob?sig=1 -",
    ]);
    expect(seen[0]?.headers.get("accept")).toContain("application/vnd.oci.image.index.v1+json");
  });

  it("reads Docker Hub images from registry-1.docker.io with an auth.docker.io token (access_token form)", async () => {
    stubFetch({
      ...tokenProtected("t-hub", "https://auth.docker.io/token", "registry.docker.io", {
        "GET https://registry-1.docker.io/v2/library/weather/manifests/2": json({
          schemaVersion: 2,
          mediaType: "application/vnd.docker.distribution.manifest.v2+json",
          config: { digest: cfg },
        }),
        [`GET https://registry-1.docker.io/v2/library/weather/blobs/${cfg}`]: json(
          imageConfig({ [LABEL]: "io.github.bob/weather" }),
        ),
      }),
      "GET https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Ax%3Apull": json({
        access_token: "t-hub",
      }),
    });
    expect(await verifyPackageOwnership(server("weather:2"), ENV)).toBe(
      `${prefix("weather:2")}OCI image ownership validation failed. Expected annotation '${LABEL}' = '${NAME}', got 'io.github.bob/weather'`,
    );
  });

  it("fetches by digest when one is given, without a token when none is asked for", async () => {
    const pinned = digest("d");
    const seen = stubFetch({
      [`GET https://alice.azurecr.io/v2/weather/manifests/${pinned}`]: json(imageManifest(cfg)),
      [`GET https://alice.azurecr.io/v2/weather/blobs/${cfg}`]: json(imageConfig({ [LABEL]: NAME })),
    });
    expect(await verifyPackageOwnership(server(`alice.azurecr.io/weather:1@${pinned}`), ENV)).toBeUndefined();
    expect(seen).toHaveLength(2);
  });

  it.each([
    ["no labels at all", imageConfig(null)],
    ["other labels only", imageConfig({ "org.opencontainers.image.title": "weather" })],
  ])("reports a missing label (%s)", async (_label, config) => {
    stubFetch({
      "GET https://registry.example.com/v2/weather/manifests/1": json(imageManifest(cfg)),
      [`GET https://registry.example.com/v2/weather/blobs/${cfg}`]: json(config),
    });
    expect(await verifyPackageOwnership(server("registry.example.com/weather:1"), ENV)).toBe(
      `${prefix("registry.example.com/weather:1")}OCI image 'registry.example.com/weather:1' is missing required annotation. Add this to your Dockerfile: LABEL ${LABEL}="${NAME}"`,
    );
  });

  it.each([
    ["the manifest", { "GET https://ghcr.io/v2/alice/weather/manifests/1": json({}, 429) }],
    [
      "the token service",
      {
        "GET https://ghcr.io/v2/alice/weather/manifests/1": () =>
          new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="https://ghcr.io/token"' } }),
        "GET https://ghcr.io/token?scope=repository%3Aalice%2Fweather%3Apull": json({}, 429),
      },
    ],
    [
      "the config blob",
      {
        "GET https://ghcr.io/v2/alice/weather/manifests/1": json(imageManifest(cfg)),
        [`GET https://ghcr.io/v2/alice/weather/blobs/${cfg}`]: json({}, 429),
      },
    ],
  ])("skips the check when %s answers 429", async (_where, routes) => {
    stubFetch(routes);
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toBeUndefined();
  });

  it.each([404, 401])("reports an inaccessible image (status %i after the token)", async (status) => {
    stubFetch({
      ...tokenProtected("t", "https://ghcr.io/token", "ghcr.io", {
        "GET https://ghcr.io/v2/alice/weather/manifests/1": json({ errors: [] }, status),
      }),
      "GET https://ghcr.io/token?service=ghcr.io&scope=repository%3Ax%3Apull": json({ token: "t" }),
    });
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toBe(
      `${prefix("ghcr.io/alice/weather:1")}OCI image 'ghcr.io/alice/weather:1' not found or not accessible (status: ${status})`,
    );
  });

  it("refuses registries outside the allow-list without a request", async () => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(server("quay.io/alice/weather:1"), ENV)).toBe(
      `${prefix("quay.io/alice/weather:1")}unsupported OCI registry: quay.io`,
    );
    expect(await verifyPackageOwnership(server("10.0.0.8:5000/weather:1"), ENV)).toContain(
      "unsupported OCI registry: 10.0.0.8:5000",
    );
    expect(seen).toHaveLength(0);
  });

  it.each([
    ["registryBaseUrl", { registryBaseUrl: "https://ghcr.io" }, "OCI packages must not have 'registryBaseUrl' field"],
    ["version", { version: "1.0.0" }, "OCI packages must not have 'version' field"],
    ["fileSha256", { fileSha256: "e".repeat(64) }, "OCI packages must not have 'fileSha256' field"],
  ])("refuses %s without a request", async (_field, extra, reason) => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1", extra), ENV)).toContain(reason);
    expect(seen).toHaveLength(0);
  });

  it("refuses an untagged reference without a request", async () => {
    const seen = stubFetch({});
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather"), ENV)).toContain(
      "invalid OCI reference: OCI reference must include either a tag or digest",
    );
    expect(seen).toHaveLength(0);
  });

  it("refuses a token realm on a private address without requesting it", async () => {
    const seen = stubFetch({
      "GET https://ghcr.io/v2/alice/weather/manifests/1": () =>
        new Response(null, {
          status: 401,
          headers: { "WWW-Authenticate": 'Bearer realm="https://169.254.169.254/token"' },
        }),
    });
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toContain(
      "failed to fetch OCI image: non-public address not allowed: 169.254.169.254",
    );
    expect(seen).toHaveLength(1);
  });

  it("turns network errors and bad documents into failures", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toMatch(
      /failed to fetch OCI image: .*Network connection lost/,
    );
    vi.restoreAllMocks();

    stubFetch({ "GET https://ghcr.io/v2/alice/weather/manifests/1": () => new Response("not json") });
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toContain(
      "failed to fetch OCI image: ",
    );
    vi.restoreAllMocks();

    stubFetch({ "GET https://ghcr.io/v2/alice/weather/manifests/1": json({ schemaVersion: 2, layers: [] }) });
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toContain(
      "image manifest has no sha256 config digest",
    );
    vi.restoreAllMocks();

    stubFetch({
      "GET https://ghcr.io/v2/alice/weather/manifests/1": json({
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [],
      }),
    });
    expect(await verifyPackageOwnership(server("ghcr.io/alice/weather:1"), ENV)).toContain(
      "image index lists no manifests",
    );
  });
});
