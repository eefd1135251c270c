// GET /docs: the API reference, rendered on the server from the OpenAPI document (no script, no
// inline style). Operations are grouped by tag; the copies of one operation under /v0 and under
// /groups/{group}/ are listed with it instead of being repeated. Schemas open in <details>.
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
    requestBody?: Json;
    responses: Record<string, Json>;
  };
}

const METHODS = ["get", "put", "post", "patch", "delete"] as const;

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

function schemaLink(name: string): SafeHtml {
  return html`<a href="#${schemaId(name)}"><code>${name}</code></a>`;
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
  return notes.length === 0 ? base : html`${base} <span class="muted">(${notes.join(", ")})</span>`;
}

/** The properties of an object schema as a table; inline objects nest (bounded). */
function propertiesTable(schema: Schema, depth = 0): SafeHtml {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return html``;
  const required = new Set(schema.required ?? []);
  const closed = schema.additionalProperties === false;
  return html`<table class="schema-props">
<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
<tbody>${properties.map(
    ([
      name,
      property,
    ]) => html`<tr><td><code>${name}</code>${required.has(name) ? html` <span class="required">required</span>` : ""}</td>
<td>${typeOf(property)}</td>
<td>${inline(property.description ?? "")}${
      property.properties !== undefined && depth < 3
        ? html`<details class="schema"><summary>Fields</summary>${propertiesTable(property, depth + 1)}</details>`
        : ""
    }</td></tr>`,
  )}</tbody>
</table>${closed ? html`<p class="muted">No other fields.</p>` : ""}`;
}

/** A schema's description and shape (for a component, or the body of an operation). */
function schemaDetail(schema: Schema): SafeHtml {
  return html`${prose(schema.description)}${
    schema.properties === undefined ? html`<p>${typeOf(schema)}</p>` : propertiesTable(schema)
  }`;
}

/** The named schemas, each rendered once (operations share them). */
class Components {
  private readonly rendered = new Map<string, SafeHtml>();
  readonly schemas: Record<string, Schema>;

  constructor(schemas: Record<string, Schema>) {
    this.schemas = schemas;
  }

  detail(name: string): SafeHtml {
    let detail = this.rendered.get(name);
    if (detail === undefined) {
      const schema = this.schemas[name];
      detail = schema === undefined ? html`` : schemaDetail(schema);
      this.rendered.set(name, detail);
    }
    return detail;
  }
}

/** A type's name for a summary: names only, no links (a summary is itself a control). */
function typeName(schema: Schema): SafeHtml {
  if (schema.$ref) return html`<code>${refName(schema.$ref)}</code>`;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return html`${alternatives.map((alt, i) => html`${i > 0 ? " or " : ""}${typeName(alt)}`)}`;
  if (schema.type === "array" && schema.items) return html`array of ${typeName(schema.items)}`;
  return html`${Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any")}`;
}

/** A body's schema, opened on demand: a named component is expanded once more, then linked. */
function bodyDetails(schema: Schema, components: Components, label: string): SafeHtml {
  const name = schema.$ref ? refName(schema.$ref) : undefined;
  return html`<details class="schema"><summary>${label} ${typeName(schema)}</summary>
${name === undefined ? html`<p>${typeOf(schema)}</p>` : components.detail(name)}
</details>`;
}

function authText(security: Json[] | undefined): string {
  if (security === undefined) return "No token.";
  if (security.some((entry) => Object.keys(entry).length === 0)) return "A bearer token is optional.";
  return "A bearer token is required.";
}

function parametersTable(parameters: Json[], document: Json): SafeHtml {
  if (parameters.length === 0) return html``;
  const resolved = parameters.map((p) => {
    const ref = p.$ref as string | undefined;
    return ref === undefined ? p : (lookup(document, ref) as Json);
  });
  return html`<table class="params">
<thead><tr><th scope="col">Parameter</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
<tbody>${resolved.map(
    (
      p,
    ) => html`<tr><td><code>${String(p.name)}</code>${p.required === true ? html` <span class="required">required</span>` : ""}</td>
<td>${String(p.in)}</td><td>${typeOf(p.schema as Schema)}${p.explode === false ? html` <span class="muted">(comma-separated)</span>` : ""}</td>
<td>${inline(String(p.description ?? ""))}</td></tr>`,
  )}</tbody>
</table>`;
}

