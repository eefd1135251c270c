// Layer 2 rules for one package (spec §8 rule 8): identifier, version, arguments, transport.

import type { Argument, ServerPackage, Transport } from "./framework-schema.ts";
import { goStringList } from "./go-strings.ts";
import { field, index, semanticError, type ValidationIssue } from "./issues.ts";
import { extractTemplateVariables, isValidTemplatedUrl } from "./transport-urls.ts";
import { versionIssues } from "./version-rules.ts";

export function packageIssues(path: string, pkg: ServerPackage): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (pkg.identifier.includes(" ")) {
    issues.push(
      semanticError(field(path, "identifier"), "package name cannot contain spaces", "package-name-has-spaces"),
    );
  }
  issues.push(...versionIssues(field(path, "version"), pkg.version ?? ""));
  (pkg.runtimeArguments ?? []).forEach((arg, i) =>
    issues.push(...argumentIssues(index(field(path, "runtimeArguments"), i), arg)),
  );
  (pkg.packageArguments ?? []).forEach((arg, i) =>
    issues.push(...argumentIssues(index(field(path, "packageArguments"), i), arg)),
  );
  issues.push(...transportIssues(field(path, "transport"), pkg.transport, availableVariables(pkg)));
  return issues;
}

function argumentIssues(path: string, arg: Argument): ValidationIssue[] {
  if (arg.type !== "named") return [];
  const issues: ValidationIssue[] = [];
  const name = arg.name ?? "";
  if (name === "") {
    issues.push(semanticError(field(path, "name"), "named argument name is required", "named-argument-name-required"));
  } else if (/[<> $]/.test(name)) {
    issues.push(
      semanticError(field(path, "name"), `invalid named argument name format: ${name}`, "invalid-named-argument-name"),
    );
  }
  // Runs even when the name is empty, so any value then "starts with" it (official quirk).
  const value = arg.value ?? "";
  if (value !== "" && value.startsWith(name)) {
    issues.push(
      semanticError(
        field(path, "value"),
        `argument value cannot start with the argument name: value starts with argument name '${name}': ${value}`,
        "argument-value-starts-with-name",
      ),
    );
  }
  const fallback = arg.default ?? "";
  if (fallback !== "" && fallback.startsWith(name)) {
    issues.push(
      semanticError(
        field(path, "default"),
        `argument default cannot start with the argument name: default starts with argument name '${name}': ${fallback}`,
        "argument-default-starts-with-name",
      ),
    );
  }
  return issues;
}

/** Names a package transport URL may use as {var}: env var names, argument names and valueHints. */
function availableVariables(pkg: ServerPackage): string[] {
  const names = (pkg.environmentVariables ?? []).map((env) => env.name);
  for (const arg of [...(pkg.runtimeArguments ?? []), ...(pkg.packageArguments ?? [])]) {
    if ((arg.name ?? "") !== "") names.push(arg.name ?? "");
    if ((arg.valueHint ?? "") !== "") names.push(arg.valueHint ?? "");
  }
  return names;
}

function transportIssues(path: string, transport: Transport, available: readonly string[]): ValidationIssue[] {
  const url = transport.url ?? "";
  const urlPath = field(path, "url");
  switch (transport.type) {
    case "stdio":
      return url === ""
        ? []
        : [
            semanticError(
              urlPath,
              `url must be empty for stdio transport type, got: ${url}`,
              "stdio-transport-url-not-empty",
            ),
          ];
    case "streamable-http":
    case "sse": {
      if (url === "") {
        return [
          semanticError(
            urlPath,
            `url is required for ${transport.type} transport type`,
            "streamable-transport-url-required",
          ),
        ];
      }
      if (isValidTemplatedUrl(url, available)) return [];
      const detail =
        extractTemplateVariables(url).length > 0
          ? `template variables in URL ${url} reference undefined variables. Available variables: ${goStringList(available)}`
          : url;
      return [semanticError(urlPath, `invalid package transport URL: ${detail}`, "invalid-templated-url")];
    }
    default:
      return [
        semanticError(
          field(path, "type"),
          `unsupported transport type: ${transport.type}`,
          "unsupported-transport-type",
        ),
      ];
  }
}
