// Valibot building blocks that behave like huma's validation of a Go struct body: the same
// messages, the same order of checks, strict keys, Go's case-insensitive key matching, and
// Go's output order (struct field order; sorted keys for maps).

import * as v from "valibot";
import { codePointLength } from "./code-points.ts";
import { compareCodePoints } from "./go-strings.ts";
import { parseGoUrl } from "./go-url.ts";

export const REQUIRED_MESSAGE_PREFIX = "expected required property ";
export const UNEXPECTED_PROPERTY = "unexpected property";
const EXPECTED_OBJECT = "expected object";

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export const text = v.string("expected string");
export const bool = v.boolean("expected boolean");

export function list<const TItem extends v.GenericSchema>(item: TItem) {
  return v.array(item, "expected array");
}

/** huma's `minItems`/`maxItems`: an array of `min` to `max` items. */
export function listOfAtMost<const TItem extends v.GenericSchema>(item: TItem, max: number, min = 0) {
  return v.pipe(
    list(item),
    v.minLength(min, `expected array length >= ${min}`),
    v.maxLength(max, `expected array length <= ${max}`),
  );
}

export function minLength(n: number) {
  return v.check((s: string) => codePointLength(s) >= n, `expected length >= ${n}`);
}

export function maxLength(n: number) {
  return v.check((s: string) => codePointLength(s) <= n, `expected length <= ${n}`);
}

export function pattern(source: string) {
  const re = new RegExp(source);
  return v.check((s: string) => re.test(s), `expected string to match pattern ${source}`);
}

/** huma's `format:"uri"`: whatever Go's url.Parse accepts, message carrying Go's error. */
export const uriFormat = v.check(
  (s: string) => parseGoUrl(s).ok,
  (issue) => {
    const parsed = parseGoUrl(String(issue.input));
    return `expected string to be RFC 3986 uri: ${parsed.ok ? "" : parsed.error}`;
  },
);

/** A string enum; huma reports a non-string as "expected string", not as an enum miss. */
export function oneOf<const TOptions extends readonly [string, ...string[]]>(options: TOptions) {
  return v.pipe(text, v.picklist(options, `expected value to be one of "${options.join(", ")}"`));
}

/** Go's encoding/json matches field names with simple case folding (EqualFold). */
function foldKey(key: string): string {
  return key
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replaceAll("\u212A", "k")
    .replaceAll("\u017F", "s");
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty keeps a "__proto__" key an ordinary own property.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Keys valibot's object schemas skip silently; reported here so they cannot slip through. */
const KEYS_VALIBOT_IGNORES = new Set(["__proto__", "prototype", "constructor"]);

/**
 * A Go struct field set. Keys matching a field case-insensitively are renamed to the field
 * (later duplicates win, as in Go's decoder); null on an optional field is a no-op in Go and
 * is skipped by huma, so it is dropped; any other key is an "unexpected property".
 */
export function goStruct<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const byFold = new Map(Object.keys(entries).map((key) => [foldKey(key), key]));
  const optional = new Set(Object.keys(entries).filter((key) => entries[key]?.type === "optional"));
  return v.pipe(
    v.unknown(),
    v.check(isPlainObject, EXPECTED_OBJECT),
    v.rawTransform<unknown, Record<string, unknown>>(({ dataset, addIssue }) => {
      const input = dataset.value as Record<string, unknown>;
      const canonical: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(input)) {
        const field = byFold.get(foldKey(key));
        if (field === undefined && KEYS_VALIBOT_IGNORES.has(key)) {
          addIssue({
            message: UNEXPECTED_PROPERTY,
            input: value,
            path: [{ type: "object", origin: "value", input, key, value }],
          });
        }
        if (value === undefined) continue; // only JS callers can send it; JSON has no undefined
        if (value === null && field !== undefined && optional.has(field)) continue;
        setOwn(canonical, field ?? key, value);
      }
      return canonical;
    }),
    v.objectWithRest(entries, v.never(UNEXPECTED_PROPERTY), (issue) => {
      const key = issue.path?.[0]?.key;
      return `${REQUIRED_MESSAGE_PREFIX}${String(key)} to be present`;
    }),
    // Known keys only, already in entries order (the Go struct order) thanks to valibot.
    v.transform((value) => value as v.InferOutput<v.ObjectSchema<TEntries, undefined>>),
  );
}

/** A Go map[string]T: any keys, each value checked; marshalled with sorted keys. */
export function goMap<const TValue extends v.GenericSchema>(valueSchema: TValue) {
  return v.pipe(
    v.unknown(),
    v.check(isPlainObject, EXPECTED_OBJECT),
    v.rawTransform<unknown, Record<string, v.InferOutput<TValue>>>(({ dataset, addIssue }) => {
      const input = dataset.value as Record<string, unknown>;
      const output: Record<string, v.InferOutput<TValue>> = {};
      for (const key of Object.keys(input).sort(compareCodePoints)) {
        const value = input[key];
        const result = v.safeParse(valueSchema, value);
        if (result.success) {
          setOwn(output, key, result.output);
          continue;
        }
        for (const issue of result.issues) {
          const parent: v.IssuePathItem = { type: "object", origin: "value", input, key, value };
          addIssue({ message: issue.message, input: issue.input, path: [parent, ...(issue.path ?? [])] });
        }
      }
      return output;
    }),
  );
}

/** map[string]interface{}: any JSON object; Go re-marshals nested maps with sorted keys. */
export const freeFormObject = v.pipe(
  v.unknown(),
  v.check(isPlainObject, EXPECTED_OBJECT),
  v.transform((value) => sortKeysDeep(value) as Record<string, unknown>),
);

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isPlainObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareCodePoints)) setOwn(sorted, key, sortKeysDeep(value[key]));
  return sorted;
}
