// Reading JSON request bodies the way the official framework (huma) does: 1 MiB cap (413),
// "request body is required" (400), unparsable JSON (400 "validation failed", location body).
import * as v from "valibot";
import { toFieldErrors } from "../domain/server-json/field-errors.ts";
import { readTextCapped } from "../net/read-capped.ts";
import { ApiError, type ProblemDetail } from "../errors.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

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
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw ApiError.validation([
      ...paramErrors,
      { location: "body", message: (err as Error).message, value: raw },
    ]).withStatus(400);
  }
}

/** Checks a value against a body model; failures are 422 "validation failed" at `location`. */
export function parseWith<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  location: "body" | "query" = "body",
): v.InferOutput<TSchema> {
  const parsed = v.safeParse(schema, input);
  if (!parsed.success) throw ApiError.validation(toFieldErrors(parsed.issues, location));
  return parsed.output;
}

/** Reads a JSON body and checks it against a body model (strict keys, required fields). */
export async function readBodyAs<TSchema extends v.GenericSchema>(
  request: Request,
  schema: TSchema,
): Promise<v.InferOutput<TSchema>> {
  return parseWith(schema, await readJsonBody(request));
}
