// The OpenAPI 3.1 document of the whole API, built once per isolate from the router's own route
// table (http/router.ts routeTable), the operations of operations.ts and the valibot schemas the
// routes validate with (components.ts, converted by json-schema.ts).
//
// Groups: /groups/{group}/ serves the official API, /x/search and /x/changes with the group's
// view. Each of those is its own path here, with a {group} parameter, rather than a server
// variable: client generators handle plain paths everywhere, and a group's answers differ (its
// view, optional tokens, 404 for a group the caller may not read).
import { CURRENT_SCHEMA_URL } from "../domain/server-json/index.ts";
import { routeTable } from "../http/router.ts";
import { COMPONENTS, type ComponentName } from "./components.ts";
import { COMPONENT_SCHEMAS, componentSchemas, inlineSchema, type JsonSchema } from "./json-schema.ts";
import {
  type Auth,
  ERROR_TEXT,
  OPERATIONS,
  type OperationSpec,
  PATH_PARAMS,
  type Success,
  TAGS,
} from "./operations.ts";

type Json = Record<string, unknown>;

/** The paths of the documents themselves (served by openapi-routes.ts, beside the API). */
export const OPENAPI_JSON_PATH = "/openapi.json";
export const OPENAPI_YAML_PATH = "/openapi.yaml";
export const DOCS_PATH = "/docs";

const GROUP_BASE = "/groups/:group";
const PREFIX = /^\/(v0|v0\.1)(\/.*)$/;

/** Where a routed path stands: under a group or not, which official prefix, and its key in OPERATIONS. */
export interface RouteShape {
  group: boolean;
  prefix: "/v0" | "/v0.1" | undefined;
  key: string;
}

/** The shape of a route of routeTable(): `GET /groups/:group/v0/servers` → group, "/v0", "GET {p}/servers". */
export function routeShape(method: string, path: string): RouteShape {
  const group = path.startsWith(`${GROUP_BASE}/`);
  const inner = group ? path.slice(GROUP_BASE.length) : path;
  const official = PREFIX.exec(inner);
  const prefix = official ? (`/${official[1]}` as "/v0" | "/v0.1") : undefined;
  return { group, prefix, key: `${method} ${official ? `{p}${official[2]}` : inner}` };
}

/** An itty path pattern as an OpenAPI path template (`:name` → `{serverName}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => `{${pathParam(name).name}}`);
}

function pathParam(name: string) {
  const param = PATH_PARAMS[name];
  if (param === undefined) throw new Error(`OpenAPI: no description of the path parameter :${name}`);
  return param;
}

const ref = (name: ComponentName): Json => ({ $ref: `${COMPONENT_SCHEMAS}${name}` });
const headerRef = (name: string): Json => ({ $ref: `#/components/headers/${name}` });

const COMPONENT_HEADERS: Json = {
  ETag: { description: "A strong tag of the body: send it back in `If-None-Match`.", schema: { type: "string" } },
  CacheControl: {
    description: "How long the answer may be reused: its real staleness bound (`private` under a group).",
    schema: { type: "string" },
  },
  RetryAfter: { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } },
  RequestId: {
    description: "The id the audit trail records this write under (on every answer to a write).",
    schema: { type: "string" },
  },
  WWWAuthenticate: {
    description: "RFC 9728 §5.1: a Bearer challenge naming the protected resource metadata.",
    schema: { type: "string" },
  },
};

const PROBLEM_CONTENT = { "application/problem+json": { schema: ref("Problem") } };

const responseRef = (name: string): Json => ({ $ref: `#/components/responses/${name}` });

/** The shared response of an error status an operation describes with the default text. */
const ERROR_RESPONSES: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  413: "PayloadTooLarge",
  422: "ValidationFailed",
  429: "TooManyRequests",
  503: "Unavailable",
};

function componentResponses(): Json {
  const problem = (description: string, headers?: Json): Json => ({
    description,
    ...(headers === undefined ? {} : { headers }),
    content: PROBLEM_CONTENT,
  });
  const responses: Json = {};
  for (const [status, name] of Object.entries(ERROR_RESPONSES)) {
    const code = Number(status);
    const retry = code === 429 || code === 503 ? { "Retry-After": headerRef("RetryAfter") } : undefined;
    responses[name] = problem(ERROR_TEXT[code]!, retry);
  }
  responses.UnauthorizedWithChallenge = problem(ERROR_TEXT[401]!, { "WWW-Authenticate": headerRef("WWWAuthenticate") });
  responses.Error = problem(
    "Any other error: 400 for a NUL byte in the URL, 405 (with `Allow`) for another method of a known path, 500.",
  );
  return responses;
}

function bodySchema(body: Success["body"]): Json {
  if (body === undefined) return {};
  return typeof body === "string" ? ref(body as ComponentName) : { oneOf: (body as ComponentName[]).map(ref) };
}