function lookup(document: Json, ref: string): unknown {
  let node: unknown = document;
  for (const part of ref.replace(/^#\//, "").split("/")) {
    node = (node as Json)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return node;
}

function responsesList(responses: Record<string, Json>, document: Json, components: Components): SafeHtml {
  return html`<dl class="responses">${Object.entries(responses).map(([status, value]) => {
    const response = (value.$ref ? lookup(document, value.$ref as string) : value) as Json;
    const content = (response.content ?? {}) as Record<string, { schema: Schema }>;
    const [type, media] = Object.entries(content)[0] ?? [];
    const success = /^2/.test(status);
    return html`<dt><span class="status status-${status.charAt(0)}">${status === "default" ? "other" : status}</span></dt>
<dd>${inline(String(response.description ?? ""))}${
      media === undefined
        ? ""
        : success
          ? bodyDetails(media.schema, components, `${type}:`)
          : html` <span class="muted">${type}</span>`
    }</dd>`;
  })}</dl>`;
}

/** One operation, with the other paths that serve it. */
function operationArticle(main: Operation, others: Operation[], document: Json, components: Components) {
  const { op } = main;
  const body = op.requestBody as
    | { required?: boolean; description?: string; content: Record<string, { schema: Schema }> }
    | undefined;
  const [bodyType, bodyMedia] = body ? (Object.entries(body.content)[0] ?? []) : [];
  return html`<article class="op" id="op-${op.operationId}">
<h3><span class="method method-${main.method}">${main.method.toUpperCase()}</span> <code>${main.path}</code></h3>
<p class="op-summary">${op.summary}</p>
${prose(op.description)}
${
  others.length === 0
    ? ""
    : html`<p class="also">Also served at ${others.map(
        (other, i) => html`${i > 0 ? ", " : ""}<code>${other.path}</code>`,
      )}.${
        others.some((other) => other.path.startsWith("/groups/")) && !op.tags.includes("Authentication")
          ? " Under a group: from the group's view, and a private group answers its members only."
          : ""
      }</p>`
}
<p class="auth">${authText(op.security)}</p>
${parametersTable(op.parameters ?? [], document)}
${
  bodyMedia === undefined
    ? ""
    : html`<h4>Request body${body?.required === false ? " (optional)" : ""}</h4>${prose(body?.description)}${bodyDetails(
        bodyMedia.schema,
        components,
        `${bodyType}:`,
      )}`
}
<h4>Responses</h4>
${responsesList(op.responses, document, components)}
</article>`;
}

/** The operationId all copies of an operation share: without the group and /v0 suffixes. */
const baseId = (operationId: string) => operationId.replace(/(InGroup)?(V0)?$/, "");

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** The reference's main content, from the document (rendered once per isolate by the caller). */
export function docsMain(document: Json): SafeHtml {
  const info = document.info as { title: string; description?: string; version: string };
  const tags = document.tags as { name: string; description?: string }[];
  const components = new Components(((document.components as Json).schemas ?? {}) as Record<string, Schema>);
  const byBase = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Operation["op"] | undefined;
      if (op === undefined) continue;
      const key = baseId(op.operationId);
      byBase.set(key, [...(byBase.get(key) ?? []), { method, path, op }]);
    }
  }
  const sections = tags.map((tag) => {
    const operations = [...byBase.values()].filter((copies) => copies[0]!.op.tags.includes(tag.name));
    return html`<section class="tag" id="tag-${slug(tag.name)}" aria-labelledby="tag-${slug(tag.name)}-title">
<h2 id="tag-${slug(tag.name)}-title">${tag.name}</h2>
${prose(tag.description)}
${operations.map(([main, ...others]) => operationArticle(main!, others, document, components))}
</section>`;
  });
  return html`<div class="api-docs">
<h1>${info.title}</h1>
${prose(info.description)}
<p class="downloads">OpenAPI ${String(document.openapi)} document: <a href="${OPENAPI_JSON_PATH}">${OPENAPI_JSON_PATH}</a> ·
<a href="${OPENAPI_YAML_PATH}">${OPENAPI_YAML_PATH}</a> <span class="muted">(version ${info.version})</span></p>
<nav aria-label="API sections" class="docs-toc"><ul>
${tags.map((tag) => html`<li><a href="#tag-${slug(tag.name)}">${tag.name}</a></li>`)}
<li><a href="#schemas">Schemas</a></li>
</ul></nav>
${sections}
<section id="schemas" aria-labelledby="schemas-title">
<h2 id="schemas-title">Schemas</h2>
${Object.keys(components.schemas).map(
  (name) => html`<details class="schema component" id="${schemaId(name)}"><summary><code>${name}</code></summary>
${components.detail(name)}
</details>`,
)}
</section>
</div>`;
}
