// Deeply nested JSON bodies (issue 9): every JSON body is refused with a 400 problem+json before
// it is parsed or validated, on every route that reads one; shallow nesting and brackets inside
// strings are not affected.
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../worker/src/http/request-body.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";
import { publishAll, tokenFor } from "./helpers/publishing.ts";

const NAME = "com.deep-json/tool";
const ENCODED = encodeURIComponent(NAME);

/** `{"<key>":[[[…1…]]]}` with `depth` arrays; the object itself is one more level. */
function nested(depth: number, key = "name", open = "[", close = "]"): string {
  return `{"${key}":${open.repeat(depth)}1${close.repeat(depth)}}`;
}

/** Every route that reads a JSON body (POST /auth/none reads none), with its method. */
const ROUTES: [string, string][] = [
  ["POST", "/v0/validate"],
  ["POST", "/v0.1/publish"],
  ["PUT", `/v0.1/servers/${ENCODED}/versions/1.0.0`],
  ["PATCH", `/v0.1/servers/${ENCODED}/versions/1.0.0/status`],
  ["PATCH", `/v0.1/servers/${ENCODED}/status`],
  ["POST", "/x/reports"],
  ["POST", "/x/admin/denylist"],
  ["DELETE", "/x/admin/denylist"],
  ["POST", "/x/admin/reports/1/resolve"],
  ["POST", "/v0.1/auth/github-at"],
  ["POST", "/v0.1/auth/github-oidc"],
  ["POST", "/v0.1/auth/dns"],
  ["POST", "/v0.1/auth/http"],
  ["POST", "/v0.1/auth/oidc"],
];

describe("JSON nesting depth", async () => {
  const token = await tokenFor(publishAll("*"));

  it.each(ROUTES)("%s %s answers 400 problem+json for a body nested 20,000 levels", async (method, path) => {
    for (const body of [nested(20_000), nested(20_000, "value", '{"a":', "}")]) {
      const response = await api(path, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as any;
      expect(problem).toMatchObject({ title: "Bad Request", status: 400, detail: "validation failed" });
      expect(problem.errors).toContainEqual(
        expect.objectContaining({ location: "body", message: `exceeded max depth of ${MAX_JSON_DEPTH}` }),
      );
    }
  });

  it("refuses one level more than the limit and reads the limit itself", async () => {
    // The object around the field is the first level.
    const over = await apiJson("/v0/validate", { method: "POST", body: nested(MAX_JSON_DEPTH) });
    expect(over.status).toBe(400);
    const at = await apiJson("/v0/validate", { method: "POST", body: nested(MAX_JSON_DEPTH - 1) });
    expect(at.status).toBe(422);
    expect(at.body.errors).toContainEqual(
      expect.objectContaining({ location: "body.name", message: "expected string" }),
    );
  });

  it("accepts nesting a real server.json uses, and counts no bracket inside a string", async () => {
    // 2 levels per step: body, _meta, publisher-provided, then 50 more, then the leaf object.
    let meta: unknown = { leaf: "[[[[{{{{" };
    for (let i = 0; i < 25; i++) meta = { [`k${i}`]: [meta] };
    const server = serverJson(NAME, "1.0.0", {
      description: `${"[".repeat(50)}\\"{`.slice(0, 100),
      _meta: { "io.modelcontextprotocol.registry/publisher-provided": meta },
    });
    const text = JSON.stringify(server).replace('"leaf":"', `"leaf":"${"[{".repeat(5000)}\\"`);
    const { status, body } = await apiJson("/v0/validate", { method: "POST", body: text });
    expect(status).toBe(200);
    expect(body.valid).toBe(true);
  });

  it("still reports other unparsable bodies as before", async () => {
    const { status, body } = await apiJson("/v0/validate", { method: "POST", body: "{" });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ location: "body", message: expect.any(String), value: "{" }]);
    expect(body.errors[0].message).not.toContain("depth");
  });
});