function security(auth: Auth): Json {
  if (auth === "required") return { security: [{ bearerAuth: [] }] };
  if (auth === "optional") return { security: [{}, { bearerAuth: [] }] };
  return {};
}

/** A route answered under /x/ or a group: its 401 carries the RFC 9728 challenge. */
function challenges(path: string, spec: OperationSpec): boolean {
  return (path.startsWith("/x/") || path.startsWith(`${GROUP_BASE}/`)) && spec.tag !== "Authentication";
}

const EXAMPLE_SERVER = {
  $schema: CURRENT_SCHEMA_URL,
  name: "io.github.example/weather",
  description: "Weather forecasts for any city",
  version: "1.0.0",
  remotes: [{ type: "streamable-http", url: "https://mcp.example.com/weather" }],
};

const EXAMPLES: Partial<Record<ComponentName, unknown>> = {
  ServerJson: EXAMPLE_SERVER,
  StatusUpdate: { status: "deprecated", statusMessage: "Use 2.0.0" },
  ReportRequest: { name: "io.github.example/weather", reason: "broken", details: "The remote answers 500." },
};

interface Variant {
  method: string;
  path: string;
  spec: OperationSpec;
  shape: RouteShape;
}

const UNREADABLE_GROUP =
  "No such group, or a private group the caller holds no role in (answered like an unknown path).";
const BAD_TOKEN = "A token was sent and is not valid.";

function parametersOf({ path, spec, shape }: Variant): Json[] {
  const parameters: Json[] = [];
  for (const match of path.matchAll(/:([A-Za-z]+)/g)) {
    const param = pathParam(match[1]!);
    const description = param.name === "group" && shape.group ? "The group (sub-registry)." : param.description;
    parameters.push({ name: param.name, in: "path", required: true, description, schema: { type: "string" } });
  }
  for (const query of spec.query ?? []) {
    parameters.push({
      name: query.name,
      in: "query",
      required: false,
      description: query.description,
      schema: inlineSchema(query.schema),
      ...(query.commaList ? { style: "form", explode: false } : {}),
    });
  }
  if (spec.conditional) parameters.push({ $ref: "#/components/parameters/IfNoneMatch" });
  return parameters;
}

function responsesOf({ method, path, spec, shape }: Variant, auth: Auth): Json {
  const exchange = spec.tag === "Authentication";
  // Writes carry the id the audit trail records them under, whatever they answer.
  const requestId: Json = method === "GET" ? {} : { "X-Request-Id": headerRef("RequestId") };
  const cache: Json = spec.conditional ? { ETag: headerRef("ETag"), "Cache-Control": headerRef("CacheControl") } : {};
  const responses: Json = {};
  for (const ok of spec.ok) {
    const headers = { ...requestId, ...cache };
    responses[String(ok.status)] = {
      description: ok.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(ok.body === undefined ? {} : { content: { "application/json": { schema: bodySchema(ok.body) } } }),
    };
  }
  if (spec.conditional) {
    responses["304"] = { description: "Not modified: the `If-None-Match` tag is the current one.", headers: cache };
  }
  const errors: Record<number, string | true> = { ...spec.errors };
  if (shape.group && !exchange) {
    errors[404] = typeof errors[404] === "string" ? `${errors[404]} Or: ${UNREADABLE_GROUP}` : UNREADABLE_GROUP;
  }
  if (auth === "optional") errors[401] ??= BAD_TOKEN;
  for (const status of Object.keys(errors)
    .map(Number)
    .sort((a, b) => a - b)) {
    const text = errors[status]!;
    const challenged = status === 401 && challenges(path, spec);
    const shared = ERROR_RESPONSES[status];
    if (text === true && shared !== undefined) {
      responses[String(status)] = responseRef(challenged ? "UnauthorizedWithChallenge" : shared);
      continue;
    }
    const headers: Json = {};
    if (status === 429 || status === 503) headers["Retry-After"] = headerRef("RetryAfter");
    if (challenged) headers["WWW-Authenticate"] = headerRef("WWWAuthenticate");
    responses[String(status)] = {
      description: text === true ? ERROR_TEXT[status] : text,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: PROBLEM_CONTENT,
    };
  }
  responses.default = responseRef("Error");
  return responses;
}

/** The operation object of one routed method and path. */
function operation(variant: Variant): Json {
  const { spec, shape } = variant;
  const exchange = spec.tag === "Authentication";
  // Under a group a token opens a private group's view; exchanges answer as at the root.
  const auth: Auth = shape.group && !exchange && spec.auth === "none" ? "optional" : spec.auth;
  const notes = spec.description === undefined ? [] : [spec.description];
  if (shape.group && !exchange) {
    notes.push(
      "Under a group: answered from the group's view (its private servers and the public ones it includes); a private group answers its members only.",
    );
  }
  const parameters = parametersOf(variant);
  const body = spec.body;
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(notes.length > 0 ? { description: notes.join("\n\n") } : {}),
    operationId: `${spec.id}${shape.group ? "InGroup" : ""}${shape.prefix === "/v0" ? "V0" : ""}`,
    ...security(auth),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body === undefined
      ? {}
      : {
          requestBody: {
            required: body.required ?? true,
            ...(body.description === undefined ? {} : { description: body.description }),
            content: {
              "application/json": {
                schema: ref(body.schema),
                ...(EXAMPLES[body.schema] === undefined ? {} : { example: EXAMPLES[body.schema] }),
              },
            },
          },
        }),
    responses: responsesOf(variant, auth),
  };
}

