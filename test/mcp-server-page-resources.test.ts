// The MCP endpoint's resources: one per server page (registry://servers/{name}), listed a bounded
// page at a time, read as Markdown (description, links, versions, an install snippet), names
// completed from search; an unknown server is the protocol's "resource not found".
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { MCP_FIXTURES, mcpClient, readResourceText } from "./helpers/mcp.ts";
import { loadFixtures, ORIGIN, type FixtureVersion } from "./helpers/registry.ts";

// More servers than one list holds.
const MANY: FixtureVersion[] = Array.from({ length: 55 }, (_, i) => ({
  name: `org.bulk/server-${String(i).padStart(2, "0")}`,
  version: "1.0.0",
  publishedAt: "2025-02-01T00:00:00Z",
}));
// A description trying to pass for page structure.
const TRICKY: FixtureVersion = {
  name: "org.tricky/markup",
  version: "1.0.0",
  publishedAt: "2025-02-02T00:00:00Z",
  extra: {
    description: "Nice server\n# Fake heading <script>x</script> | cell",
    packages: [
      {
        registryType: "npm",
        identifier: "tricky-mcp",
        version: "1.0.0",
        transport: { type: "stdio" },
        packageArguments: [{ type: "positional", value: "```" }],
      },
    ],
  },
};

let client: Client;

beforeAll(async () => {
  await loadFixtures([...MCP_FIXTURES, ...MANY, TRICKY]);
  expect((await buildSearchIndex(env)).state).toBe("published");
  client = await mcpClient();
});

afterAll(async () => {
  await client.close();
});

describe("server pages as MCP resources", () => {
  it("offers a template for every server's page", async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: "registry://servers/{+name}", mimeType: "text/markdown" }),
    ]);
  });

  it("lists the first page of servers by name, at most 50", async () => {
    const { resources } = await client.listResources();
    expect(resources).toHaveLength(50);
    const names = resources.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    const weather = resources.find((r) => r.name === "com.example/weather-forecast");
    expect(weather).toMatchObject({
      uri: "registry://servers/com.example/weather-forecast",
      title: "Weather Forecast",
      mimeType: "text/markdown",
    });
  });

  it("reads a server's page as Markdown: description, links, versions and an install snippet", async () => {
    const uri = "registry://servers/com.example/weather-forecast";
    const { contents } = await client.readResource({ uri });
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri, mimeType: "text/markdown" });
    const text = "text" in contents[0]! ? contents[0].text : "";
    expect(text).toMatch(/^# Weather Forecast\n/);
    expect(text).toContain("`com.example/weather-forecast`, version 1.1.0 (active)");
    expect(text).toContain("Hourly weather forecasts and severe-weather alerts");
    expect(text).toContain(`- Page: ${ORIGIN}/server/com.example/weather-forecast`);
    expect(text).toContain("- Repository: https://github.com/example/weather-mcp");
    expect(text).toContain("| 1.1.0 | active, latest | 2025-03-02T00:00:00Z |");
    expect(text).toContain("| 1.0.0 | active | 2025-03-01T00:00:00Z |");
    expect(text).toContain("## Install");
    expect(text).toContain("@example/weather-mcp@1.1.0");
    expect(text).toContain("WEATHER_API_KEY");
  });

  it("keeps publisher text from passing for page structure", async () => {
    const text = await readResourceText(client, "registry://servers/org.tricky/markup");
    expect(text).not.toMatch(/^# Fake heading/m);
    expect(text).not.toContain("<script>");
    expect(text).toContain("Nice server \\# Fake heading \\<script\\>x\\</script\\> \\| cell");
    // The snippet's fence is longer than any backtick run inside it.
    expect(text).toMatch(/^````json$/m);
  });

  it("answers an unknown server with the protocol's resource-not-found error", async () => {
    for (const uri of ["registry://servers/com.example/no-such-server", "registry://servers/not-a-name"]) {
      await expect(client.readResource({ uri })).rejects.toMatchObject({ code: -32002 });
    }
  });

  it("completes names from search", async () => {
    const { completion } = await client.complete({
      ref: { type: "ref/resource", uri: "registry://servers/{+name}" },
      argument: { name: "name", value: "tickets" },
    });
    expect(completion.values).toContain("io.acme/tickets");
  });
});
