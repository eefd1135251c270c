// Test helpers for the MCP endpoint: the SDK's own client over HTTP through the Worker's real
// fetch handler, and raw JSON-RPC posts for what a client library would never send.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { api, type FixtureVersion, ORIGIN } from "./registry.ts";

/**
 * A connected SDK client of `{base}/mcp` (base "" or "/groups/{g}"), sending `token` as its
 * bearer token. Its output checks use the code-free validator: workerd forbids Ajv's eval.
 */
export async function mcpClient(base = "", token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${ORIGIN}${base}/mcp`), {
    fetch: (url, init) => {
      const target = new URL(url instanceof Request ? url.url : url);
      return api(`${target.pathname}${target.search}`, init);
    },
    ...(token === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  });
  const client = new Client(
    { name: "registry-tests", version: "1.0.0" },
    { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  await client.connect(transport);
  return client;
}

/** tools/call, failing the test on a protocol error; the result may be a tool error (isError). */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The text of a tool result's first content block. */
export function firstText(result: CallToolResult): string {
  const block = result.content[0];
  return block?.type === "text" ? block.text : "";
}

/** The text of a resource, read with the client. */
export async function readResourceText(client: Client, uri: string): Promise<string> {
  const { contents } = await client.readResource({ uri });
  const first = contents[0];
  return first !== undefined && "text" in first ? first.text : "";
}

/** Headers an MCP client sends with a JSON-RPC POST. */
export function mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
    ...extra,
  };
}

/** A raw POST of `body` (a JSON-RPC message as text or value) to `{base}/mcp`. */
export function mcpPost(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return api(`${base}/mcp`, {
    method: "POST",
    headers: mcpHeaders(headers),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A tools/call request message. */
export function toolCallMessage(name: string, args: Record<string, unknown>, id = 1) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

const npmPackage = (identifier: string, version: string) => ({
  registryType: "npm",
  identifier,
  version,
  transport: { type: "stdio" },
  environmentVariables: [
    { name: "WEATHER_API_KEY", description: "API key of the weather service", isRequired: true, isSecret: true },
  ],
});

/** Public servers the MCP tests read: packages, a remote, several versions, a deprecated one. */
export const MCP_FIXTURES: FixtureVersion[] = [
  {
    name: "com.example/weather-forecast",
    version: "1.0.0",
    publishedAt: "2025-03-01T00:00:00Z",
    extra: { title: "Weather Forecast", packages: [npmPackage("@example/weather-mcp", "1.0.0")] },
  },
  {
    name: "com.example/weather-forecast",
    version: "1.1.0",
    publishedAt: "2025-03-02T00:00:00Z",
    extra: {
      title: "Weather Forecast",
      description: "Hourly weather forecasts and severe-weather alerts",
      repository: { url: "https://github.com/example/weather-mcp", source: "github" },
      packages: [npmPackage("@example/weather-mcp", "1.1.0")],
      remotes: [{ type: "streamable-http", url: "https://weather.example.com/mcp" }],
    },
  },
  {
    name: "io.acme/tickets",
    version: "2.0.0",
    publishedAt: "2025-03-03T00:00:00Z",
    extra: {
      description: "Support tickets of Acme Desk",
      remotes: [
        {
          type: "streamable-http",
          url: "https://tickets.acme.example/mcp",
          headers: [{ name: "Authorization", description: "Acme API token", isRequired: true, isSecret: true }],
        },
      ],
    },
  },
  {
    name: "io.acme/legacy-reports",
    version: "0.9.0",
    status: "deprecated",
    statusMessage: "Use io.acme/tickets",
    publishedAt: "2025-03-04T00:00:00Z",
    extra: {
      packages: [{ registryType: "pypi", identifier: "acme-reports", version: "0.9.0", transport: { type: "stdio" } }],
    },
  },
];