/** The documents' own operations (served by the site, not by the API router). */
function referenceOperations(): Json {
  const answer = (id: string, summary: string, type: string, schema: Json): Json => ({
    get: {
      tags: ["Reference"],
      summary,
      operationId: id,
      parameters: [{ $ref: "#/components/parameters/IfNoneMatch" }],
      responses: {
        "200": {
          description: "The document (also readable cross-origin).",
          headers: { ETag: headerRef("ETag"), "Cache-Control": headerRef("CacheControl") },
          content: { [type]: { schema } },
        },
        "304": {
          description: "Not modified: the `If-None-Match` tag is the current one.",
          headers: { ETag: headerRef("ETag"), "Cache-Control": headerRef("CacheControl") },
        },
      },
    },
  });
  return {
    [OPENAPI_JSON_PATH]: answer("getOpenApiJson", "This document, as JSON", "application/json", { type: "object" }),
    [OPENAPI_YAML_PATH]: answer("getOpenApiYaml", "This document, as YAML", "application/yaml", { type: "string" }),
  };
}

/** Root before groups, /v0.1 before /v0: the order a reader wants, whatever the router's. */
function rank(shape: RouteShape): number {
  return (shape.group ? 3 : 0) + (shape.prefix === "/v0" ? 2 : shape.prefix === undefined ? 1 : 0);
}

/** The variants of every routed method and path; fails on a route without an operation, or the reverse. */
export function documentedRoutes(): Variant[] {
  const unused = new Set(Object.keys(OPERATIONS));
  const variants = routeTable().map(({ method, path }) => {
    const shape = routeShape(method, path);
    const spec = OPERATIONS[shape.key];
    if (spec === undefined) throw new Error(`OpenAPI: the route ${method} ${path} has no operation (${shape.key})`);
    unused.delete(shape.key);
    return { method, path, spec, shape };
  });
  if (unused.size > 0) throw new Error(`OpenAPI: operations without a route: ${[...unused].join(", ")}`);
  // A stable sort: the router's order within each rank.
  return variants.sort((a, b) => rank(a.shape) - rank(b.shape));
}

function buildDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const variant of documentedRoutes()) {
    const path = openApiPath(variant.path);
    paths[path] = { ...paths[path], [variant.method.toLowerCase()]: operation(variant) };
  }
  Object.assign(paths, referenceOperations());
  const schemas: Record<string, JsonSchema> = componentSchemas(COMPONENTS);
  for (const [name, example] of Object.entries(EXAMPLES))
    schemas[name] = { ...schemas[name], examples: [example] } as JsonSchema;
  return {
    openapi: "3.1.0",
    info: {
      title: "MCP Registry API",
      version,
      summary: "An MCP server registry speaking the official MCP Registry API, with extensions under /x/.",
      description: [
        "Every official route exists under `/v0.1` and `/v0`, with identical behaviour, as in the official registry. Our extensions live under `/x/`.",
        "A group's sub-registry answers under `/groups/{group}/`: the official API, `/x/search` and `/x/changes`, from the group's view.",
        "Errors are RFC 9457 `application/problem+json` in the official shape. Reads carry a strong `ETag` and honour `If-None-Match`. CORS allows any origin.",
        "The MCP endpoint (`POST /mcp`, `/groups/{group}/mcp`) speaks MCP's Streamable HTTP transport and is described by MCP itself, not here.",
      ].join("\n\n"),
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "This registry" }],
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: {
      schemas,
      parameters: {
        IfNoneMatch: {
          name: "If-None-Match",
          in: "header",
          required: false,
          description: "An `ETag` of an earlier answer: 304 without a body while it is current.",
          schema: { type: "string" },
        },
      },
      responses: componentResponses(),
      headers: COMPONENT_HEADERS,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description:
            "A registry token (a 5-minute JWT from `/v0.1/auth/*`), a personal (`mcpr_pat_…`) or service (`mcpr_vat_…`) token from `/x/tokens`, or, when enabled, the organisation's OIDC access token.",
        },
      },
    },
  };
}

let built: { version: string; document: Json } | undefined;

/** The document (built on first use; an isolate serves one build). */
export function openApiDocument(version: string): Json {
  if (built?.version !== version) built = { version, document: buildDocument(version) };
  return built.document;
}
