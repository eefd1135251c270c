// The publisher guide: per method, the mcp-publisher login with this registry's URL and the
// namespace it proves; a server.json example that this registry validates; the MCP endpoint
// (#mcp) with client configurations; under a group, the group's URL, and 404 where the group is
// private to the caller.
import { describe, expect, it } from "vitest";
import { githubToken, groupWithMembers, createGroup } from "./helpers/groups.ts";
import { apiJson, ORIGIN } from "./helpers/registry.ts";
import {
  expectNothingExecutable,
  expectSecurityHeaders,
  getPage,
  queryAll,
  queryOne,
  visibleText,
  withSession,
} from "./helpers/web.ts";

describe("the publisher guide", () => {
  it("walks through every method with this registry's URL", async () => {
    const { html, headers } = await getPage("/guide");
    expectSecurityHeaders(headers);
    expectNothingExecutable(html);
    expect(headers.get("cache-control")).toBe("no-cache");
    for (const id of ["registry", "methods", "server-json", "publish", "status", "mcp"])
      await queryOne(html, `section#${id}`);
    expect((await queryOne(html, "code#registry-url")).text).toBe(ORIGIN);
    const text = visibleText(html);
    for (const method of ["github", "github-oidc", "dns", "http", "none"]) {
      expect(text).toContain(`mcp-publisher login ${method}`);
    }
    expect((await queryOne(html, "code#login-github")).text).toBe(`mcp-publisher login github --registry ${ORIGIN}`);
    expect((await queryOne(html, "code#login-dns")).text).toContain("--domain example.com");
    expect((await queryOne(html, "code#login-dns")).text).toContain("v=MCPv1; k=ed25519; p=");
    expect((await queryOne(html, "#method-dns")).text).toContain("com.example.*/*");
    expect((await queryOne(html, "#method-http")).text).toContain("/.well-known/mcp-registry-auth");
    expect((await queryOne(html, "#method-github-oidc")).text).toContain("id-token: write");
    // Tests run with ENABLE_ANONYMOUS_AUTH=true.
    expect((await queryOne(html, "#method-anonymous")).text).toContain("Enabled on this registry");
    expect(text).toContain("mcp-publisher publish");
    expect(text).toContain("mcp-publisher status --status deprecated");
    expect(await queryAll(html, "button[data-copy]")).not.toHaveLength(0);
  });

  it("shows a server.json this registry accepts", async () => {
    const { html } = await getPage("/guide");
    const example = JSON.parse((await queryOne(html, "code#example-server-json")).text);
    const { status, body } = await apiJson("/v0.1/validate", { method: "POST", body: JSON.stringify(example) });
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: true });
  });

  it("documents the MCP endpoint with client configurations", async () => {
    const { html } = await getPage("/guide");
    const mcp = await queryOne(html, "section#mcp");
    expect((await queryOne(html, "code#mcp-url")).text).toBe(`${ORIGIN}/mcp`);
    for (const tool of ["search_servers", "get_server", "list_versions", "get_install_config"]) {
      expect(mcp.text).toContain(tool);
    }
    expect(JSON.parse((await queryOne(html, "code#mcp-vscode")).text)).toEqual({
      servers: { "mcp-registry": { type: "http", url: `${ORIGIN}/mcp` } },
    });
    expect(JSON.parse((await queryOne(html, "code#mcp-cursor")).text)).toEqual({
      mcpServers: { "mcp-registry": { url: `${ORIGIN}/mcp` } },
    });
    expect((await queryOne(html, "code#mcp-claude-code")).text).toBe(
      `claude mcp add --transport http mcp-registry ${ORIGIN}/mcp`,
    );
  });

  it("gives a group's URL under the group; a private group's guide is its members' only", async () => {
    await createGroup({ name: "guide-public", visibility: "public", namespaces: ["com.guide-public"] });
    const open = await getPage("/groups/guide-public/guide");
    expect(open.headers.get("cache-control")).toBe("private, no-store");
    expect((await queryOne(open.html, "code#registry-url")).text).toBe(`${ORIGIN}/groups/guide-public`);
    expect((await queryOne(open.html, "code#mcp-url")).text).toBe(`${ORIGIN}/groups/guide-public/mcp`);
    expect((await queryOne(open.html, "code#login-none")).text).toBe(
      `mcp-publisher login none --registry ${ORIGIN}/groups/guide-public`,
    );

    await groupWithMembers("guide-private", { "github:gina": "viewer" });
    const hidden = await getPage("/groups/guide-private/guide", 404);
    const unknown = await getPage("/groups/guide-nonexistent/guide", 404);
    expect(visibleText(hidden.html)).toBe(visibleText(unknown.html).replaceAll("guide-nonexistent", "guide-private"));
    await getPage("/groups/guide-private/guide", 404, withSession(await githubToken("outsider")));
    const member = await getPage("/groups/guide-private/guide", 200, withSession(await githubToken("gina")));
    expect((await queryOne(member.html, "code#registry-url")).text).toBe(`${ORIGIN}/groups/guide-private`);
  });
});
