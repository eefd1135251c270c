// A small YAML 1.2 emitter for JSON values (the OpenAPI document): block mappings and sequences,
// plain scalars where YAML reads them back as the same string, double-quoted (JSON-escaped)
// strings otherwise, and literal blocks for multi-line text. A YAML parser reads back exactly
// the JSON value (test/openapi-served.test.ts, test/openapi-yaml-emitter.test.ts).

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Strings a plain scalar may spell: printable characters only (no escapes needed), no indicator
 * or digit, sign or dot at the start (YAML 1.1 parsers read many such strings as numbers, dates
 * or sexagesimals), no ": " or " #" inside, no trailing space or colon.
 */
const PLAIN =
  /^(?![-?:,[\]{}#&*!|>'"%@`\s0-9+.=<~])[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;
/** What a YAML 1.2 core-schema resolver would read as something other than a string. */
const NOT_A_STRING = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
/** YAML 1.1 booleans, which some parsers still resolve: quoted too, to be read the same everywhere. */
const OLD_BOOLEAN = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

function isPlain(s: string): boolean {
  return (
    s !== "" &&
    PLAIN.test(s) &&
    !s.endsWith(" ") &&
    !s.endsWith(":") &&
    !s.includes(": ") &&
    !s.includes(" #") &&
    !NOT_A_STRING.test(s) &&
    !OLD_BOOLEAN.test(s)
  );
}

/**
 * JSON's string escapes are YAML's too; the characters YAML may not hold raw in a quoted
 * scalar (C1 controls, DEL, the byte order mark, non-characters, line separators) are escaped.
 */
function quoted(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Text for a literal block (`|`): several lines, each printable, and a first line that does not
 * start with a space (which would need an indentation indicator).
 */
function isBlockText(s: string): boolean {
  return (
    s.includes("\n") &&
    // The first line sets the block's indentation: it must start with content.
    !/^[ \t\n]/.test(s) &&
    !s.includes("\r") &&
    // Tabs and printable characters only: the rest would need escapes, which blocks lack.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
    !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/.test(s)
  );
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("YAML: a JSON value has no non-finite numbers");
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  return isPlain(value) ? value : quoted(value);
}

function literalBlock(s: string, indent: string): string {
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? s : s.slice(0, -trailing);
  const lines = body.split("\n").map((line) => (line === "" ? "" : `${indent}${line}`));
  // "+" keeps the extra line breaks: they are written as empty lines.
  const extra = trailing > 1 ? "\n".repeat(trailing - 1) : "";
  return `|${chomp}\n${lines.join("\n")}${extra}`;
}

function isEmptyCollection(value: JsonValue): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

/**
 * Writes `lead` (an indented "key:" or "-") and its value: on the same line for scalars and
 * empty collections, else on the next lines, `indent` being the column of the lead's key.
 */
function writeValue(lead: string, value: JsonValue, indent: string, out: string[]): void {
  if (value === null || typeof value !== "object") {
    const text = typeof value === "string" && isBlockText(value) ? literalBlock(value, `${indent}  `) : scalar(value);
    out.push(`${lead} ${text}`);
  } else if (isEmptyCollection(value)) {
    out.push(`${lead} ${Array.isArray(value) ? "[]" : "{}"}`);
  } else {
    out.push(lead);
    writeBlock(value, `${indent}  `, out);
  }
}

function writeBlock(value: JsonValue[] | { [key: string]: JsonValue }, indent: string, out: string[]): void {
  if (!Array.isArray(value)) {
    for (const key of Object.keys(value)) writeValue(`${indent}${scalar(key)}:`, value[key]!, indent, out);
    return;
  }
  for (const item of value) {
    if (item === null || typeof item !== "object" || Array.isArray(item) || isEmptyCollection(item)) {
      writeValue(`${indent}-`, item, indent, out);
      continue;
    }
    // A mapping in a sequence starts on the dash's line: "- key: value", its keys two columns in.
    let first = true;
    for (const key of Object.keys(item)) {
      writeValue(`${indent}${first ? "- " : "  "}${scalar(key)}:`, item[key]!, `${indent}  `, out);
      first = false;
    }
  }
}

/** The YAML text of a JSON value. */
export function toYaml(value: unknown): string {
  const json = value as JsonValue;
  if (json === null || typeof json !== "object" || isEmptyCollection(json)) {
    const out: string[] = [];
    writeValue("", json, "", out);
    return `${out.join("\n").trimStart()}\n`;
  }
  const out: string[] = [];
  writeBlock(json, "", out);
  return `${out.join("\n")}\n`;
}
