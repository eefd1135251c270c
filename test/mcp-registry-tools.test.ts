// The MCP endpoint's tools, called with the SDK's own client over HTTP: search_servers,
// get_server and list_versions answer what the API answers, as structured content the client
// checks against each tool's output schema; a refusal of the API is a tool error.
import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { TOOL_CONFIGS } from "../worker/src/mcp/registry-mcp-server.ts";
import { callTool, firstText, MCP_FIXTURES, mcpClient } from "./helpers/mcp.ts";
import { apiJson, loadFixtures, ORIGIN } from "./helpers/registry.ts";

let client: Client;

beforeAll(async () => {
  await loadFixtures(MCP_FIXTURES);
  expect((await buildSearchIndex(env)).state).toBe("published");
  client = await mcpClient();
  // Listing the tools makes the client check every later answer against its output schema.
  await client.listTools();
});

afterAll(async () => {
  await client.close();
});

describe("the MCP endpoint's tools", () => {
  it("introduces itself as the registry, with instructions", () => {
    expect(client.getServerVersion()).toMatchObject({ name: "mcp-registry-workers", version: env.REGISTRY_VERSION });
    expect(client.getInstructions()).toContain("search_servers");
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
  });

  it("lists four read-only tools, each with an input and an output schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "get_install_config",
      "get_server",
      "list_versions",
      "search_servers",
    ]);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.description, tool.name).toBeTruthy();
    }
    const search = tools.find((t) => t.name === "search_servers")!;
    expect(Object.keys(search.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["query", "registryType", "transport", "hosting", "status", "limit", "cursor"]),
    );
    expect(search.inputSchema.properties?.limit).toMatchObject({ minimum: 1, maximum: 50 });
    expect(tools.find((t) => t.name === "get_install_config")!.inputSchema.properties?.client).toMatchObject({
      enum: ["vscode", "claude-desktop", "cursor", "generic"],
    });
  });

  it("lists the tools exactly as the SDK's own tools/list would (ours is converted once per isolate)", async () => {
    const plain = new McpServer({ name: "plain", version: "1" });
    for (const [name, config] of Object.entries(TOOL_CONFIGS) as [string, (typeof TOOL_CONFIGS)["get_server"]][]) {
      plain.registerTool(name, config, async () => ({ content: [] }));
    }
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await plain.connect(serverSide);
    const reference = new Client(
      { name: "reference", version: "1" },
      { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
    );
    await reference.connect(clientSide);
    const expected = await reference.listTools();
    await reference.close();
    // Twice: the first answer converts, the second is the isolate's copy.
    for (let i = 0; i < 2; i++) expect(await client.listTools()).toEqual(expected);
  });

  it("search_servers finds a server by a misspelt query, as /x/search ranks it", async () => {
    const result = await callTool(client, "search_servers", { query: "wether forcast", limit: 5 });
    expect(result.isError).toBeFalsy();
    const found = result.structuredContent as any;
    expect(found.servers[0]).toEqual({
      name: "com.example/weather-forecast",
      title: "Weather Forecast",
      description: "Hourly weather forecasts and severe-weather alerts",
      version: "1.1.0",
      status: "active",
      remote: true,
      packages: ["npm"],
      url: `${ORIGIN}/server/com.example/weather-forecast`,
    });
    const direct = await apiJson("/x/search?q=wether%20forcast&limit=5");
    expect(found.servers.map((s: any) => s.name)).toEqual(direct.body.results.map((r: any) => r.server.name));
    expect(found.total).toBe(direct.body.metadata.total);
    // A readable list first, then the structured content as JSON text.
    expect(firstText(result)).toContain("com.example/weather-forecast 1.1.0");
    expect(JSON.parse((result.content[1] as any).text)).toEqual(found);
  });

  it("search_servers filters and pages like /x/search", async () => {
    const remote = (await callTool(client, "search_servers", { hosting: "remote", limit: 50 }))
      .structuredContent as any;
    expect(remote.servers.map((s: any) => s.name).sort()).toEqual(["com.example/weather-forecast", "io.acme/tickets"]);
    const pypi = (await callTool(client, "search_servers", { registryType: ["pypi"] })).structuredContent as any;
    expect(pypi.servers.map((s: any) => [s.name, s.status])).toEqual([["io.acme/legacy-reports", "deprecated"]]);
    const active = (await callTool(client, "search_servers", { status: ["active"], limit: 50 }))
      .structuredContent as any;
    expect(active.servers.map((s: any) => s.name)).not.toContain("io.acme/legacy-reports");

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = (await callTool(client, "search_servers", { limit: 1, ...(cursor ? { cursor } : {}) }))
        .structuredContent as any;
      seen.push(...result.servers.map((s: any) => s.name));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    expect(seen).toEqual([...new Set(seen)]);
    expect(seen).toEqual(expect.arrayContaining(MCP_FIXTURES.map((f) => f.name)));
  });

  it("search_servers refuses arguments outside its schema", async () => {
    for (const args of [{ limit: 51 }, { limit: 0 }, { hosting: "both" }, { registryType: ["cargo"] }]) {
      const result = await callTool(client, "search_servers", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(firstText(result)).toContain("Input validation error");
    }
    // What the schema lets through and the API refuses is a tool error with the API's reason.
    const cursor = await callTool(client, "search_servers", { cursor: "not-a-cursor" });
    expect(cursor.isError).toBe(true);
    expect(firstText(cursor)).toContain("invalid cursor");
  });

  it("get_server answers the latest version, or the one asked, with the registry's metadata", async () => {
    const latest = (await callTool(client, "get_server", { name: "com.example/weather-forecast" }))
      .structuredContent as any;
    const direct = await apiJson("/v0.1/servers/com.example%2Fweather-forecast/versions/latest");
    expect(latest.server).toEqual(direct.body.server);
    expect(latest.meta).toEqual(direct.body._meta);
    expect(latest.server.version).toBe("1.1.0");
    expect(latest.url).toBe(`${ORIGIN}/server/com.example/weather-forecast`);
    const older = (await callTool(client, "get_server", { name: "com.example/weather-forecast", version: "1.0.0" }))
      .structuredContent as any;
    expect(older.server.version).toBe("1.0.0");
    expect(older.meta["io.modelcontextprotocol.registry/official"].isLatest).toBe(false);
  });

  it("list_versions answers every version, newest first, with status and dates", async () => {
    const result = await callTool(client, "list_versions", { name: "com.example/weather-forecast" });
    expect(result.structuredContent).toEqual({
      name: "com.example/weather-forecast",
      total: 2,
      versions: [
        {
          version: "1.1.0",
          status: "active",
          publishedAt: "2025-03-02T00:00:00Z",
          updatedAt: "2025-03-02T00:00:00Z",
          isLatest: true,
        },
        {
          version: "1.0.0",
          status: "active",
          publishedAt: "2025-03-01T00:00:00Z",
          updatedAt: "2025-03-01T00:00:00Z",
          isLatest: false,
        },
      ],
    });
    const newest = (await callTool(client, "list_versions", { name: "com.example/weather-forecast", limit: 1 }))
      .structuredContent as any;
    expect(newest.total).toBe(2);
    expect(newest.versions.map((v: any) => v.version)).toEqual(["1.1.0"]);
  });

  it("an unknown server or version is a tool error, not a protocol error", async () => {
    for (const [tool, args] of [
      ["get_server", { name: "com.example/no-such-server" }],
      ["get_server", { name: "com.example/weather-forecast", version: "9.9.9" }],
      ["list_versions", { name: "com.example/no-such-server" }],
      ["get_install_config", { name: "com.example/no-such-server", client: "vscode" }],
      // Not even a name the registry could hold: the API's 404 all the same.
      ["get_server", { name: "no slash here" }],
    ] as const) {
      const result = await callTool(client, tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(firstText(result)).toMatch(/^No (server|version)/);
      expect(result.structuredContent).toBeUndefined();
    }
  });
});
