// The server page shows publisher text as text: markup in every field (title, description,
// arguments, environment variables, headers, URLs) is escaped, and a `javascript:` repository,
// website or bundle URL is never linked. The stored server.json is written straight into D1 (as
// an old or mirrored entry could hold it), since publishing refuses such URLs.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { flushChanges } from "../worker/src/storage/read-cache.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { getPage, queryAll, queryOne, visibleText } from "./helpers/web.ts";
import { expectNoActiveMarkup, serverPagePath } from "./helpers/web-server-page.ts";

const NS = "com.page-escaping";
const NAME = `${NS}/hostile`;
const X = (field: string) => `<script>alert("${field}")</script><img src=x onerror=alert(1)>'&`;

const HOSTILE = {
  $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
  name: NAME,
  version: "1.0.0",
  title: X("title"),
  description: X("description"),
  repository: { url: "javascript:alert(1)", source: "github", subfolder: X("subfolder") },
  websiteUrl: "javascript:alert(2)//https://ok.example",
  packages: [
    {
      registryType: "npm",
      identifier: X("identifier"),
      version: "1.0.0",
      runtimeHint: X("runtimeHint"),
      transport: { type: "stdio" },
      packageArguments: [
        { type: "named", name: X("flag"), value: X("value"), description: X("argdesc") },
        { type: "positional", valueHint: X("hint"), isRequired: true, description: X("posdesc") },
      ],
      environmentVariables: [
        { name: X("env"), description: X("envdesc"), isRequired: true, isSecret: true, default: X("default") },
        { name: "OPTIONAL", description: X("optdesc"), choices: [X("choice")], placeholder: X("placeholder") },
      ],
    },
    {
      registryType: "mcpb",
      identifier: "javascript:alert(3)",
      fileSha256: "a".repeat(64),
      transport: { type: "stdio" },
    },
  ],
  remotes: [
    {
      type: "sse",
      url: `https://evil.example/{tenant}/"><script>alert(4)</script>`,
      headers: [{ name: X("header"), description: X("headerdesc"), isRequired: true }],
      variables: { tenant: { description: X("vardesc"), isRequired: true } },
    },
  ],
};

beforeAll(async () => {
  const token = await tokenFor(publishAll(`${NS}/*`));
  expect((await publish(token, serverJson(NAME, "1.0.0"))).status).toBe(200);
  await env.DB.prepare("UPDATE server_versions SET server_json = ? WHERE name = ? AND version = '1.0.0'")
    .bind(JSON.stringify(HOSTILE), NAME)
    .run();
  await flushChanges(env, [NAME]);
});

describe("hostile publisher text on the server page", () => {
  const targets = ["", "?target=package-1", "?target=remote-0"];

  it.each(targets)("is escaped everywhere, runs nothing and links no javascript: URL (%s)", async (query) => {
    const page = await getPage(`${serverPagePath(NAME)}${query}`);
    await expectNoActiveMarkup(page.html);
    expect(page.html).not.toMatch(/<script>alert/i);
    expect(page.html).not.toMatch(/<img\b/i);
    expect(page.html).not.toMatch(/href="javascript:/i);
    for (const link of await queryAll(page.html, "a[href]")) expect(link.attrs.href).toMatch(/^(\/|https?:|#)/);
  });

  it("shows each field's text as written", async () => {
    const page = await getPage(serverPagePath(NAME));
    const text = visibleText(page.html);
    for (const field of [
      "title",
      "description",
      "subfolder",
      "identifier",
      "runtimeHint",
      "flag",
      "value",
      "argdesc",
    ]) {
      expect(text, field).toContain(X(field));
    }
    for (const field of ["hint", "posdesc", "env", "envdesc", "default", "optdesc", "choice", "placeholder"]) {
      expect(text, field).toContain(X(field));
    }
    expect((await queryOne(page.html, "h1")).text).toBe(X("title"));
    // The javascript: URLs are shown as text, not links.
    expect(text).toContain("javascript:alert(1)");
    expect(text).toContain("javascript:alert(2)//https://ok.example");
    expect(await queryAll(page.html, ".server-links a")).toHaveLength(0);
  });

  it("keeps the snippets valid JSON holding the hostile names as data", async () => {
    const page = await getPage(serverPagePath(NAME));
    const vscode = JSON.parse((await queryOne(page.html, "code#snippet-vscode")).text);
    expect(Object.keys(vscode.servers.hostile.env)).toEqual([X("env")]);
    const remote = await getPage(`${serverPagePath(NAME)}?target=remote-0`);
    expect(visibleText(remote.html)).toContain(X("header"));
    expect(visibleText(remote.html)).toContain(X("vardesc"));
    const cursor = JSON.parse((await queryOne(remote.html, "code#snippet-cursor")).text);
    expect(Object.keys(cursor.mcpServers.hostile.headers)).toEqual([X("header")]);
    expect(cursor.mcpServers.hostile.url).toBe(`https://evil.example/<tenant>/"><script>alert(4)</script>`);
  });
});
