// Test helpers for the OpenAPI document: fetch it as a client would, find the operation a request
// reaches, and check an answer (status, content type, body) against what the document says of it,
// with @cfworker/json-schema (draft 2020-12: ajv cannot run inside workerd).
import { dereference, type Schema, validate } from "@cfworker/json-schema";
import { api } from "./registry.ts";

declare global {
  namespace Cloudflare {
    interface Env {
      /** ../shared/reference/openapi.yaml, or "" when absent (vitest.config.ts). */
      TEST_OFFICIAL_OPENAPI: string;
      /** ../shared/reference/examples/valid/*.json by file name, or {} when absent. */
      TEST_OFFICIAL_EXAMPLES: Record<string, string>;
    }
  }
}

export type Json = Record<string, any>;

export const METHODS = ["get", "put", "post", "patch", "delete"] as const;

/** GET /openapi.json, parsed. */
export async function servedDocument(): Promise<Json> {
  const response = await api("/openapi.json");
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  return (await response.json()) as Json;
}

/** The node a local `$ref` ("#/a/b") points to. */
export function resolvePointer(document: Json, ref: string): any {
  if (!ref.startsWith("#/")) throw new Error(`not a local reference: ${ref}`);
  let node: any = document;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) throw new Error(`unresolved ${ref}`);
    node = node[key];
  }
  return node;
}

/** Every `$ref` value anywhere in a value. */
export function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") out.push(item);
      else refsIn(item, out);
    }
  }
  return out;
}

/** The document's path template matching a concrete path (literal segments win over parameters). */
export function templateOf(document: Json, path: string): string | undefined {
  const segments = path.split("/");
  let best: { template: string; literals: number } | undefined;
  for (const template of Object.keys(document.paths)) {
    const parts = template.split("/");
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const fits = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return segments[i] !== "";
      literals++;
      return part === segments[i];
    });
    if (fits && (best === undefined || literals > best.literals)) best = { template, literals };
  }
  return best?.template;
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Checks answers against the document's operations; remembers which (operation, status) it saw. */
export class DocumentChecker {
  readonly document: Json;
  private readonly lookup: Record<string, Schema | boolean>;
  /** "METHOD template" → statuses checked. */
  readonly seen = new Map<string, Set<number>>();

  constructor(document: Json) {
    // A private copy: dereference() marks the schemas it walks.
    this.document = structuredClone(document);
    this.lookup = dereference(this.document as Schema);
  }

  operation(method: string, path: string): { template: string; op: Json } {
    const template = templateOf(this.document, path);
    const op = template === undefined ? undefined : this.document.paths[template]?.[method.toLowerCase()];
    if (template === undefined || op === undefined) throw new Error(`no documented operation for ${method} ${path}`);
    return { template, op };
  }

  /** The problems of an answer to `method path` against the document (none: it conforms). */
  problems(method: string, path: string, answer: Answer): string[] {
    const { template, op } = this.operation(method, path);
    const key = `${method.toUpperCase()} ${template}`;
    if (!this.seen.has(key)) this.seen.set(key, new Set());
    this.seen.get(key)!.add(answer.status);
    let response = op.responses[String(answer.status)];
    if (response === undefined) return [`${key}: status ${answer.status} is not documented`];
    if (response.$ref) response = resolvePointer(this.document, response.$ref);
    const content = response.content as Record<string, { schema: Schema }> | undefined;
    if (content === undefined) {
      return answer.text === "" ? [] : [`${key} ${answer.status}: a body where the document says none`];
    }
    const mediaType = (answer.contentType ?? "").split(";")[0]!.trim();
    const media = content[mediaType];
    if (media === undefined) {
      return [`${key} ${answer.status}: content type ${mediaType} is not one of ${Object.keys(content).join(", ")}`];
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [`${key} ${answer.status}: the body is not JSON`];
    }
    const result = validate(body, media.schema, "2020-12", this.lookup, false);
    return result.valid
      ? []
      : result.errors
          .slice(0, 12)
          .map((e) => `${key} ${answer.status}: ${e.instanceLocation} ${e.keywordLocation}: ${e.error}`);
  }

  /** Whether `value` fits a schema of the document (e.g. `#/components/schemas/ServerJson`). */
  fits(value: unknown, ref: string): { valid: boolean; errors: string[] } {
    const result = validate(value, resolvePointer(this.document, ref) as Schema, "2020-12", this.lookup, false);
    const errors = result.errors.slice(0, 12).map((e) => `${e.instanceLocation} ${e.keywordLocation}: ${e.error}`);
    return { valid: result.valid, errors };
  }
}

/** An answer as problems() reads it. */
export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
}
