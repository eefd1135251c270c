// The `$schema` check of spec §7.6 / §8 rule 1, as the official validator runs it at publish
// and in /validate: current URL → fine, other known version → warning, unknown → error.

import type { ValidationIssue } from "./issues.ts";

export const CURRENT_SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";
const CURRENT_SCHEMA_VERSION = "2025-12-11";

/** Schema versions the official registry embeds (it can validate against each of them). */
export const KNOWN_SCHEMA_VERSIONS: readonly string[] = [
  CURRENT_SCHEMA_VERSION,
  "2025-10-17",
  "2025-09-29",
  "2025-09-16",
  "2025-07-09",
];

const VERSION_IN_URL = /\/schemas\/([A-Za-z0-9_~.-]+)\/server\.schema\.json/;

export function schemaVersionIssues(schemaUrl: string): ValidationIssue[] {
  const path = "schema";
  if (schemaUrl === "") {
    return [
      {
        type: "semantic",
        path,
        message: "$schema field is required",
        severity: "error",
        reference: "schema-field-required",
      },
    ];
  }
  const version = VERSION_IN_URL.exec(schemaUrl)?.[1];
  if (version === undefined) {
    return [
      {
        type: "schema",
        path,
        message: `failed to extract schema version from URL: invalid schema URL format: ${schemaUrl}`,
        severity: "error",
        reference: "schema-version-extraction-error",
      },
    ];
  }
  const issues: ValidationIssue[] = [];
  // Any URL other than the exact current one warns, even the current version with a suffix.
  if (schemaUrl !== CURRENT_SCHEMA_URL) {
    issues.push({
      type: "semantic",
      path,
      message: `schema version ${version} is not the current version (${CURRENT_SCHEMA_VERSION}). Consider updating to the latest schema version`,
      severity: "warning",
      reference: "schema-version-deprecated",
    });
  }
  if (!KNOWN_SCHEMA_VERSIONS.includes(version)) {
    issues.push({
      type: "schema",
      path,
      message: `schema version ${version} not available: schema version ${version} not found in embedded schemas`,
      severity: "error",
      reference: "schema-version-not-available",
    });
  }
  return issues;
}
