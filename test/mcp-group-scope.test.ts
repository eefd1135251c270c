// /groups/{group}/mcp answers with the group's view under the API's token rules: a private group
// is an unknown path (404) to anyone without a role in it, before any MCP message is read; a bad
// token is the API's 401; a member's token sees the group's servers; the root endpoint never
// shows a private server, not in search, not by name, not as a resource.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { addMember, githubUser, seedGroup, seedPrivate } from "./helpers/group-fixtures.ts";
import { callTool, firstText, mcpClient, mcpPost, readResourceText } from "./helpers/mcp.ts";
import { api, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";

const PUBLIC: FixtureVersion[] = [
  { name: "com.pub/weather", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
  { name: "com.pub/calendar", version: "1.0.0", publishedAt: "2025-01-02T00:00:00Z" },
];
const SECRET: FixtureVersion[] = [
  {
    name: "com.secretcorp/weather-internal",
    version: "1.0.0",
    publishedAt: "2025-01-05T00:00:00Z",
    extra: { remotes: [{ type: "streamable-http", url: "https://weather.secretcorp.example/mcp" }] },
  },
];

let alice: string;
let bob: string;

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "probe", version: "1" } },
};
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  await loadFixtures(PUBLIC);
  await seedGroup({ name: "team-mcps", visibility: "private", include: ["com.pub/weather"] });
  await seedPrivate("team-mcps", SECRET);
  await addMember("team-mcps", "github:alice", "viewer");
  alice = await githubUser("alice");
  bob = await githubUser("bob");
  expect((await buildSearchIndex(env)).state).toBe("published");
});

describe("the MCP endpoint of a group", () => {
  it("answers a private group as an unknown path to anonymous callers and non-members", async () => {
    const unknown = await mcpPost("/groups/no-such-group", INITIALIZE);
    expect(unknown.status).toBe(404);
    const unknownBody = (await unknown.text()).replaceAll("no-such-group", "G");
    for (const headers of [{}, auth(bob)]) {
      const response = await mcpPost("/groups/team-mcps", INITIALIZE, headers);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect((await response.text()).replaceAll("team-mcps", "G")).toBe(unknownBody);
    }
    await expect(mcpClient("/groups/team-mcps")).rejects.toThrow();
    // Whatever the method: the group is resolved first, as the API does.
    expect((await api("/groups/team-mcps/mcp", { headers: { accept: "text/event-stream" } })).status).toBe(404);
    expect((await api("/groups/team-mcps/mcp", { headers: auth(alice) })).status).toBe(405);
  });

  it("answers a bad token as the API does: 401 with the group's bearer challenge", async () => {
    for (const group of ["team-mcps", "no-such-group"]) {
      const response = await mcpPost(`/groups/${group}`, INITIALIZE, auth("not-a-token"));
      const fromApi = await api(`/groups/${group}/v0.1/servers`, { headers: auth("not-a-token") });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(await fromApi.json());
      expect(response.headers.get("www-authenticate")).toBe(fromApi.headers.get("www-authenticate"));
      expect(response.headers.get("www-authenticate")).toContain(
        `/.well-known/oauth-protected-resource/groups/${group}`,
      );
    }
  });

  it("serves a member the group's view: its private servers and the public ones it includes", async () => {
    const client = await mcpClient("/groups/team-mcps", alice);
    expect(client.getInstructions()).toContain("team-mcps");
    const found = (await callTool(client, "search_servers", { query: "weather" })).structuredContent as any;
    expect(found.servers.map((s: any) => s.name).sort()).toEqual([
      "com.pub/weather",
      "com.secretcorp/weather-internal",
    ]);
    expect(found.servers.find((s: any) => s.name === "com.secretcorp/weather-internal").url).toBe(
      "http://registry.test/groups/team-mcps/server/com.secretcorp/weather-internal",
    );
    const server = await callTool(client, "get_server", { name: "com.secretcorp/weather-internal" });
    expect((server.structuredContent as any).server.version).toBe("1.0.0");
    // Public servers the group does not include are not in its view.
    const excluded = await callTool(client, "get_server", { name: "com.pub/calendar" });
    expect(excluded.isError).toBe(true);
    expect(await readResourceText(client, "registry://servers/com.secretcorp/weather-internal")).toContain(
      "https://weather.secretcorp.example/mcp",
    );
    await client.close();
  });

  it("never shows a private server at the root, even to a member's token", async () => {
    for (const token of [undefined, alice]) {
      const client = await mcpClient("", token);
      const found = (await callTool(client, "search_servers", { query: "weather", limit: 50 }))
        .structuredContent as any;
      expect(found.servers.map((s: any) => s.name)).toEqual(["com.pub/weather"]);
      expect(found.total).toBe(1);
      const everything = (await callTool(client, "search_servers", { limit: 50 })).structuredContent as any;
      expect(JSON.stringify(everything)).not.toContain("secretcorp");
      for (const tool of ["get_server", "list_versions"]) {
        const result = await callTool(client, tool, { name: "com.secretcorp/weather-internal" });
        expect(result.isError).toBe(true);
        expect(firstText(result)).toBe('No server named "com.secretcorp/weather-internal" in this registry.');
      }
      const { resources } = await client.listResources();
      expect(JSON.stringify(resources)).not.toContain("secretcorp");
      await expect(
        client.readResource({ uri: "registry://servers/com.secretcorp/weather-internal" }),
      ).rejects.toMatchObject({ code: -32002 });
      await client.close();
    }
  });
});
