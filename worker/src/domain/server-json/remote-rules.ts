// Layer 2 rules for one remote (spec §7.3, §8 rule 9).

import type { Transport } from "./framework-schema.ts";
import { goStringList } from "./go-strings.ts";
import { field, semanticError, type ValidationIssue } from "./issues.ts";
import { extractTemplateVariables, isValidRemoteUrl, isValidTemplatedUrl } from "./transport-urls.ts";

export function remoteIssues(path: string, remote: Transport): ValidationIssue[] {
  const url = remote.url ?? "";
  const urlPath = field(path, "url");
  if (remote.type !== "streamable-http" && remote.type !== "sse") {
    return [
      semanticError(
        field(path, "type"),
        `unsupported transport type for remotes: ${remote.type} (only streamable-http and sse are supported)`,
        "unsupported-remote-transport-type",
      ),
    ];
  }
  const issues: ValidationIssue[] = [];
  if (url === "") {
    issues.push(
      semanticError(urlPath, `url is required for ${remote.type} transport type`, "remote-transport-url-required"),
    );
  } else if (!isValidRemoteUrl(url)) {
    issues.push(semanticError(urlPath, `invalid remote URL: ${url}`, "invalid-remote-url"));
  }
  // The official validator runs the template check as well, even after the checks above failed.
  const available = Object.keys(remote.variables ?? {}).filter((name) => name !== "");
  if (!isValidTemplatedUrl(url, available)) {
    const detail =
      extractTemplateVariables(url).length > 0
        ? `template variables in URL ${url} reference undefined variables. Available variables: ${goStringList(available)}`
        : url;
    issues.push(semanticError(urlPath, `invalid remote URL: ${detail}`, "invalid-templated-url"));
  }
  return issues;
}
