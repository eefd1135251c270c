// GET /docs: the API reference, rendered on the server from the OpenAPI document (no script, no
// inline style). Operations are grouped by tag; the copies of one operation under /v0 and under
// /groups/{group}/ are listed with it instead of being repeated. Every named schema and shared
// response is rendered once, in its own section, and operations link to it: inlining them made
// the page 283 KB, and issue 12 wants every page under 100 KB. For the same reason the markup is
// terse: parameters, fields and answers are <dl> lists and table rows whose optional end tags are
// left out (HTML's own rules close them), and the style hangs on elements (dt, dd, links to
// `#schema-…`) rather than on a class repeated a thousand times.
import { html, type SafeHtml } from "../web/html.ts";
import { OPENAPI_JSON_PATH, OPENAPI_YAML_PATH } from "./document.ts";

type Json = Record<string, unknown>;
type Schema = Json & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};

interface Response {
  $ref?: string;
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Schema }>;
}

interface Operation {
  method: string;
  path: string;
  op: Json & {
    operationId: string;
    tags: string[];
    summary: string;
    description?: string;
    security?: Json[];
    parameters?: Json[];
    requestBody?: { required?: boolean; description?: string; content: Record<string, { schema: Schema }> };
    responses: Record<string, Response>;
  };
}

const METHODS = ["get", "put", "post", "patch", "delete"] as const;
const JSON_TYPE = "application/json";
const PROBLEM_TYPE = "application/problem+json";
/** How deep inline objects are flattened into their parent's field list (`metadata.count`). */
const MAX_NESTING = 3;

/** Text with `code` spans, in paragraphs (the document's descriptions use nothing else of Markdown). */
function prose(text: string | undefined): SafeHtml[] {
  if (text === undefined || text === "") return [];
  return text.split(/\n{2,}/).map((paragraph) => html`<p>${inline(paragraph)}</p>`);
}

function inline(text: string): SafeHtml[] {
  return text.split("`").map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : html`${part}`));
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
const schemaId = (name: string) => `schema-${name}`;
const responseId = (name: string) => `response-${name}`;

/** A link to a named schema (the style sets it in the code font: no <code> per link). */
function schemaLink(name: string): SafeHtml {
  return html`<a href="#${schemaId(name)}">${name}</a>`;
}

function literal(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The constraints of a schema, as short text ("1–100 characters", "≥ 1"). */
function constraints(schema: Schema): string[] {
  const out: string[] = [];
  if (schema.format) out.push(schema.format);
  if (schema.minLength !== undefined && schema.maxLength !== undefined) {
    out.push(`${schema.minLength}–${schema.maxLength} characters`);
  } else if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  else if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined && schema.minItems > 0) out.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`default ${literal(schema.default)}`);
  return out;
}

/** A one-line type: `string (uri)`, `array of Package`, `Group or null`… */
function typeOf(schema: Schema | boolean | undefined): SafeHtml {
  if (schema === undefined || schema === true) return html`any`;
  if (schema === false) return html`nothing`;
  if (schema.$ref) return schemaLink(refName(schema.$ref));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return html`${alternatives.map((alt, i) => html`${i > 0 ? " or " : ""}${typeOf(alt)}`)}`;
  if (schema.const !== undefined) return html`<code>${literal(schema.const)}</code>`;
  let base: SafeHtml;
  if (schema.enum) {
    base = html`one of ${schema.enum.map((value, i) => html`${i > 0 ? ", " : ""}<code>${literal(value)}</code>`)}`;
  } else if (schema.type === "array") base = html`array of ${typeOf(schema.items)}`;
  else if (
    schema.type === "object" &&
    schema.properties === undefined &&
    typeof schema.additionalProperties === "object"
  ) {
    base = html`map of ${typeOf(schema.additionalProperties)}`;
  } else base = html`${Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any")}`;
  const notes = constraints(schema);
  return notes.length === 0 ? base : html`${base} (${notes.join(", ")})`;
}

/** The inline object a property holds (itself, its items, or one alternative), with its path suffix. */
function nestedObject(schema: Schema): { object: Schema; suffix: string } | undefined {
  if (schema.properties !== undefined) return { object: schema, suffix: "." };
  if (schema.items?.properties !== undefined) return { object: schema.items, suffix: "[]." };
  const alternative = (schema.anyOf ?? schema.oneOf)?.find((alt) => alt.properties !== undefined);
  return alternative === undefined ? undefined : { object: alternative, suffix: "." };
}

/**
 * A term per property, its type and description beside it; inline objects are flattened into the
 * same list (`metadata.count`). An optional field's name ends in `?`.
 */
function fieldEntries(schema: Schema, prefix = "", depth = 0): SafeHtml[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const nested = depth < MAX_NESTING ? nestedObject(property) : undefined;
    return [
      html`
<dt>${path}${required.has(name) ? "" : "?"}<dd>${typeOf(property)}${
        property.description ? html`<dd>${inline(property.description)}` : ""
      }`,
      ...(nested === undefined ? [] : fieldEntries(nested.object, `${path}${nested.suffix}`, depth + 1)),
    ];
  });
}

