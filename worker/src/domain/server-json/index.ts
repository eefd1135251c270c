// Pure server.json validation in three layers, matching the official MCP registry:
//   1. parseServerJson  – the API body model (huma, 422 "validation failed")
//   2. semanticIssues   – the semantic validator (publish 422 "invalid schema")
//   3. schemaIssues     – the rest of the JSON Schema (only /validate)

import * as v from "valibot";
import { toFieldErrors } from "./field-errors.ts";
import { ServerJsonSchema, type ServerJson } from "./framework-schema.ts";
import type { ProblemDetail } from "../../errors.ts";
import type { ValidationIssue } from "./issues.ts";
import { semanticIssues } from "./semantic-rules.ts";

export type { ValidationIssue } from "./issues.ts";
export type {
  Argument,
  Icon,
  Input,
  KeyValueInput,
  Repository,
  ServerJson,
  ServerPackage,
  Transport,
} from "./framework-schema.ts";
export { CURRENT_SCHEMA_URL, KNOWN_SCHEMA_VERSIONS } from "./schema-version.ts";
export { semanticIssues } from "./semantic-rules.ts";
export { schemaIssues } from "./schema-rules.ts";
export { isVersionRange } from "./version-range.ts";
export { codePointLength } from "./code-points.ts";

/**
 * Layer 1. Finds every violation; locations are prefixed with `locationPrefix`
 * ("body.packages[0].identifier"). The value keeps only known keys, in Go struct order. Only the
 * first `limit` violations become problem details (what a reply can list); `omitted` counts the
 * rest, when there are any.
 */
export function parseServerJson(
  input: unknown,
  locationPrefix = "body",
  limit?: number,
): { ok: true; value: ServerJson } | { ok: false; errors: ProblemDetail[]; omitted?: number } {
  const result = v.safeParse(ServerJsonSchema, input);
  if (result.success) return { ok: true, value: result.output };
  const { errors, omitted } = toFieldErrors(result.issues, locationPrefix, limit);
  return omitted > 0 ? { ok: false, errors, omitted } : { ok: false, errors };
}

/** Layer 1 then layer 2, as publish and import run them; warnings do not block. */
export function validateServerJson(
  input: unknown,
):
  | { ok: true; value: ServerJson; warnings: ValidationIssue[] }
  | { ok: false; errors: ProblemDetail[] }
  | { ok: false; issues: ValidationIssue[] } {
  // An import lists every reason an entry is refused.
  const parsed = parseServerJson(input, "body", Number.POSITIVE_INFINITY);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const issues = semanticIssues(parsed.value);
  if (issues.some((issue) => issue.severity === "error")) return { ok: false, issues };
  return { ok: true, value: parsed.value, warnings: issues };
}
