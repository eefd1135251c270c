// Error replies do not amplify their input (issue 9): whatever a request holds, no problem reply
// is larger than a small fixed size. At most MAX_PROBLEM_ERRORS entries are listed, then one
// summary entry; long strings are cut (in code points) with a marker, and large objects and
// arrays are replaced by a cut rendering. Small values are echoed exactly, as before.
import { describe, expect, it } from "vitest";
import { MAX_ECHO_CODE_POINTS, MAX_PROBLEM_ERRORS, problemBody, TRUNCATION_MARK } from "../worker/src/http/problem.ts";
import { MAX_JSON_ELEMENTS } from "../worker/src/http/request-body.ts";
import { api, serverJson } from "./helpers/registry.ts";
import { publishAll, tokenFor } from "./helpers/publishing.ts";

const NAME = "com.reply-size/tool";
/** The size no problem reply may exceed (issue 9). */
const MAX_PROBLEM_BYTES = 64 * 1024;

async function call(path: string, init: RequestInit = {}) {
  const started = Date.now();
  const response = await api(path, init);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  return { status: response.status, type: response.headers.get("content-type"), bytes, text, ms: Date.now() - started };
}

const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body,
});

function codePoints(s: string): number {
  return [...s].length;
}

describe("problem replies are bounded", async () => {
  const token = await tokenFor(publishAll("*"));

  it("refuses the reported body (100,000 empty packages) before validating it", async () => {
    const body = JSON.stringify(serverJson(NAME, "1.0.0", { packages: Array.from({ length: 100_000 }, () => ({})) }));
    expect(body.length).toBeGreaterThan(300_000);
    for (const path of ["/v0/validate", "/v0.1/publish"]) {
      const reply = await call(path, post(body, { authorization: `Bearer ${token}` }));
      expect(reply.status).toBe(400);
      expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
      const problem = JSON.parse(reply.text);
      expect(problem.errors[0]).toMatchObject({
        location: "body",
        message: `exceeded max of ${MAX_JSON_ELEMENTS} JSON elements`,
      });
    }
  });

  it("lists at most MAX_PROBLEM_ERRORS errors for 6,000 empty packages, then a summary", async () => {
    const body = JSON.stringify(serverJson(NAME, "1.0.0", { packages: Array.from({ length: 6_000 }, () => ({})) }));
    for (const path of ["/v0/validate", "/v0.1/publish"]) {
      const reply = await call(path, post(body, { authorization: `Bearer ${token}` }));
      expect(reply.status).toBe(422);
      expect(reply.type).toBe("application/problem+json");
      expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
      const problem = JSON.parse(reply.text);
      expect(problem.detail).toBe("validation failed");
      expect(problem.errors).toHaveLength(MAX_PROBLEM_ERRORS + 1);
      // Entries listed are the first ones, exactly as before.
      expect(problem.errors[0]).toEqual({
        message: "expected required property registryType to be present",
        location: "body.packages[0]",
        value: {},
      });
      // Three missing properties per package.
      expect(problem.errors.at(-1)).toEqual({ message: `… and ${18_000 - MAX_PROBLEM_ERRORS} more errors` });
    }
  });

  it("does not echo a whole body once per unknown key", async () => {
    const input: Record<string, unknown> = serverJson(NAME, "1.0.0");
    for (let i = 0; i < 2_000; i++) input[`k${i}`] = "x".repeat(10);
    const reply = await call("/v0/validate", post(JSON.stringify(input)));
    expect(reply.status).toBe(422);
    expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    const problem = JSON.parse(reply.text);
    // Fewer than MAX_PROBLEM_ERRORS when the byte budget runs out first; the rest are counted.
    const listed = problem.errors.length - 1;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThanOrEqual(MAX_PROBLEM_ERRORS);
    expect(problem.errors.at(-1).message).toBe(`… and ${2_000 - listed} more errors`);
    // The parent object is too large to echo: a cut rendering of it, with the marker.
    const value = problem.errors[0].value;
    expect(problem.errors[0]).toMatchObject({ message: "unexpected property", location: "body.k0" });
    expect(typeof value).toBe("string");
    expect(value.startsWith(`{"$schema":"https://`)).toBe(true);
    expect(value.endsWith(TRUNCATION_MARK)).toBe(true);
  });

  it("cuts long strings in value, location and message, counting code points", async () => {
    const longName = "𝔸".repeat(200_000);
    const longKey = "é".repeat(100_000);
    const reply = await call(
      "/v0/validate",
      post(JSON.stringify({ ...serverJson(NAME, "1.0.0"), name: longName, [longKey]: 1 })),
    );
    expect(reply.status).toBe(422);
    expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    const errors = JSON.parse(reply.text).errors;
    const nameError = errors.find((e: any) => e.location === "body.name");
    expect(nameError.message).toBe("expected length <= 200");
    expect(nameError.value).toBe(`${"𝔸".repeat(MAX_ECHO_CODE_POINTS)}${TRUNCATION_MARK}`);
    const keyError = errors.find((e: any) => e.message === "unexpected property");
    expect(keyError.location).toBe(`body.${"é".repeat(MAX_ECHO_CODE_POINTS - 5)}${TRUNCATION_MARK}`);
  });

  it("cuts the raw body echoed for unparsable JSON", async () => {
    const raw = `{"name":"${"x".repeat(1_000_000)}`;
    const reply = await call("/v0/validate", post(raw));
    expect(reply.status).toBe(400);
    expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    const [error] = JSON.parse(reply.text).errors;
    expect(error.location).toBe("body");
    expect(error.value).toBe(`${raw.slice(0, MAX_ECHO_CODE_POINTS)}${TRUNCATION_MARK}`);
  });

  it("cuts long query values", async () => {
    const reply = await call(`/v0.1/servers?limit=${"9".repeat(100_000)}&include_deleted=${"y".repeat(100_000)}`);
    expect(reply.status).toBe(422);
    expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    const errors = JSON.parse(reply.text).errors;
    expect(errors.map((e: any) => e.location)).toEqual(["query.limit", "query.include_deleted"]);
    expect(codePoints(errors[1].value)).toBe(MAX_ECHO_CODE_POINTS + codePoints(TRUNCATION_MARK));
  });

  it("bounds replies of other routes too", async () => {
    const reports = Array.from({ length: 2_000 }, (_, i) => [`f${i}`, "x".repeat(10)]);
    for (const [path, body] of [
      ["/x/reports", JSON.stringify(Object.fromEntries(reports))],
      ["/x/admin/denylist", JSON.stringify({ kind: "host", value: ["a".repeat(900_000)], reason: "" })],
    ] as const) {
      const reply = await call(path, post(body, { authorization: `Bearer ${token}` }));
      expect(reply.status).toBe(422);
      expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    }
  });

  it("keeps every problem under the cap whatever the detail, messages and values", () => {
    const huge = "\u0001".repeat(20_000);
    const errors = Array.from({ length: 200 }, (_, i) => ({
      message: huge,
      location: `${huge}${i}`,
      value: { a: [huge, { b: huge }], deep: JSON.parse(`${"[".repeat(60)}1${"]".repeat(60)}`) },
    }));
    const text = problemBody(422, huge, errors);
    expect(new TextEncoder().encode(text).byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    const parsed = JSON.parse(text);
    expect(parsed.detail.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(parsed.errors.at(-1).message).toMatch(/^… and \d+ more errors$/);
  });

  it("echoes small values exactly as before", () => {
    const errors = [
      { message: "unexpected property", location: "body.foo", value: { name: "x", list: [1, true, null, "é"] } },
      { message: "expected length <= 255", location: "body.version", value: "1".repeat(256) },
      { message: "invalid integer", location: "query.limit", value: 101 },
    ];
    expect(problemBody(422, "validation failed", errors)).toBe(
      JSON.stringify({ title: "Unprocessable Entity", status: 422, detail: "validation failed", errors }),
    );
  });
});

describe("POST /validate's answer is bounded", () => {
  it("lists at most MAX_PROBLEM_ERRORS issues, then a summary, and keeps `valid`", async () => {
    const pkg = (i: number) => ({
      registryType: "npm",
      identifier: `p${i}`,
      version: "^1.0.0",
      transport: { type: "stdio" },
    });
    const body = JSON.stringify(
      serverJson(NAME, "1.0.0", { packages: Array.from({ length: 2_500 }, (_, i) => pkg(i)) }),
    );
    const reply = await call("/v0/validate", post(body));
    expect(reply.status).toBe(200);
    expect(reply.bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
    const answer = JSON.parse(reply.text);
    expect(answer.valid).toBe(false);
    expect(answer.issues).toHaveLength(MAX_PROBLEM_ERRORS + 1);
    expect(answer.issues[0]).toMatchObject({ path: "packages[0].version", reference: "version-looks-like-range" });
    const summary = answer.issues.at(-1);
    expect(summary).toMatchObject({ severity: "info", reference: "issues-truncated" });
    expect(summary.message).toMatch(/^… and \d+ more issues$/);
  });
});
