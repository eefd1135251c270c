// The request bodies of the OpenAPI document are the routes' own valibot models: for bodies in
// their canonical spelling (exact key case, no nulls on optional fields, which huma also
// tolerates), the document's JSON Schema and the model accept and refuse the same values.
import * as v from "valibot";
import { beforeAll, describe, expect, it } from "vitest";
import { CURRENT_SCHEMA_URL } from "../worker/src/domain/server-json/index.ts";
import { InputSchema, ServerJsonSchema } from "../worker/src/domain/server-json/framework-schema.ts";
import { REQUEST_SCHEMAS } from "../worker/src/openapi/components.ts";
import { GO_MAP_VALUE_COMPONENT } from "../worker/src/openapi/json-schema.ts";
import { DocumentChecker, servedDocument } from "./helpers/openapi.ts";

const server = (extra: Record<string, unknown> = {}) => ({
  $schema: CURRENT_SCHEMA_URL,
  name: "io.github.example/weather",
  description: "Weather",
  version: "1.0.0",
  ...extra,
});

const pkg = (extra: Record<string, unknown> = {}) => ({
  registryType: "npm",
  identifier: "@example/weather",
  version: "1.0.0",
  transport: { type: "stdio" },
  ...extra,
});

/** Bodies each model must judge like its JSON Schema, valid and not. */
const SAMPLES: Partial<Record<keyof typeof REQUEST_SCHEMAS, unknown[]>> = {
  ServerJson: [
    server(),
    server({ title: "Weather", websiteUrl: "https://example.com", repository: {} }),
    server({ repository: { url: "https://github.com/example/weather", source: "github", subfolder: "src" } }),
    server({ packages: [pkg()] }),
    server({
      packages: [
        pkg({
          runtimeHint: "npx",
          runtimeArguments: [{ type: "named", name: "--port", value: "8080", variables: { port: { default: "1" } } }],
          packageArguments: [{ type: "positional", valueHint: "file", isRepeated: true }],
          environmentVariables: [{ name: "TOKEN", isSecret: true, isRequired: true, choices: ["a", "b"] }],
          fileSha256: "a".repeat(64),
        }),
      ],
    }),
    server({
      remotes: [
        {
          type: "streamable-http",
          url: "https://mcp.example.com/{tenant}",
          headers: [{ name: "Authorization", value: "Bearer {token}", variables: { token: { isSecret: true } } }],
          variables: { tenant: { description: "Tenant", format: "string" } },
        },
      ],
    }),
    server({
      icons: [{ src: "https://example.com/i.png", mimeType: "image/png", sizes: ["48x48", "any"], theme: "dark" }],
    }),
    server({ _meta: { "io.modelcontextprotocol.registry/publisher-provided": { tool: "ci", nested: { a: [1] } } } }),
    // Refused.
    {},
    server({ name: undefined }),
    server({ name: "no-slash" }),
    server({ name: "ab" }),
    server({ description: "" }),
    server({ description: "x".repeat(101) }),
    server({ version: "v".repeat(256) }),
    server({ $schema: "" }),
    server({ website_url: "https://example.com" }),
    server({ status: "active" }),
    server({ _meta: { "com.example": {} } }),
    server({ _meta: { "io.modelcontextprotocol.registry/publisher-provided": "text" } }),
    server({ packages: [pkg({ transport: undefined })] }),
    server({ packages: [pkg({ registryType: "" })] }),
    server({ packages: [pkg({ fileSha256: "ABC" })] }),
    server({ packages: [pkg({ version: "" })] }),
    server({ packages: [pkg({ foo: 1 })] }),
    server({ packages: [pkg({ environmentVariables: [{ value: "x" }] })] }),
    server({ packages: {} }),
    server({ remotes: [{ url: "https://example.com" }] }),
    server({ remotes: [{ type: "sse", variables: { v: { unknown: true } } }] }),
    server({ remotes: [{ type: "sse", variables: { v: { description: 1 } } }] }),
    server({ remotes: [{ type: "sse", variables: { v: "text" } }] }),
    server({ icons: [{ src: `https://example.com/${"i".repeat(250)}.png` }] }),
    server({ icons: [{ src: "https://example.com/i.png", sizes: ["big"] }] }),
    server({ icons: [{ src: "https://example.com/i.png", theme: "blue" }] }),
    server({ title: 1 }),
    "text",
    [],
  ],
  StatusUpdate: [
    { status: "deprecated" },
    { status: "active", statusMessage: "back" },
    { status: "gone" },
    { statusMessage: "x" },
    { status: "deleted", statusMessage: "x".repeat(501) },
    { status: "deleted", extra: 1 },
  ],
  GitHubTokenExchange: [{ github_token: "gho_x" }, {}, { github_token: 1 }, { github_token: "x", other: 1 }],
  OidcTokenExchange: [{ oidc_token: "eyJ" }, {}, { oidc_token: null }],
  KeyProofExchange: [
    { domain: "example.com", timestamp: "2025-01-01T00:00:00Z", signed_timestamp: "ab" },
    { domain: "example.com", timestamp: "2025-01-01T00:00:00Z" },
  ],
  ReportRequest: [
    { name: "io.github.example/weather", reason: "spam" },
    { name: "io.github.example/weather", version: "1.0.0", reason: "other", details: "why" },
    { name: "bad name", reason: "spam" },
    { name: "io.github.example/weather", reason: "dislike" },
    { name: "io.github.example/weather", reason: "spam", details: "x".repeat(2001) },
    { name: "io.github.example/weather", reason: "spam", version: "" },
  ],
  ResolveRequest: [
    { action: "dismiss", message: "ok" },
    { action: "dismiss", message: "" },
    { action: "ban", message: "x" },
  ],
  DenylistEntryRequest: [
    { kind: "server", value: "io.github.evil/x", reason: "malware" },
    { kind: "package", value: "evil", registryType: "npm", reason: "malware" },
    { kind: "person", value: "x", reason: "y" },
    { kind: "server", value: "x", reason: "" },
  ],
  DenylistRemoveRequest: [{ kind: "namespace", value: "io.github.evil" }, { kind: "namespace" }],
  GroupCreateRequest: [
    { name: "acme", visibility: "private" },
    {
      name: "acme-2",
      title: "ACME",
      visibility: "public",
      namespaces: ["com.acme"],
      include: ["io.github.*"],
      requireApproval: true,
      policy: { registries: ["npm"], remoteHosts: ["*.acme.example"] },
    },
    { name: "Acme", visibility: "private" },
    { name: "acme", visibility: "secret" },
    { name: "acme", visibility: "private", policy: { registries: "npm" } },
    { name: "acme", visibility: "private", namespaces: Array.from({ length: 1000 }, (_, i) => `com.a${i}`) },
  ],
  GroupPatchRequest: [{}, { title: null, policy: null }, { title: "New", include: [] }, { visibility: "hidden" }],
  MemberRequest: [{ role: "viewer" }, { role: "admin" }, {}],
  PendingDecisionRequest: [{ decision: "approve" }, { decision: "reject", message: "no" }, { decision: "maybe" }],
  TokenCreateRequest: [
    { name: "laptop", kind: "personal", access: [{ group: "acme", role: "viewer" }] },
    {
      name: "ci",
      kind: "service",
      group: "acme",
      access: [{ group: "acme", role: "publisher" }],
      expiresAt: "2030-01-01T00:00:00Z",
    },
    { name: "laptop", kind: "personal", access: [] },
    { name: "", kind: "personal", access: [{ group: "acme", role: "viewer" }] },
    { name: "x", kind: "robot", access: [{ group: "acme", role: "viewer" }] },
    { name: "x", kind: "personal", access: [{ group: "acme", role: "owner" }] },
  ],
  SourceCreateRequest: [
    { url: "https://registry.example.com", into: "public" },
    { url: "https://registry.example.com", into: "acme", include: ["io.github.*"], exclude: [] },
    { url: "https://registry.example.com" },
    { url: "https://registry.example.com", into: "x".repeat(64) },
  ],
  WebhookCreateRequest: [
    { url: "https://hooks.example.com/x", events: ["*"], secret: "0123456789abcdef" },
    { url: "https://hooks.example.com/x", events: ["publish"], group: "acme", secret: "0123456789abcdef" },
    { url: "https://hooks.example.com/x", events: [], secret: "0123456789abcdef" },
    { url: "https://hooks.example.com/x", events: ["*"], secret: "short" },
  ],
};

