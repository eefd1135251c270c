// get_install_config: for each MCP client, the configuration domain/install-config.ts makes for
// a server's version and target (the same the server page shows), with the inputs to fill in;
// an unknown target, or a server with nothing to run, is a tool error.
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTALL_CLIENTS, installConfig, targetKey } from "../worker/src/domain/install-config.ts";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { callTool, firstText, MCP_FIXTURES, mcpClient } from "./helpers/mcp.ts";
import { apiJson, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";

const NOTHING_TO_RUN: FixtureVersion = {
  name: "org.empty/docs-only",
  version: "1.0.0",
  publishedAt: "2025-04-01T00:00:00Z",
};

let client: Client;

beforeAll(async () => {
  await loadFixtures([...MCP_FIXTURES, NOTHING_TO_RUN]);
  expect((await buildSearchIndex(env)).state).toBe("published");
  client = await mcpClient();
  await client.listTools();
});

afterAll(async () => {
  await client.close();
});

async function serverJsonOf(name: string, version = "latest") {
  const { body } = await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/${version}`);
  return body.server;
}

describe("get_install_config", () => {
  it("answers each client's configuration of the server's first package, naming the package", async () => {
    const server = await serverJsonOf("com.example/weather-forecast");
    for (const clientName of INSTALL_CLIENTS) {
      const result = await callTool(client, "get_install_config", {
        name: "com.example/weather-forecast",
        client: clientName,
      });
      expect(result.isError, clientName).toBeFalsy();
      const expected = installConfig(server, clientName)!;
      expect(result.structuredContent).toEqual({
        client: clientName,
        clientLabel: expected.clientLabel,
        name: "com.example/weather-forecast",
        version: "1.1.0",
        file: expected.file,
        target: "package-0",
        targets: ["package-0", "remote-0"],
        config: expected.config,
        snippet: expected.snippet,
        inputs: expected.inputs,
        optional: expected.optional,
        notes: expected.notes,
      });
      const structured = result.structuredContent as any;
      expect(structured.snippet, clientName).toContain("@example/weather-mcp@1.1.0");
      expect(JSON.parse(structured.snippet)).toEqual(structured.config);
      expect(structured.inputs.map((i: any) => i.name)).toContain("WEATHER_API_KEY");
      expect(firstText(result)).toContain(structured.snippet);
    }
  });

  it("answers another version and another target when asked", async () => {
    const older = (
      await callTool(client, "get_install_config", {
        name: "com.example/weather-forecast",
        client: "cursor",
        version: "1.0.0",
      })
    ).structuredContent as any;
    expect(older.version).toBe("1.0.0");
    expect(older.snippet).toContain("@example/weather-mcp@1.0.0");
    const remote = (
      await callTool(client, "get_install_config", {
        name: "com.example/weather-forecast",
        client: "vscode",
        target: "remote-0",
      })
    ).structuredContent as any;
    expect(remote.target).toBe("remote-0");
    expect(remote.snippet).toContain("https://weather.example.com/mcp");
    expect(remote.snippet).not.toContain("@example/weather-mcp");
  });

  it("lists a remote's required header as an input", async () => {
    const server = await serverJsonOf("io.acme/tickets");
    const result = (await callTool(client, "get_install_config", { name: "io.acme/tickets", client: "generic" }))
      .structuredContent as any;
    expect(result.target).toBe(targetKey({ kind: "remote", index: 0 }));
    expect(result.snippet).toContain("https://tickets.acme.example/mcp");
    expect(result.inputs).toEqual(installConfig(server, "generic")!.inputs);
    expect(result.inputs.map((i: any) => [i.kind, i.name, i.isSecret])).toEqual([["header", "Authorization", true]]);
  });

  it("answers an unknown target, or a server with nothing to run, as a tool error", async () => {
    const unknown = await callTool(client, "get_install_config", {
      name: "com.example/weather-forecast",
      client: "vscode",
      target: "package-3",
    });
    expect(unknown.isError).toBe(true);
    expect(firstText(unknown)).toBe(
      'com.example/weather-forecast has no target "package-3" (it offers: package-0, remote-0).',
    );
    const nothing = await callTool(client, "get_install_config", { name: "org.empty/docs-only", client: "vscode" });
    expect(nothing.isError).toBe(true);
    expect(firstText(nothing)).toBe("org.empty/docs-only 1.0.0 has no package or remote to install.");
    const badClient = await callTool(client, "get_install_config", { name: "io.acme/tickets", client: "emacs" });
    expect(badClient.isError).toBe(true);
    expect(firstText(badClient)).toContain("Input validation error");
  });
});
