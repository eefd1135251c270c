// The "specific version" rule shared by the server version and package versions (spec §5.1).

import { goQuote } from "./go-strings.ts";
import { semanticError, type ValidationIssue } from "./issues.ts";
import { isVersionRange } from "./version-range.ts";

/** Shared by the server version and package versions. */
export function versionIssues(path: string, version: string): ValidationIssue[] {
  if (version === "latest") {
    return [semanticError(path, "version string 'latest' is reserved and cannot be used", "reserved-version-string")];
  }
  if (isVersionRange(version)) {
    return [
      semanticError(
        path,
        `version must be a specific version, not a range: ${goQuote(version)}`,
        "version-looks-like-range",
      ),
    ];
  }
  return [];
}