/** A value as JSON would carry it (undefined fields dropped). */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

let checker: DocumentChecker;

beforeAll(async () => {
  checker = new DocumentChecker(await servedDocument());
});

describe("request body schemas", () => {
  it("are in the document under their names", () => {
    for (const name of Object.keys(REQUEST_SCHEMAS)) {
      expect(checker.document.components.schemas[name], name).toBeDefined();
    }
  });

  for (const [name, samples] of Object.entries(SAMPLES)) {
    it(`${name}: the document's schema judges like the route's model`, () => {
      const model = REQUEST_SCHEMAS[name as keyof typeof REQUEST_SCHEMAS] as v.GenericSchema;
      let accepted = 0;
      let refused = 0;
      for (const sample of samples!.map(asJson)) {
        const byModel = v.safeParse(model, sample).success;
        const byDocument = checker.fits(sample, `#/components/schemas/${name}`);
        expect(byDocument.valid, `${JSON.stringify(sample).slice(0, 200)} ${byDocument.errors.join("; ")}`).toBe(
          byModel,
        );
        if (byModel) accepted++;
        else refused++;
      }
      // Each model is exercised both ways.
      expect(accepted).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    });
  }

  it("describes the value of every Go map of server.json as the Input it is checked with", () => {
    // goMap keeps its value schema in a closure: compare behaviour, map by map.
    const probes = [{}, { description: "d", format: "string", value: "v" }, { description: 1 }, { name: "x" }, "x"];
    const maps: v.GenericSchema[] = [];
    const walk = (schema: any, seen = new Set<unknown>()) => {
      if (schema === null || typeof schema !== "object" || seen.has(schema)) return;
      seen.add(schema);
      const pipe = schema.pipe as any[] | undefined;
      if (
        pipe?.some((item) => item.type === "raw_transform") &&
        !pipe.some((item) => item.type === "object_with_rest")
      ) {
        maps.push(schema);
      }
      for (const value of Object.values(schema)) {
        if (Array.isArray(value)) for (const item of value) walk(item, seen);
        else walk(value, seen);
      }
    };
    walk(ServerJsonSchema);
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      for (const probe of probes) {
        expect(v.safeParse(map, { key: probe }).success, JSON.stringify(probe)).toBe(
          v.safeParse(InputSchema, probe).success,
        );
      }
    }
    expect(GO_MAP_VALUE_COMPONENT).toBe("Input");
    expect(checker.document.components.schemas.Transport.properties.variables.additionalProperties).toEqual({
      $ref: "#/components/schemas/Input",
    });
  });
});
