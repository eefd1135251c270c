// What a worst-case body costs POST /validate: a 1 MiB body of ~350,000 empty packages has over
// a million body-model violations, of which a reply shows at most MAX_PROBLEM_ERRORS. Only those
// are converted to problem details; the rest are only counted, so the reply's summary stays
// exact. (Timings: docs/storage.md has none; the numbers are in the issue 9 report, measured
// outside workerd, whose clock does not advance during CPU work.)
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { toFieldErrors } from "../worker/src/domain/server-json/field-errors.ts";
import { ServerJsonSchema } from "../worker/src/domain/server-json/framework-schema.ts";
import { MAX_PROBLEM_ERRORS } from "../worker/src/http/problem.ts";
import { api, serverJson } from "./helpers/registry.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/** The largest body of empty packages the 1 MiB limit lets through. */
function emptyPackagesBody(): { text: string; packages: number } {
  const base = JSON.stringify(serverJson("com.validate-cost/tool", "1.0.0", { packages: [] }));
  const packages = Math.floor((MAX_BODY_BYTES - base.length) / 3);
  const text = base.replace('"packages":[]', `"packages":[${Array(packages).fill("{}").join(",")}]`);
  return { text, packages };
}

describe("validation cost", () => {
  it("converts only the issues a reply can show, and counts the rest", () => {
    const body = JSON.parse(emptyPackagesBody().text);
    const parsed = v.safeParse(ServerJsonSchema, body);
    expect(parsed.success).toBe(false);
    const issues = parsed.issues!;
    expect(issues.length).toBeGreaterThan(1_000_000);
    const converted = toFieldErrors(issues, "body");
    expect(converted.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(converted.omitted).toBe(issues.length - MAX_PROBLEM_ERRORS);
    expect(converted.errors[0]).toEqual({
      message: "expected required property registryType to be present",
      location: "body.packages[0]",
      value: {},
    });
    // Fewer issues than the limit: all of them, none omitted.
    const few = toFieldErrors(issues.slice(0, 3), "body");
    expect(few.errors).toHaveLength(3);
    expect(few.omitted).toBe(0);
  });

  it("a 1 MiB body of empty packages: 422, the first errors and an exact count of the rest", async () => {
    const { text, packages } = emptyPackagesBody();
    expect(text.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(packages).toBeGreaterThan(340_000);
    const response = await api("/v0/validate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { message: string }[] };
    expect(problem.errors).toHaveLength(MAX_PROBLEM_ERRORS + 1);
    // Three missing properties per package.
    expect(problem.errors.at(-1)).toEqual({ message: `… and ${3 * packages - MAX_PROBLEM_ERRORS} more errors` });
  });
});
