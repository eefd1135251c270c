// What a worst-case body costs: a 1 MiB body of ~350,000 empty packages would collect over a
// million body-model violations (hundreds of MB) if it were validated. It is refused before
// parsing by the element cap; what passes the cap collects a bounded number of violations, of
// which a reply shows at most MAX_PROBLEM_ERRORS, converted, with an exact count of the rest.
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { toFieldErrors } from "../worker/src/domain/server-json/field-errors.ts";
import { ServerJsonSchema } from "../worker/src/domain/server-json/framework-schema.ts";
import { MAX_PROBLEM_ERRORS } from "../worker/src/http/problem.ts";
import { MAX_BODY_BYTES, MAX_JSON_ELEMENTS } from "../worker/src/http/request-body.ts";
import { api, serverJson } from "./helpers/registry.ts";

/** A server.json whose packages are `count` empty objects. */
function emptyPackagesBody(count: number): string {
  return JSON.stringify(serverJson("com.validate-cost/tool", "1.0.0", { packages: Array(count).fill({}) }));
}

describe("validation cost", () => {
  it("refuses a 1 MiB body of empty packages before validating it", async () => {
    const count = Math.floor((MAX_BODY_BYTES - emptyPackagesBody(0).length) / 3);
    const text = emptyPackagesBody(count);
    expect(text.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(count).toBeGreaterThan(340_000);
    const response = await api("/v0/validate", { method: "POST", body: text });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { message: string; location: string }[] };
    expect(problem.errors[0]).toMatchObject({
      location: "body",
      message: `exceeded max of ${MAX_JSON_ELEMENTS} JSON elements`,
    });
  });

  it("the widest body under the cap collects a bounded number of violations", () => {
    // Each empty package is one "{" and one ",": the cap admits about MAX_JSON_ELEMENTS / 2.
    const body = JSON.parse(emptyPackagesBody(Math.floor(MAX_JSON_ELEMENTS / 2) - 10));
    const parsed = v.safeParse(ServerJsonSchema, body);
    expect(parsed.success).toBe(false);
    expect(parsed.issues!.length).toBeLessThanOrEqual((3 * MAX_JSON_ELEMENTS) / 2);
  });

  it("converts only the violations a reply can show, and counts the rest", () => {
    const parsed = v.safeParse(ServerJsonSchema, JSON.parse(emptyPackagesBody(1_000)));
    const issues = parsed.issues!;
    expect(issues).toHaveLength(3_000); // three missing properties per package
    const converted = toFieldErrors(issues, "body");
    expect(converted.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(converted.omitted).toBe(issues.length - MAX_PROBLEM_ERRORS);
    expect(converted.errors[0]).toEqual({
      message: "expected required property registryType to be present",
      location: "body.packages[0]",
      value: {},
    });
    const few = toFieldErrors(issues.slice(0, 3), "body");
    expect(few.errors).toHaveLength(3);
    expect(few.omitted).toBe(0);
  });
});
