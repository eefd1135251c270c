// The MCP endpoint over HTTP, below any client library: stateless Streamable HTTP answering
// plain JSON (no session, no SSE); POST only (GET and DELETE are 405, there is no stream or
// session); bodies bounded before the SDK reads them (413), as are batches; CORS for browser
// clients, with the MCP headers allowed and exposed.
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_MCP_BATCH, MAX_MCP_BODY_BYTES } from "../worker/src/mcp/mcp-route.ts";
import { MCP_FIXTURES, mcpHeaders, mcpPost, toolCallMessage } from "./helpers/mcp.ts";
import { api, loadFixtures } from "./helpers/registry.ts";

beforeAll(async () => {
  await loadFixtures(MCP_FIXTURES);
});

const LIST_TOOLS = { jsonrpc: "2.0", id: 7, method: "tools/list" };

describe("the MCP endpoint over HTTP", () => {
  it("answers any request without a session, as plain JSON", async () => {
    // No initialize first: each request stands alone.
    const response = await mcpPost("", toolCallMessage("get_server", { name: "io.acme/tickets" }, 3));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.has("mcp-session-id")).toBe(false);
    const body = (await response.json()) as any;
    expect(body).toMatchObject({
      jsonrpc: "2.0",
      id: 3,
      result: { structuredContent: { server: { name: "io.acme/tickets" } } },
    });
  });

  it("answers a notification with 202 and nothing else", async () => {
    const response = await mcpPost("", { jsonrpc: "2.0", method: "notifications/initialized" });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
  });

  it("answers GET, DELETE and other methods with 405: there is no stream and no session", async () => {
    for (const method of ["GET", "DELETE", "PUT"]) {
      const response = await api("/mcp", { method, headers: mcpHeaders() });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("OPTIONS, POST");
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("refuses a body over the limit with 413 before reading it, declared or streamed", async () => {
    const padding = "x".repeat(MAX_MCP_BODY_BYTES);
    const declared = await mcpPost("", { ...LIST_TOOLS, params: { _meta: { padding } } });
    expect(declared.status).toBe(413);
    expect(declared.headers.get("content-type")).toBe("application/problem+json");
    const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Never ends by itself: only the cap stops reading it.
        sent++;
        controller.enqueue(chunk);
        if (sent > 1000) controller.close();
      },
    });
    const streamed = await api("/mcp", { method: "POST", headers: mcpHeaders(), body: stream });
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(10);
    // Just under the limit is read.
    const fits = await mcpPost("", {
      ...LIST_TOOLS,
      params: { _meta: { padding: padding.slice(0, MAX_MCP_BODY_BYTES - 200) } },
    });
    expect(fits.status).toBe(200);
  });

  it("answers a body that is not JSON, too deep, or too large a batch with a JSON-RPC error", async () => {
    for (const body of ["{not json", "", `${"[".repeat(100)}${"]".repeat(100)}`]) {
      const response = await mcpPost("", body);
      expect(response.status, body.slice(0, 20)).toBe(400);
      expect(await response.json()).toEqual({
        jsonrpc: "2.0",
        error: { code: -32700, message: "Parse error: Invalid JSON" },
        id: null,
      });
    }
    const batch = Array.from({ length: MAX_MCP_BATCH + 1 }, (_, i) => ({ ...LIST_TOOLS, id: i }));
    const tooMany = await mcpPost("", batch);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as any).error.code).toBe(-32600);
    const allowed = await mcpPost("", batch.slice(0, MAX_MCP_BATCH));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toHaveLength(MAX_MCP_BATCH);
  });

  it("keeps the transport's own checks: Accept and Content-Type", async () => {
    const noStream = await mcpPost("", LIST_TOOLS, { accept: "application/json" });
    expect(noStream.status).toBe(406);
    const text = await mcpPost("", LIST_TOOLS, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
  });

  it("answers a bad token at the root as the root API does: public reads ignore it", async () => {
    const headers = { authorization: "Bearer not-a-token" };
    const fromApi = await api("/x/search?q=tickets", { headers });
    const response = await mcpPost("", toolCallMessage("search_servers", { query: "tickets" }), headers);
    expect(response.status).toBe(fromApi.status);
    expect(response.status).toBe(200);
  });

  it("lets browser clients call it: preflight with the MCP headers, and exposed answer headers", async () => {
    const preflight = await api("/mcp", {
      method: "OPTIONS",
      headers: {
        origin: "https://inspector.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization, mcp-protocol-version, mcp-session-id",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toBe(
      "content-type, authorization, mcp-protocol-version, mcp-session-id",
    );
    const response = await mcpPost("", LIST_TOOLS, { origin: "https://inspector.example" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = (response.headers.get("access-control-expose-headers") ?? "").toLowerCase();
    for (const header of ["mcp-session-id", "mcp-protocol-version", "www-authenticate"]) {
      expect(exposed).toContain(header);
    }
    // Errors are readable cross-origin too.
    const refused = await api("/groups/no-such-group/mcp", {
      method: "POST",
      headers: mcpHeaders({ origin: "https://inspector.example" }),
      body: JSON.stringify(LIST_TOOLS),
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });
});