/** A schema's shape, for comparison: without its description and examples, keys in order. */
function shapeKey(schema: unknown): string {
  return JSON.stringify(schema, (key, value: unknown) => {
    if (key === "description" || key === "examples") return undefined;
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/**
 * The schemas with every inline object that repeats a named one (a ServerJson inside a change)
 * replaced by a reference to it: the reader follows one link instead of reading it twice.
 */
function linkRepeatedShapes(schemas: Record<string, Schema>): Record<string, Schema> {
  const named = new Map(Object.entries(schemas).map(([name, schema]) => [shapeKey(schema), name]));
  const relink = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => relink(item, false));
    if (node === null || typeof node !== "object") return node;
    const schema = node as Schema;
    const name = top || schema.properties === undefined ? undefined : named.get(shapeKey(schema));
    if (name !== undefined) {
      return schema.description === undefined
        ? { $ref: `#/components/schemas/${name}` }
        : { $ref: `#/components/schemas/${name}`, description: schema.description };
    }
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, relink(value, false)]));
  };
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, relink(schema, true) as Schema]));
}

/** A schema's description and shape: a list of its fields, or its type. */
function schemaDetail(schema: Schema): SafeHtml {
  if (schema.properties === undefined) return html`${prose(schema.description)}<p>${typeOf(schema)}</p>`;
  return html`${prose(schema.description)}<dl>${fieldEntries(schema)}
</dl>${schema.additionalProperties === false ? html`<p class="closed">No other fields.</p>` : ""}`;
}

/** A body's schema: a link to a named one, or the type of an inline one. */
function bodyType(type: string, schema: Schema): SafeHtml {
  return html`${typeOf(schema)}${type === JSON_TYPE ? "" : html` <span class="muted">(${type})</span>`}`;
}

/** The fields of an inline body schema (named ones are linked instead). */
function inlineFields(schema: Schema): SafeHtml | string {
  return schema.properties === undefined
    ? ""
    : html`<dl>${fieldEntries(schema)}
</dl>`;
}

function authText(security: Json[] | undefined): string {
  if (security === undefined) return "No token.";
  if (security.some((entry) => Object.keys(entry).length === 0)) return "Token optional.";
  return "Token required.";
}

