// Cross-cutting HTTP behaviour (spec §2.2–2.5, §3.1–3.3): bad parameters, trailing slashes, NUL
// bytes, unknown routes, CORS, liveness and version endpoints.
import { describe, expect, it } from "vitest";
import { api, apiJson } from "./helpers/registry.ts";

describe("limit", () => {
  it.each([
    ["abc", { message: "invalid integer", location: "query.limit", value: "abc" }],
    ["1.5", { message: "invalid integer", location: "query.limit", value: "1.5" }],
    ["0", { message: "expected number >= 1", location: "query.limit", value: 0 }],
    ["-3", { message: "expected number >= 1", location: "query.limit", value: -3 }],
    ["101", { message: "expected number <= 100", location: "query.limit", value: 101 }],
  ])("limit=%s → 422", async (limit, error) => {
    const { status, body, response } = await apiJson(`/v0.1/servers?limit=${limit}`);
    expect(status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toEqual({ title: "Unprocessable Entity", status: 422, detail: "validation failed", errors: [error] });
  });

  it("reports every bad parameter at once", async () => {
    const { body } = await apiJson("/v0.1/servers?limit=x&include_deleted=y");
    expect(body.errors.map((e: any) => e.location)).toEqual(["query.limit", "query.include_deleted"]);
  });

  it("reads a raw '+' as a space, as Go's query parser does", async () => {
    const { status, body } = await apiJson("/v0.1/servers?limit=+5");
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ message: "invalid integer", location: "query.limit", value: " 5" }]);
  });

  it.each(["1", "100", "%2B5", ""])("accepts limit=%j", async (limit) => {
    expect((await api(`/v0.1/servers?limit=${limit}`)).status).toBe(200);
  });
});

describe("trailing slash", () => {
  it("redirects 308 to the clean path, keeping the query", async () => {
    const response = await api("/v0/servers/?limit=5");
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("/v0/servers?limit=5");
  });

  it("cleans the whole path", async () => {
    const response = await api("/v0.1//servers/./x/../");
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("/v0.1/servers");
  });
});

describe("NUL bytes", () => {
  it("answers 400 for a NUL in the path", async () => {
    const { status, body } = await apiJson("/v0.1/servers/a%00b/versions");
    expect(status).toBe(400);
    expect(body).toEqual({
      title: "Bad Request",
      status: 400,
      detail: "Invalid request: URL path contains null bytes",
    });
  });

  it("answers 400 for a NUL in the query", async () => {
    const { status, body } = await apiJson("/v0.1/servers?search=a%00b");
    expect(status).toBe(400);
    expect(body.detail).toBe("Invalid request: query parameters contain null bytes");
  });
});

describe("unknown routes", () => {
  it("hints at the versioned prefixes outside them", async () => {
    const { status, body } = await apiJson("/servers");
    expect(status).toBe(404);
    expect(body).toEqual({
      title: "Not Found",
      status: 404,
      detail: "Endpoint not found. Did you mean '/v0.1/servers' or '/v0/servers'? See /docs for the API documentation.",
    });
  });

  it("answers the short text under a versioned prefix, for any method", async () => {
    // A known path asked with another method is a 405 (test/method-not-allowed.test.ts).
    for (const [method, path] of [
      ["GET", "/v0.1/nothing"],
      ["DELETE", "/v0.1/servers/a%2Fb/versions/1/extra"],
      ["POST", "/v0/serverz"],
    ] as const) {
      const { status, body } = await apiJson(path, { method });
      expect(status).toBe(404);
      expect(body.detail).toBe("Endpoint not found. See /docs for the API documentation.");
    }
  });
});

describe("CORS", () => {
  it("answers a preflight with 204 and the allowed methods, headers and max age", async () => {
    const response = await api("/v0.1/servers", {
      method: "OPTIONS",
      headers: {
        origin: "https://ide.example",
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("PATCH");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    expect(response.headers.get("access-control-max-age")).toBe("86400");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("marks cross-origin answers, errors included", async () => {
    for (const path of ["/v0.1/servers", "/v0.1/servers?limit=0", "/nowhere"]) {
      const response = await api(path, { headers: { origin: "https://ide.example" } });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-expose-headers")).toBe("Content-Type, Content-Length, ETag");
    }
  });
});

describe("service endpoints", () => {
  it.each(["/v0", "/v0.1"])("%s/health, /ping and /version", async (prefix) => {
    expect((await apiJson(`${prefix}/health`)).body).toEqual({ status: "ok" });
    expect((await apiJson(`${prefix}/ping`)).body).toEqual({ pong: true });
    const { body } = await apiJson(`${prefix}/version`);
    expect(Object.keys(body)).toEqual(["version", "git_commit", "build_time"]);
    expect(body.version).toBe("dev");
  });

  it("answers HEAD like GET without a body", async () => {
    const response = await api("/v0.1/ping", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});
