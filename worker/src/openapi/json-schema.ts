// Valibot → JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) for the OpenAPI document, with
// @valibot/to-json-schema. The body models are built from huma-schema-kit.ts, whose helpers are
// pipes valibot's converter cannot read by itself; each is recognised here and nothing else is
// let through: an action or schema the converter does not know fails the build (and the tests),
// so the document never silently describes less than the code checks.
import { type ConversionConfig, type JsonSchema, toJsonSchema, toJsonSchemaDefs } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { isPlainObject, uriFormat } from "../domain/server-json/huma-schema-kit.ts";

export type { JsonSchema };

/** Where named schemas live in the document. */
export const COMPONENT_SCHEMAS = "#/components/schemas/";

/**
 * The component the values of every goMap (a Go map[string]T) are. goMap keeps its value schema
 * in a closure the converter cannot see; every map of the body model is a map of InputSchema
 * (framework-schema.ts), which test/openapi-request-schemas.test.ts checks by behaviour.
 */
export const GO_MAP_VALUE_COMPONENT = "Input";

/** huma-schema-kit's checks carry huma's messages, which state their rule exactly. */
const CHECK_MESSAGES: readonly [RegExp, (match: RegExpExecArray) => JsonSchema][] = [
  [/^expected length >= (\d+)$/, (m) => ({ minLength: Number(m[1]) })],
  [/^expected length <= (\d+)$/, (m) => ({ maxLength: Number(m[1]) })],
  [/^expected string to match pattern (.+)$/s, (m) => ({ pattern: m[1] })],
];

type Action = Parameters<NonNullable<ConversionConfig["overrideAction"]>>[0]["valibotAction"];

/** The JSON Schema of one of our actions the converter does not know, or undefined. */
function convertOurAction(action: Action, schema: JsonSchema): JsonSchema | undefined {
  const { type } = action as { type: string };
  if (type === "check") {
    const check = action as unknown as { requirement: unknown; message: unknown };
    // huma's format:"uri": whatever Go's url.Parse accepts (a looser rule than RFC 3986's).
    if (action === (uriFormat as unknown)) return { ...schema, format: "uri" };
    if (check.requirement === isPlainObject) return { ...schema, type: "object" };
    if (typeof check.message === "string") {
      for (const [re, keywords] of CHECK_MESSAGES) {
        const match = re.exec(check.message);
        if (match) return { ...schema, ...keywords(match) };
      }
    }
    return undefined;
  }
  // goStruct's and freeFormObject's closing transforms only reorder keys: the shape stands.
  if (type === "transform") return schema;
  // goMap's key walk (goStruct's comes before its object schema, which output mode starts from).
  if (type === "raw_transform" && schema.type === "object" && schema.properties === undefined) {
    return { ...schema, additionalProperties: { $ref: `${COMPONENT_SCHEMAS}${GO_MAP_VALUE_COMPONENT}` } };
  }
  return undefined;
}

const CONFIG: ConversionConfig = {
  target: "draft-2020-12",
  // A goStruct is the object schema at the end of its pipe; a body's output is what it documents.
  typeMode: "output",
  errorMode: "throw",
  overrideAction({ valibotAction, jsonSchema, errors }) {
    if (errors === undefined) return undefined;
    const converted = convertOurAction(valibotAction, jsonSchema);
    if (converted === undefined) {
      throw new Error(`OpenAPI: cannot convert the valibot action "${(valibotAction as { type: string }).type}"`);
    }
    return converted;
  },
  overrideSchema({ valibotSchema, jsonSchema }) {
    const schema = valibotSchema as { type: string; rest?: { type: string } };
    if (jsonSchema.type !== "object") return undefined;
    const out: JsonSchema = { ...jsonSchema };
    // goStruct refuses unknown keys with a rest of never: plainly additionalProperties false.
    if (schema.type === "object_with_rest" && schema.rest?.type === "never") out.additionalProperties = false;
    if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
    return out;
  },
  overrideRef: ({ referenceId }) => `${COMPONENT_SCHEMAS}${referenceId}`,
};

/** The JSON Schemas of named valibot schemas, each referring to the others by name. */
export function componentSchemas(named: Record<string, v.GenericSchema>): Record<string, JsonSchema> {
  return toJsonSchemaDefs(named, CONFIG) as Record<string, JsonSchema>;
}

/** The JSON Schema of one unnamed valibot schema (a parameter's), referring to `named` components. */
export function inlineSchema(schema: v.GenericSchema, named: Record<string, v.GenericSchema> = {}): JsonSchema {
  const { $schema: _dialect, $defs: _defs, ...rest } = toJsonSchema(schema, { ...CONFIG, definitions: named });
  return rest;
}