function lookup(document: Json, ref: string): unknown {
  let node: unknown = document;
  for (const part of ref.replace(/^#\//, "").split("/")) {
    node = (node as Json)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return node;
}

/** The parameters, as a field list like a schema's: name (`?` if optional), where and type, description. */
function parametersList(parameters: Json[], document: Json): SafeHtml {
  if (parameters.length === 0) return html``;
  const resolved = parameters.map((p) => {
    const ref = p.$ref as string | undefined;
    return ref === undefined ? p : (lookup(document, ref) as Json);
  });
  return html`<h4>Parameters</h4>
<dl>${resolved.map(
    (p) => html`
<dt>${String(p.name)}${p.required === true ? "" : "?"}<dd>${String(p.in)}: ${typeOf(p.schema as Schema)}${
      p.explode === false ? " (comma-separated)" : ""
    }${p.description ? html`<dd>${inline(String(p.description))}` : ""}`,
  )}
</dl>`;
}

const statusLabel = (status: string) => (status === "default" ? "other" : status);

/**
 * An operation's answers: its own ones described in full; the shared ones (components.responses)
 * by status only, described once under "Common responses". Error bodies are all Problem: said there.
 */
function responsesList(responses: Record<string, Response>): SafeHtml {
  const entries = Object.entries(responses);
  const own = entries.filter(([, response]) => response.$ref === undefined);
  const shared = entries.filter(([, response]) => response.$ref !== undefined);
  return html`<dl>${own.map(([status, response]) => {
    const [type, media] = Object.entries(response.content ?? {})[0] ?? [];
    const body =
      media === undefined || type === PROBLEM_TYPE
        ? ""
        : html` Body: ${bodyType(type!, media.schema)}.${inlineFields(media.schema)}`;
    return html`
<dt>${statusLabel(status)}<dd>${inline(response.description ?? "")}${body}`;
  })}${
    shared.length === 0
      ? ""
      : html`
<dt>${shared.map(([status]) => statusLabel(status)).join(", ")}<dd><a href="#responses">Common responses</a>`
  }
</dl>`;
}

/** One operation, with the other paths that serve it. */
function operationArticle(main: Operation, others: Operation[], document: Json): SafeHtml {
  const { op } = main;
  const body = op.requestBody;
  const [type, media] = body ? (Object.entries(body.content)[0] ?? []) : [];
  return html`<article id="op-${op.operationId}">
<h3><span class="method-${main.method}">${main.method.toUpperCase()}</span> ${main.path}</h3>
<p><strong>${op.summary}.</strong> ${authText(op.security)}</p>
${prose(op.description)}${
  others.length === 0
    ? ""
    : html`<p class="also">Also at ${others.map((other, i) => html`${i > 0 ? ", " : ""}<code>${other.path}</code>`)}.</p>`
}
${parametersList(op.parameters ?? [], document)}${
  media === undefined
    ? ""
    : html`<p><strong>Request body${body?.required === false ? " (optional)" : ""}:</strong> ${bodyType(
        type!,
        media.schema,
      )}</p>${prose(body?.description)}${inlineFields(media.schema)}`
}
<h4>Responses</h4>
${responsesList(op.responses)}
</article>`;
}

/** The headers a response names, as a sentence (a challenge, a retry delay). */
function headerNote(response: Response): SafeHtml | string {
  const names = Object.keys(response.headers ?? {});
  return names.length === 0
    ? ""
    : html` Header${names.length > 1 ? "s" : ""}: ${names.map((name, i) => html`${i > 0 ? ", " : ""}<code>${name}</code>`)}.`;
}

/** The shared responses operations refer to, each once, by status ("other" last). */
function commonResponses(document: Json, operations: Operation[]): SafeHtml {
  const responses = ((document.components as Json).responses ?? {}) as Record<string, Response>;
  const statuses = new Map<string, Set<string>>();
  for (const { op } of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (response.$ref === undefined) continue;
      const name = refName(response.$ref);
      statuses.set(name, (statuses.get(name) ?? new Set()).add(status));
    }
  }
  const rows = [...statuses]
    .map(([name, codes]) => ({ name, codes: [...codes].sort(), response: responses[name] ?? {} }))
    .sort((a, b) => (a.codes[0]! < b.codes[0]! ? -1 : a.codes[0]! > b.codes[0]! ? 1 : 0));
  return html`<section id="responses" aria-labelledby="responses-title">
<h2 id="responses-title">Common responses</h2>
<p>Answers many operations share. Every error answers <code>${PROBLEM_TYPE}</code> with a ${schemaLink("Problem")} body.</p>
<table>
<tr><th>Status<th>Response<th>Description${rows.map(
    ({ name, codes, response }) => html`
<tr id="${responseId(name)}"><td>${codes.map(statusLabel).join(", ")}<td>${name}<td>${inline(response.description ?? "")}${headerNote(response)}`,
  )}
</table>
</section>`;
}

/** The operationId all copies of an operation share: without the group and /v0 suffixes. */
const baseId = (operationId: string) => operationId.replace(/(InGroup)?(V0)?$/, "");

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** The reference's main content, from the document (rendered once per isolate by the caller). */
export function docsMain(document: Json): SafeHtml {
  const info = document.info as { title: string; description?: string; version: string };
  const tags = document.tags as { name: string; description?: string }[];
  const schemas = linkRepeatedShapes(((document.components as Json).schemas ?? {}) as Record<string, Schema>);
  const operations: Operation[] = [];
  const byBase = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Operation["op"] | undefined;
      if (op === undefined) continue;
      const operation = { method, path, op };
      operations.push(operation);
      const key = baseId(op.operationId);
      byBase.set(key, [...(byBase.get(key) ?? []), operation]);
    }
  }
  const sections = tags.map((tag) => {
    const tagged = [...byBase.values()].filter((copies) => copies[0]!.op.tags.includes(tag.name));
    return html`<section id="tag-${slug(tag.name)}" aria-labelledby="tag-${slug(tag.name)}-title">
<h2 id="tag-${slug(tag.name)}-title">${tag.name}</h2>
${prose(tag.description)}
${tagged.map(([main, ...others]) => operationArticle(main!, others, document))}
</section>`;
  });
  return html`<div class="api-docs">
<h1>${info.title}</h1>
${prose(info.description)}
<p>An operation's copies under <code>/v0</code> and <code>/groups/{group}/</code> are listed with it ("Also at"); under a group, a private group answers its members only. A token goes in <code>Authorization: Bearer</code>. A parameter or field whose name ends in <code>?</code> is optional; the others are required.</p>
<p class="downloads">OpenAPI ${String(document.openapi)} document: <a href="${OPENAPI_JSON_PATH}">${OPENAPI_JSON_PATH}</a> ·
<a href="${OPENAPI_YAML_PATH}">${OPENAPI_YAML_PATH}</a> <span class="muted">(version ${info.version})</span></p>
<nav aria-label="API sections" class="docs-toc"><ul>
${tags.map((tag) => html`<li><a href="#tag-${slug(tag.name)}">${tag.name}</a></li>`)}
<li><a href="#responses">Common responses</a></li>
<li><a href="#schemas">Schemas</a></li>
</ul></nav>
${sections}
${commonResponses(document, operations)}
<section id="schemas" aria-labelledby="schemas-title">
<h2 id="schemas-title">Schemas</h2>
${Object.entries(schemas).map(
  ([name, schema]) => html`<h3 id="${schemaId(name)}">${name}</h3>
${schemaDetail(schema)}
`,
)}</section>
</div>`;
}
