// The YAML emitter of the OpenAPI document: whatever JSON value it is given, a YAML parser reads
// back exactly that value, strings that look like other YAML types and multi-line text included.
import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "../worker/src/openapi/yaml.ts";

const TRICKY_STRINGS = [
  "",
  " ",
  "plain",
  "with: colon",
  "ends with colon:",
  "hash # inside",
  "a#b",
  "- dash",
  "-",
  "? question",
  "[flow]",
  "{flow}",
  "in [the] middle",
  "*alias",
  "&anchor",
  "!tag",
  "|",
  ">",
  "'single'",
  '"double"',
  "%directive",
  "@at",
  "`tick`",
  "true",
  "False",
  "null",
  "~",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "123",
  "-1.5e3",
  "0x1F",
  "0o17",
  ".inf",
  "-.Inf",
  ".nan",
  "1_000",
  "1:20",
  "2025-12-11",
  "2025-12-11T10:00:00Z",
  "1.0.0",
  "<<",
  "=",
  "trailing space ",
  "tab\tinside",
  "line\nbreak",
  "two\n\nparagraphs\n",
  "ends with newlines\n\n\n",
  "\nleading newline",
  "  leading spaces\nsecond",
  "first\n  indented second",
  "crlf\r\nline",
  "nul\u0000byte",
  "bell\u0007",
  "del\u007f",
  "c1\u0085control",
  "bom\ufeff",
  "line\u2028separator",
  "unicode é ü ≥ … 漢字",
  "emoji 😀",
  "---",
  "...",
  "key: value\n---\nnext",
  "# comment",
  "$ref",
  "#/components/schemas/ServerJson",
  "application/problem+json",
  "https://example.com/a?b=c#d",
  "C:\\path\\file",
];

describe("toYaml", () => {
  it("round-trips strings that look like other YAML, as values and as keys", () => {
    for (const s of TRICKY_STRINGS) {
      expect(parse(toYaml({ [s]: s })), JSON.stringify(s)).toEqual({ [s]: s });
      expect(parse(toYaml([s, { k: s }, [s]])), JSON.stringify(s)).toEqual([s, { k: s }, [s]]);
    }
  });

  it("round-trips scalars, empty and nested collections", () => {
    const value = {
      n: 0,
      neg: -12.5,
      big: 1e21,
      t: true,
      f: false,
      z: null,
      empty: {},
      none: [],
      nested: [[1, [2, []]], { a: { b: { c: [{}, { d: "e\nf" }] } } }],
      "200": "status key",
    };
    expect(parse(toYaml(value))).toEqual(value);
  });

  it("round-trips any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON has no -0: the value as JSON text would carry it.
        const json = JSON.parse(JSON.stringify(value));
        expect(parse(toYaml(json))).toEqual(json);
      }),
      { numRuns: 300 },
    );
  });
});
