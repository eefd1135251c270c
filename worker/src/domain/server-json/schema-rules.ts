// Layer 3: the JSON Schema 2025-12-11 rules that can still fail after layer 1 (used by /validate).
// The official validator checks the Go re-marshalled body, where `omitempty` drops "", false,
// empty lists and empty maps, so such values count as absent here. Where a rule overlaps a
// semantic one (package version "latest", websiteUrl format, ...) both layers report it, as
// the official /validate does.

import type { Argument, Input, KeyValueInput, ServerJson, ServerPackage, Transport } from "./framework-schema.ts";
import { parseGoUrl } from "./go-url.ts";
import { codePointLength } from "./code-points.ts";
import { field, index, schemaError, type ValidationIssue } from "./issues.ts";

/** Go's RE2 `\s` is [\t\n\f\r ], so `[^\s]` is spelled out. */
const TRANSPORT_URL_PATTERN = /^https?:\/\/[^\t\n\f\r ]+$/;
const TRANSPORT_URL_PATTERN_TEXT = "^https?://[^\\s]+$";

export function schemaIssues(server: ServerJson): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string, reference: string): void => {
    issues.push(schemaError(path, message, reference));
  };

  checkUri(add, "$schema", server.$schema, "ServerDetail/properties/$schema");
  if (codePointLength(server.version) > 255) {
    add(
      "version",
      `length must be <= 255, but got ${codePointLength(server.version)}`,
      "#/definitions/ServerDetail/properties/version/maxLength",
    );
  }
  if (present(server.websiteUrl)) checkUri(add, "websiteUrl", server.websiteUrl, "ServerDetail/properties/websiteUrl");
  if (server.repository !== undefined) {
    const missing = (["url", "source"] as const).filter((key) => !present(server.repository?.[key]));
    if (missing.length > 0) add("repository", missingFields(missing), "#/definitions/Repository/required");
    if (present(server.repository.url))
      checkUri(add, "repository.url", server.repository.url, "Repository/properties/url");
  }
  (server.icons ?? []).forEach((icon, i) =>
    checkUri(add, field(index("icons", i), "src"), icon.src, "Icon/properties/src"),
  );
  (server.packages ?? []).forEach((pkg, i) => packageRules(add, index("packages", i), pkg));
  (server.remotes ?? []).forEach((remote, i) => remoteRules(add, index("remotes", i), remote));
  return issues;
}

const INPUT_FORMATS: readonly string[] = ["string", "number", "boolean", "filepath"];

/** Input.format enum; layer 1 lets unknown formats through (see framework-schema.ts). */
function inputRules(add: Add, path: string, input: Input & { variables?: Record<string, Input> | undefined }): void {
  if (present(input.format) && !INPUT_FORMATS.includes(input.format)) {
    add(
      field(path, "format"),
      `value must be one of "string", "number", "boolean", "filepath" (got ${JSON.stringify(input.format)})`,
      "#/definitions/Input/properties/format/enum",
    );
  }
  for (const [name, variable] of Object.entries(input.variables ?? {}))
    inputRules(add, field(field(path, "variables"), name), variable);
}

function keyValueListRules(add: Add, path: string, list: readonly KeyValueInput[] | undefined): void {
  (list ?? []).forEach((item, i) => inputRules(add, index(path, i), item));
}

function transportInputRules(add: Add, path: string, transport: Transport): void {
  keyValueListRules(add, field(path, "headers"), transport.headers);
  for (const [name, variable] of Object.entries(transport.variables ?? {}))
    inputRules(add, field(field(path, "variables"), name), variable);
}

type Add = (path: string, message: string, reference: string) => void;

function packageRules(add: Add, path: string, pkg: ServerPackage): void {
  if (pkg.version === "latest") {
    add(
      field(path, "version"),
      `'latest' must not match the "not" schema (const "latest")`,
      "#/definitions/Package/properties/version/not",
    );
  }
  if (present(pkg.registryBaseUrl))
    checkUri(add, field(path, "registryBaseUrl"), pkg.registryBaseUrl, "Package/properties/registryBaseUrl");
  localTransportRules(add, field(path, "transport"), pkg.transport);
  transportInputRules(add, field(path, "transport"), pkg.transport);
  (pkg.runtimeArguments ?? []).forEach((arg, i) => argumentRules(add, index(field(path, "runtimeArguments"), i), arg));
  (pkg.packageArguments ?? []).forEach((arg, i) => argumentRules(add, index(field(path, "packageArguments"), i), arg));
  keyValueListRules(add, field(path, "environmentVariables"), pkg.environmentVariables);
}

function argumentRules(add: Add, path: string, arg: Argument): void {
  inputRules(add, path, arg);
  switch (arg.type) {
    case "positional":
      if (!present(arg.valueHint) && !present(arg.value)) {
        add(
          path,
          "positional argument must have a valueHint or a value (missing required fields: 'valueHint' or 'value')",
          "#/definitions/PositionalArgument/allOf/1/anyOf",
        );
      }
      return;
    case "named":
      if (!present(arg.name)) add(path, missingFields(["name"]), "#/definitions/NamedArgument/allOf/1/required");
      return;
    default:
      add(
        field(path, "type"),
        `value must be one of "positional", "named" (got ${JSON.stringify(arg.type)})`,
        "#/definitions/Argument/anyOf",
      );
  }
}

function localTransportRules(add: Add, path: string, transport: Transport): void {
  switch (transport.type) {
    case "stdio":
      return;
    case "streamable-http":
      return urlRules(add, path, transport.url, "StreamableHttpTransport");
    case "sse":
      return urlRules(add, path, transport.url, "SseTransport");
    default:
      add(
        field(path, "type"),
        `value must be one of "stdio", "streamable-http", "sse" (got ${JSON.stringify(transport.type)})`,
        "#/definitions/LocalTransport/anyOf",
      );
  }
}

function remoteRules(add: Add, path: string, remote: Transport): void {
  transportInputRules(add, path, remote);
  switch (remote.type) {
    case "streamable-http":
      return urlRules(add, path, remote.url, "StreamableHttpTransport");
    case "sse":
      return urlRules(add, path, remote.url, "SseTransport");
    default:
      add(
        field(path, "type"),
        `value must be one of "streamable-http", "sse" (got ${JSON.stringify(remote.type)})`,
        "#/definitions/RemoteTransport/allOf/0/anyOf",
      );
  }
}

function urlRules(add: Add, path: string, url: string | undefined, definition: string): void {
  if (!present(url)) {
    add(path, missingFields(["url"]), `#/definitions/${definition}/required`);
  } else if (!TRANSPORT_URL_PATTERN.test(url)) {
    add(
      field(path, "url"),
      `'${url}' does not match pattern '${TRANSPORT_URL_PATTERN_TEXT}'`,
      `#/definitions/${definition}/properties/url/pattern`,
    );
  }
}

/** JSON Schema `format: uri` as the official validator's library checks it: parses and is absolute. */
function checkUri(add: Add, path: string, value: string, definitionPath: string): void {
  const parsed = parseGoUrl(value);
  if (!parsed.ok || parsed.url.scheme === "") {
    add(path, `'${value}' has invalid format 'uri'`, `#/definitions/${definitionPath}/format`);
  }
}

function missingFields(keys: readonly string[]): string {
  return `missing required fields: ${keys.map((key) => `'${key}'`).join(", ")}`;
}

/** What survives Go's `omitempty` when the body is re-marshalled. */
function present<T>(value: T | undefined): value is T {
  return value !== undefined && value !== "";
}
