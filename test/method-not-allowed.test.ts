// Every method on every path gets a problem+json answer (issue 9): 405 with an Allow header for a
// known path asked with another method, 404 for unknown paths, and CONNECT (which the runtime
// hands to the Worker's connect() entry, never to fetch()) a 405 instead of a runtime 500.
// HEAD, CORS preflights, trailing-slash redirects and NUL-byte refusals are unchanged.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callWith } from "./helpers/faults.ts";
import { api, apiJson } from "./helpers/registry.ts";

const SERVER = "/v0.1/servers/com.example%2Ftool";

describe("405 Method Not Allowed", () => {
  it.each([
    ["POST", "/v0.1/servers", "GET, HEAD"],
    ["DELETE", `${SERVER}/versions/1.0.0`, "GET, HEAD, PUT"],
    ["PATCH", `${SERVER}/versions`, "GET, HEAD"],
    ["GET", "/v0/publish", "POST"],
    ["PUT", "/v0/validate", "POST"],
    ["GET", `${SERVER}/status`, "PATCH"],
    ["POST", `${SERVER}/versions/1.0.0/status`, "PATCH"],
    ["GET", "/v0.1/auth/none", "POST"],
    ["PUT", "/x/admin/denylist", "DELETE, GET, HEAD, POST"],
    ["GET", "/x/reports", "POST"],
    ["GET", "/x/admin/reports/42/resolve", "POST"],
    ["TRACE", "/v0.1/servers", "GET, HEAD"],
    ["PROPFIND", "/x/search", "GET, HEAD"],
    ["OPTIONS", "/v0.1/health", "GET, HEAD"],
  ])("%s %s → 405, Allow: %s", async (method, path, allow) => {
    const { status, body, response } = await apiJson(path, { method });
    expect(status).toBe(405);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("allow")).toBe(allow);
    expect(body).toEqual({
      title: "Method Not Allowed",
      status: 405,
      detail: `Method ${method} is not allowed for this endpoint. Allowed: ${allow}`,
    });
  });

  it("answers HEAD on a path without GET with the 405 status and no body", async () => {
    const response = await api("/v0.1/publish", { method: "HEAD" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.text()).toBe("");
  });

  it("keeps the 404 texts for unknown paths, whatever the method", async () => {
    for (const method of ["GET", "POST", "DELETE", "TRACE", "PROPFIND", "OPTIONS"]) {
      const inside = await apiJson("/v0.1/nothing/here", { method });
      expect([inside.status, inside.body.detail]).toEqual([
        404,
        "Endpoint not found. See /docs for the API documentation.",
      ]);
      expect(inside.response.headers.get("allow")).toBeNull();
      const outside = await apiJson("/servers", { method });
      expect(outside.status).toBe(404);
      expect(outside.body.detail).toContain("Did you mean '/v0.1/servers'");
    }
  });

  it("leaves preflights, redirects, NUL refusals and HEAD as they were", async () => {
    const preflight = await api("/v0.1/servers", {
      method: "OPTIONS",
      headers: { origin: "https://ide.example", "access-control-request-method": "DELETE" },
    });
    expect(preflight.status).toBe(204);
    expect((await api("/v0.1/servers/", { method: "TRACE" })).status).toBe(308);
    expect((await apiJson("/v0.1/servers/a%00b/versions", { method: "DELETE" })).status).toBe(400);
    const head = await api("/v0.1/servers", { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
  });

  it("marks cross-origin 405 answers with the CORS headers", async () => {
    const response = await api("/v0.1/servers", { method: "DELETE", headers: { origin: "https://ide.example" } });
    expect(response.status).toBe(405);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("CONNECT", () => {
  /** CONNECT never reaches fetch(): workerd calls the default export's connect() with the tunnel. */
  async function connectReply(): Promise<string> {
    const worker = exports.default as unknown as { connect(address: string): Socket };
    const socket = worker.connect("registry.test:443");
    const reader = socket.readable.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return new TextDecoder().decode(bytes);
  }

  it("answers a 405 problem+json through the tunnel and closes it", async () => {
    const reply = await connectReply();
    const [head, body] = reply.split("\r\n\r\n") as [string, string];
    const [statusLine, ...headerLines] = head.split("\r\n");
    expect(statusLine).toBe("HTTP/1.1 405 Method Not Allowed");
    const headers = new Map(
      headerLines.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
    );
    expect(headers.get("content-type")).toBe("application/problem+json");
    expect(headers.get("connection")).toBe("close");
    // The tunnel's target is no resource of ours: no method is allowed on it (RFC 9110 §10.2.1).
    expect(headers.get("allow")).toBe("");
    expect(Number(headers.get("content-length"))).toBe(new TextEncoder().encode(body).byteLength);
    expect(JSON.parse(body)).toEqual({
      title: "Method Not Allowed",
      status: 405,
      detail: "Method CONNECT is not allowed: this server opens no tunnels",
    });
  });
});

describe("exchanges a deployment switched off", () => {
  it.each([
    ["/v0.1/auth/none", { ENABLE_ANONYMOUS_AUTH: "false" }],
    ["/v0/auth/oidc", { OIDC_ENABLED: "false" }],
  ] as const)("%s answers 404 to every method, as an unknown route", async (path, off) => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await callWith(off, path, { method });
      expect(res.status).toBe(404);
      expect(res.response.headers.get("allow")).toBeNull();
    }
  });
});
