// GET {base}/server/{name}: what the page shows of a published server (heading, links, badges,
// install snippets for four clients, packages and remotes, versions), `?version=` and
// `?target=`, HEAD, and the HTML 404 of names that are unknown or impossible.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: VS Code's ${input:…} is literal text here
import { beforeAll, describe, expect, it } from "vitest";
import { forgetRenderedServerPages } from "../worker/src/web/server-page-cache.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { api } from "./helpers/registry.ts";
import {
  expectNothingExecutable,
  expectSecurityHeaders,
  getPage,
  queryAll,
  queryOne,
  visibleText,
} from "./helpers/web.ts";
import { richServer, serverPagePath } from "./helpers/web-server-page.ts";

const NS = "com.page-content";
const NAME = `${NS}/weather`;
const PATH = serverPagePath(NAME);

beforeAll(async () => {
  const token = await tokenFor(publishAll(`${NS}/*`));
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
    const published = await publish(token, richServer(NAME, version));
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  }
  await patchStatus(token, NAME, "1.0.0", { status: "deprecated", statusMessage: "Use 2.x" });
});

describe("the server page", () => {
  it("shows the latest version's heading, name, description, links and badges", async () => {
    const page = await getPage(PATH);
    expectSecurityHeaders(page.headers);
    expectNothingExecutable(page.html);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect((await queryOne(page.html, "h1")).text).toBe("Weather Station");
    expect((await queryOne(page.html, "title")).text).toContain("Weather Station");
    const text = visibleText(page.html);
    expect(text).toContain(NAME);
    expect(text).toContain("version 2.0.0");
    expect(text).toContain("Forecasts and alerts for your agent.");
    const repo = await queryOne(page.html, '.server-links a[href="https://github.com/alice/weather"]');
    expect(repo.attrs.rel).toContain("nofollow");
    await queryOne(page.html, '.server-links a[href="https://weather.example/docs"]');
    await queryOne(page.html, ".server-head .badge.remote");
    await queryOne(page.html, ".server-head .badge.package");
    expect(await queryAll(page.html, ".server-head .badge.deprecated")).toHaveLength(0);
    expect(await queryAll(page.html, ".server-head .badge.review")).toHaveLength(0);
  });

  it("has the four install snippets, each with a copy button, the first target being the npm package", async () => {
    const page = await getPage(PATH);
    for (const client of ["vscode", "claude-desktop", "cursor", "generic"]) {
      const code = await queryOne(page.html, `pre code#snippet-${client}`);
      const config = JSON.parse(code.text) as Record<string, Record<string, { args?: string[] }>>;
      const entry = Object.values(config.servers ?? config.mcpServers ?? {})[0]!;
      expect(entry.args, client).toContain("@alice/weather-mcp@2.0.0");
      const button = await queryOne(page.html, `button[data-copy="snippet-${client}"]`);
      expect(button.attrs).toMatchObject({ type: "button", hidden: "" });
      expect(button.text).toBe("Copy");
    }
  });

  it("VS Code's snippet prompts for the required secret; the others show a placeholder listed below", async () => {
    const page = await getPage(PATH);
    const vscode = JSON.parse((await queryOne(page.html, "code#snippet-vscode")).text);
    expect(vscode.servers.weather).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", "@alice/weather-mcp@2.0.0"],
      env: { WEATHER_API_KEY: "${input:WEATHER_API_KEY}" },
    });
    expect(vscode.inputs).toEqual([
      { type: "promptString", id: "WEATHER_API_KEY", description: "API key from weather.example", password: true },
    ]);
    const cursor = JSON.parse((await queryOne(page.html, "code#snippet-cursor")).text);
    expect(cursor.mcpServers.weather.env).toEqual({ WEATHER_API_KEY: "<WEATHER_API_KEY>" });
    const needed = (await queryOne(page.html, ".inputs-needed")).text;
    expect(needed).toContain("<WEATHER_API_KEY>");
    expect(needed).toContain("secret");
    // Optional settings are listed, not put in the snippets.
    const optional = (await queryOne(page.html, ".optional-settings")).text;
    expect(optional).toContain("WEATHER_REGION");
    expect(optional).toContain("--units");
  });

  it("details the chosen way to run it (arguments, environment variables, headers), the others in a line", async () => {
    const page = await getPage(PATH);
    const pkg = (await queryOne(page.html, "#package-0")).text;
    for (const part of [
      "@alice/weather-mcp",
      "WEATHER_API_KEY",
      "API key from weather.example",
      "required",
      "secret",
    ]) {
      expect(pkg).toContain(part);
    }
    expect(pkg).toContain("WEATHER_REGION");
    expect(pkg).toContain("default eu");
    expect(pkg).toContain("--units");
    // The other way to run it is one line, linking to its details and snippets.
    const collapsed = await queryOne(page.html, "#remote-0");
    expect(collapsed.text).toContain("https://mcp.weather.example/mcp");
    expect(collapsed.text).toContain("1 header");
    expect(collapsed.text).not.toContain("Your account key");
    await queryOne(page.html, `#remote-0 a[href="${PATH}?target=remote-0"]`);
    const remotePage = await getPage(`${PATH}?target=remote-0`);
    const remote = (await queryOne(remotePage.html, "#remote-0")).text;
    for (const part of ["https://mcp.weather.example/mcp", "X-Weather-Key", "Your account key", "secret"]) {
      expect(remote).toContain(part);
    }
    expect((await queryOne(remotePage.html, "#package-0")).text).toContain("2 environment variables");
  });

  it("lists every version with status, dates and the latest mark, each linking to ?version=", async () => {
    const page = await getPage(PATH);
    const rows = await queryAll(page.html, "table#versions tbody tr");
    const versions = await queryAll(page.html, "table#versions tbody th a");
    expect(versions.map((a) => a.text)).toEqual(["2.0.0", "1.1.0", "1.0.0"]);
    expect(rows[0]!.text).toContain("latest");
    expect(rows[2]!.text).toContain("deprecated");
    expect(rows[0]!.text).toMatch(/\d{4}-\d{2}-\d{2}/);
    const links = await queryAll(page.html, "table#versions a");
    expect(links.map((l) => l.attrs.href)).toEqual(["2.0.0", "1.1.0", "1.0.0"].map((v) => `${PATH}?version=${v}`));
  });

  it("?version= shows that version, its status message, and links back to the latest", async () => {
    const page = await getPage(`${PATH}?version=1.0.0`);
    expect(visibleText(page.html)).toContain("version 1.0.0");
    await queryOne(page.html, ".server-head .badge.deprecated");
    expect(visibleText(page.html)).toContain("Use 2.x");
    await queryOne(page.html, `.server-head a[href="${PATH}"]`);
    const vscode = JSON.parse((await queryOne(page.html, "code#snippet-vscode")).text);
    expect(vscode.servers.weather.args).toContain("@alice/weather-mcp@1.0.0");
    // The report form names the viewed version.
    expect((await queryOne(page.html, 'form#report input[name="version"]')).attrs.value).toBe("1.0.0");
    await getPage(`${PATH}?version=9.9.9`, 404);
  });

  it("?target= picks another way to run it, by links that need no script", async () => {
    const page = await getPage(PATH);
    const targets = await queryAll(page.html, "nav.targets a");
    expect(targets.map((t) => t.attrs.href)).toEqual([`${PATH}?target=package-0`, `${PATH}?target=remote-0`]);
    expect(targets[0]!.attrs["aria-current"]).toBe("true");
    const remote = await getPage(`${PATH}?target=remote-0`);
    const vscode = JSON.parse((await queryOne(remote.html, "code#snippet-vscode")).text);
    expect(vscode.servers.weather).toEqual({
      type: "http",
      url: "https://mcp.weather.example/mcp",
      headers: { "X-Weather-Key": "${input:X-Weather-Key}" },
    });
    const claude = JSON.parse((await queryOne(remote.html, "code#snippet-claude-desktop")).text);
    expect(claude.mcpServers.weather.args).toContain("mcp-remote");
    // An unknown target shows the first.
    const unknown = await getPage(`${PATH}?target=remote-7`);
    expect((await queryOne(unknown.html, "code#snippet-vscode")).text).toContain("@alice/weather-mcp@2.0.0");
  });

  it("answers HEAD with the page's status and headers and no body", async () => {
    const head = await api(PATH, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await head.text()).toBe("");
    expect((await api(serverPagePath(`${NS}/nothing`), { method: "HEAD" })).status).toBe(404);
  });

  it("answers unknown and impossible names with the HTML 404 page", async () => {
    for (const path of [
      serverPagePath(`${NS}/nothing`),
      "/server/com.page-content/bad%20name",
      "/server/com.page-content/%E0%A4%A",
      `/server/com.page-content/${"x".repeat(300)}`,
      "/server/com.page-content/a%2Fb",
    ]) {
      const page = await getPage(path, 404);
      expect((await queryOne(page.html, "h1")).text, path).toBe("Not found");
    }
  });

  it("a new version shows at once (a kept page is revalidated with the API's ETag)", async () => {
    const before = await getPage(PATH);
    const again = await getPage(PATH);
    expect(again.html).toBe(before.html);
    // A kept copy goes out with the same headers as a fresh render.
    expectSecurityHeaders(again.headers);
    expect([...again.headers]).toEqual([...before.headers]);
    const token = await tokenFor(publishAll(`${NS}/*`));
    expect((await publish(token, richServer(NAME, "2.1.0"))).status).toBe(200);
    const after = await getPage(PATH);
    expect(visibleText(after.html)).toContain("version 2.1.0");
    forgetRenderedServerPages();
    expect((await getPage(PATH)).html).toBe(after.html);
  });
});
