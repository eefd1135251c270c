// The site's paths beside the API: the API answers exactly as before whatever the browser asks
// for (no content negotiation), static files are served with their types, and what the site does
// not serve stays the API's problem+json 404.
import { describe, expect, it } from "vitest";
import { api, apiJson } from "./helpers/registry.ts";

describe("site front door", () => {
  it("answers API paths with JSON even when a browser asks for HTML", async () => {
    const asBrowser = await api("/v0.1/servers?limit=1", {
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    const asClient = await api("/v0.1/servers?limit=1");
    expect(asBrowser.status).toBe(200);
    expect(asBrowser.headers.get("content-type")).toBe(asClient.headers.get("content-type"));
    expect(await asBrowser.text()).toBe(await asClient.text());
  });

  it("serves the stylesheet and scripts from the static folder", async () => {
    const css = await api("/static/app.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect(await css.text()).toContain("prefers-color-scheme: dark");
    const js = await api("/static/site.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
  });

  it("answers an unknown static file as the API answers an unknown path", async () => {
    const { status, body, response } = await apiJson("/static/no-such-file.js");
    expect(status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(body.detail).toContain("Endpoint not found");
  });

  it("does not serve the static folder's configuration files", async () => {
    for (const path of ["/static/../tsconfig.json", "/tsconfig.json", "/.assetsignore"]) {
      const response = await api(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toBe("application/problem+json");
    }
  });

  it("leaves unknown paths of a group to the API", async () => {
    const { status, response } = await apiJson("/groups/no-such-group/nothing-here");
    expect(status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
