// Reading JSON request bodies the way the official framework (huma) does: 1 MiB cap (413),
// "request body is required" (400), unparsable JSON (400 "validation failed", location body).
// Nesting deeper than MAX_JSON_DEPTH, or more than MAX_JSON_ELEMENTS values, is refused the same
// way before JSON.parse: nothing after parsing (validation, the error reply) has to cope with a
// value 20,000 levels deep, nor with the million violations a megabyte of `{}` would collect.
import * as v from "valibot";
import { toFieldErrors } from "../domain/server-json/field-errors.ts";
import { readTextCapped } from "../net/read-capped.ts";
import { ApiError, type ProblemDetail } from "../errors.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Most objects and arrays open at once in a body. A server.json needs 9 at most (body, packages,
 * package, transport, headers, header, variables, variable, choices); publisher-provided `_meta`
 * is free-form, and 64 leaves it ample room while keeping every recursive walk shallow.
 */
export const MAX_JSON_DEPTH = 64;
/**
 * Most objects, arrays and array/object entries in a body (counted as `{`, `[` and `,` outside
 * strings). The largest server.json of the official registry has about 2,200; validation keeps
 * a few violations per element, so this bounds what one request can make it hold (~tens of MB).
 */
export const MAX_JSON_ELEMENTS = 20_000;

function tooLarge(): ApiError {
  return new ApiError(413, `request body is too large limit=${MAX_BODY_BYTES} bytes`);
}

async function readCapped(request: Request): Promise<string> {
  const header = request.headers.get("content-length");
  const declared = header === null ? Number.NaN : Number(header);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  // A declared length within the limit is enforced by the runtime: read it in one go.
  if (Number.isSafeInteger(declared) && declared >= 0) return request.text();
  const text = await readTextCapped(request.body, MAX_BODY_BYTES);
  if (text === undefined) throw tooLarge();
  return text;
}

/**
 * Reads and parses a JSON body. `paramErrors` are framework errors found so far in headers or
 * query; they are reported together with a missing body, as the framework does.
 * Returns undefined for an empty body when `required` is false.
 */
export async function readJsonBody(
  request: Request,
  { required = true, paramErrors = [] }: { required?: boolean; paramErrors?: ProblemDetail[] } = {},
): Promise<unknown> {
  // Any Content-Type is read as JSON: curl -d and fetch with a string body send other types,
  // and refusing them would only turn a working publish into a 415.
  const raw = await readCapped(request);
  if (raw.trim() === "") {
    if (!required) return undefined;
    throw new ApiError(400, "request body is required", paramErrors);
  }
  const unparsable = (message: string) =>
    ApiError.validation([...paramErrors, { location: "body", message, value: raw }]).withStatus(400);
  const shape = jsonShapeRefusal(raw);
  if (shape !== undefined) throw unparsable(shape);
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw unparsable((err as Error).message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Why the text is too deep (more than MAX_JSON_DEPTH objects/arrays open at once) or too wide
 * (more than MAX_JSON_ELEMENTS opening brackets and commas), counting outside strings only; or
 * undefined. One pass, no allocation; on text that is not JSON the answer does not matter
 * (JSON.parse refuses it next), it only has to be cheap.
 */
export function jsonShapeRefusal(text: string): string | undefined {
  let depth = 0;
  let elements = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return `exceeded max depth of ${MAX_JSON_DEPTH}`;
      if (++elements > MAX_JSON_ELEMENTS) return `exceeded max of ${MAX_JSON_ELEMENTS} JSON elements`;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA && ++elements > MAX_JSON_ELEMENTS) {
      return `exceeded max of ${MAX_JSON_ELEMENTS} JSON elements`;
    }
  }
  return undefined;
}

/** Checks a value against a body model; failures are 422 "validation failed" at `location`. */
export function parseWith<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  location: "body" | "query" = "body",
): v.InferOutput<TSchema> {
  const parsed = v.safeParse(schema, input);
  if (!parsed.success) {
    const { errors, omitted } = toFieldErrors(parsed.issues, location);
    throw ApiError.validation(errors, omitted);
  }
  return parsed.output;
}

/** Reads a JSON body and checks it against a body model (strict keys, required fields). */
export async function readBodyAs<TSchema extends v.GenericSchema>(
  request: Request,
  schema: TSchema,
): Promise<v.InferOutput<TSchema>> {
  return parseWith(schema, await readJsonBody(request));
}
