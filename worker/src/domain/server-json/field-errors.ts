// The one place where valibot issues become huma ErrorDetail items.

import type * as v from "valibot";
import { REQUIRED_MESSAGE_PREFIX, UNEXPECTED_PROPERTY } from "./huma-schema-kit.ts";
import { MAX_PROBLEM_ERRORS, type ProblemDetail } from "../../errors.ts";

/** The first issues as problem details, and how many more there were. */
export interface FieldErrors {
  errors: ProblemDetail[];
  omitted: number;
}

/**
 * huma reports a missing property at the parent's location and an unknown one at the key's
 * location, and in both cases gives the parent object as `value`; everything else carries
 * the offending value at its own location.
 *
 * Only the first `limit` issues are converted (by default what a problem reply can list at
 * most, MAX_PROBLEM_ERRORS); the rest are counted in `omitted`, for the reply's "… and K more
 * errors". A 1 MiB body can hold over a million violations, and converting them all cost as
 * much CPU as finding them.
 */
export function toFieldErrors(
  issues: readonly v.BaseIssue<unknown>[],
  prefix: string,
  limit = MAX_PROBLEM_ERRORS,
): FieldErrors {
  const shown = issues.length > limit ? issues.slice(0, limit) : issues;
  return { errors: shown.map((issue) => toFieldError(issue, prefix)), omitted: issues.length - shown.length };
}

function toFieldError(issue: v.BaseIssue<unknown>, prefix: string): ProblemDetail {
  const path = issue.path ?? [];
  const last = path.at(-1);
  if (issue.message.startsWith(REQUIRED_MESSAGE_PREFIX)) {
    return withValue({ message: issue.message, location: location(prefix, path.slice(0, -1)) }, last?.input);
  }
  if (issue.message === UNEXPECTED_PROPERTY) {
    return withValue({ message: issue.message, location: location(prefix, path) }, last?.input);
  }
  return withValue({ message: issue.message, location: location(prefix, path) }, issue.input);
}

/** huma's PathBuffer: "body.packages[0].identifier"; no leading dot without a prefix. */
function location(prefix: string, path: readonly v.IssuePathItem[]): string {
  let out = prefix;
  for (const item of path) {
    if (item.type === "array") out += `[${String(item.key)}]`;
    else out += out === "" ? String(item.key) : `.${String(item.key)}`;
  }
  return out;
}

function withValue(error: ProblemDetail, value: unknown): ProblemDetail {
  return value === undefined ? error : { ...error, value };
}
