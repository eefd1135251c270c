// The one place where valibot issues become huma ErrorDetail items.

import type * as v from "valibot";
import { REQUIRED_MESSAGE_PREFIX, UNEXPECTED_PROPERTY } from "./huma-schema-kit.ts";
import type { ProblemDetail } from "../../errors.ts";

/**
 * huma reports a missing property at the parent's location and an unknown one at the key's
 * location, and in both cases gives the parent object as `value`; everything else carries
 * the offending value at its own location.
 */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[], prefix: string): ProblemDetail[] {
  return issues.map((issue) => {
    const path = issue.path ?? [];
    const last = path.at(-1);
    if (issue.message.startsWith(REQUIRED_MESSAGE_PREFIX)) {
      return withValue({ message: issue.message, location: location(prefix, path.slice(0, -1)) }, last?.input);
    }
    if (issue.message === UNEXPECTED_PROPERTY) {
      return withValue({ message: issue.message, location: location(prefix, path) }, last?.input);
    }
    return withValue({ message: issue.message, location: location(prefix, path) }, issue.input);
  });
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
