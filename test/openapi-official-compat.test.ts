// Our OpenAPI document against the official one (../shared/reference/openapi.yaml, passed in by
// vitest.config.ts): every official operation is ours too, under /v0.1 and /v0 (except what the
// official registry itself does not implement, spec §16), with the official query parameters,
// and the payloads the official document describes (assembled from its examples) fit our schemas,
// as do the official example server.json files. Skipped when the reference files are absent.
import { env } from "cloudflare:workers";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { DocumentChecker, type Json, METHODS, resolvePointer, servedDocument } from "./helpers/openapi.ts";

const OFFICIAL_ABSENT = env.TEST_OFFICIAL_OPENAPI === "";
if (OFFICIAL_ABSENT) {
  console.warn("skipping the official OpenAPI compatibility tests: ../shared/reference/openapi.yaml is absent");
}

/**
 * Official operations the official registry does not implement either (spec §16: "DELETE does
 * not"): the generic document lists them as optional.
 */
const NOT_IMPLEMENTED = new Set(["DELETE /v0.1/servers/{serverName}/versions/{version}"]);

/**
 * A value the official schema describes, built from its `example`/`examples` (the first), through
 * $ref, allOf (merged), anyOf/oneOf (the first alternative) and object properties with one.
 */
function exampleOf(official: Json, schema: Json | undefined, depth = 0): unknown {
  if (schema === undefined || depth > 20) return undefined;
  if (schema.$ref) return exampleOf(official, resolvePointer(official, schema.$ref), depth + 1);
  if ("example" in schema) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.type === "array") {
    const item = exampleOf(official, schema.items, depth + 1);
    return item === undefined ? undefined : [item];
  }
  const parts: unknown[] = [];
  if (schema.properties) {
    const own: Json = {};
    for (const [key, property] of Object.entries<Json>(schema.properties)) {
      const value = exampleOf(official, property, depth + 1);
      if (value !== undefined) own[key] = value;
    }
    parts.push(own);
  }
  for (const part of schema.allOf ?? []) parts.push(exampleOf(official, part, depth + 1));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) parts.push(exampleOf(official, alternatives[0], depth + 1));
  const objects = parts.filter((part): part is Json => part !== null && typeof part === "object");
  return objects.length === 0 ? undefined : Object.assign({}, ...objects.reverse());
}

let official: Json;
let ours: Json;
let checker: DocumentChecker;
/** The official document as a validator of its own schemas. */
let officialChecker: DocumentChecker;

const CURRENT_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

beforeAll(async () => {
  if (OFFICIAL_ABSENT) return;
  official = parse(env.TEST_OFFICIAL_OPENAPI) as Json;
  ours = await servedDocument();
  checker = new DocumentChecker(ours);
  officialChecker = new DocumentChecker(official);
});

/** The official component's example, assembled. */
const officialExample = (name: string) => exampleOf(official, official.components.schemas[name]);

describe.skipIf(OFFICIAL_ABSENT)("the official OpenAPI document", () => {
  it("has every operation of ours, at /v0.1 and at /v0, with its query parameters", () => {
    let compared = 0;
    for (const [path, item] of Object.entries<Json>(official.paths)) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (NOT_IMPLEMENTED.has(key)) {
          expect(ours.paths[path]?.[method], `${key} is not implemented officially either`).toBeUndefined();
          continue;
        }
        for (const variant of [path, path.replace(/^\/v0\.1\//, "/v0/")]) {
          const op = ours.paths[variant]?.[method];
          expect(op, `${method.toUpperCase()} ${variant}`).toBeDefined();
          const ourParams = new Map<string, Json>(
            (op.parameters ?? []).filter((p: Json) => !p.$ref).map((p: Json) => [`${p.in} ${p.name}`, p]),
          );
          for (const param of item[method].parameters ?? []) {
            const mine = ourParams.get(`${param.in} ${param.name}`);
            expect(mine, `${key}: parameter ${param.in} ${param.name}`).toBeDefined();
            expect(mine!.schema.type, `${key}: type of ${param.name}`).toBe(param.schema.type);
            if (param.schema.format)
              expect(mine!.schema.format, `${key}: format of ${param.name}`).toBe(param.schema.format);
          }
          const theirBody = item[method].requestBody;
          if (theirBody) expect(op.requestBody?.content?.["application/json"], `${key}: body`).toBeDefined();
          // Every official success status is one of ours.
          for (const status of Object.keys(item[method].responses).filter((s) => /^2/.test(s))) {
            expect(op.responses[status], `${key}: ${status}`).toBeDefined();
          }
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(12);
  });

  it("describes payloads our schemas accept", () => {
    const detail = officialExample("ServerDetail") as Json;
    expect(detail.packages, "the assembled example has packages").toBeDefined();
    expect(detail.remotes, "the assembled example has remotes").toBeDefined();
    const meta = (officialExample("ServerResponse") as Json)._meta;
    const listMetadata = (officialExample("ServerList") as Json).metadata;
    const statusAll = officialExample("AllVersionsStatusResponse") as Json;
    // Each payload as the official document describes it, then as sent to or by us: a server.json
    // carries the $schema the registry's body model requires (spec §7.1), which the official
    // JSON Schema leaves optional.
    const payloads = (server: Json): [unknown, string, string][] => [
      [server, "ServerDetail", "ServerJson"],
      [{ server, _meta: meta }, "ServerResponse", "ServerResponse"],
      [officialExample("StatusUpdateRequest"), "StatusUpdateRequest", "StatusUpdate"],
      [{ servers: [{ server, _meta: meta }], metadata: listMetadata }, "ServerList", "ServerList"],
      [{ ...statusAll, servers: [{ server, _meta: meta }] }, "AllVersionsStatusResponse", "StatusAllResponse"],
    ];
    const sent = payloads({ $schema: CURRENT_SCHEMA, ...detail });
    payloads(detail).forEach(([value, theirs, mine], i) => {
      expect(officialChecker.fits(value, `#/components/schemas/${theirs}`).errors, theirs).toEqual([]);
      const ourValue = sent[i]![0];
      expect(checker.fits(ourValue, `#/components/schemas/${mine}`).errors, mine).toEqual([]);
    });
  });

  it("has publish examples our body schema judges as the official registry does", () => {
    const examples = official.paths["/v0.1/publish"].post.requestBody.content["application/json"].examples as Json;
    const body = ours.paths["/v0.1/publish"].post.requestBody.content["application/json"].schema.$ref as string;
    expect(Object.keys(examples).length).toBeGreaterThan(0);
    for (const [name, { value }] of Object.entries<Json>(examples)) {
      const described = officialChecker.fits(value, "#/components/schemas/ServerDetail").valid;
      const accepted = checker.fits({ $schema: CURRENT_SCHEMA, ...value }, body).valid;
      // The official registry refuses any _meta key besides publisher-provided (spec §16).
      const foreignMeta = Object.keys(value._meta ?? {}).some(
        (key) => key !== "io.modelcontextprotocol.registry/publisher-provided",
      );
      // An example its own document's schema refuses (a package without its required
      // transport) is refused here too.
      expect(accepted, name).toBe(described && !foreignMeta);
    }
  });

  it("has official example server.json files our publish body accepts", () => {
    const files = Object.entries(env.TEST_OFFICIAL_EXAMPLES);
    expect(files.length).toBeGreaterThan(0);
    const body = ours.paths["/v0.1/publish"].post.requestBody.content["application/json"].schema.$ref as string;
    for (const [file, text] of files) {
      expect(checker.fits(JSON.parse(text), body).errors, file).toEqual([]);
    }
  });
});
