// The site's paths beside the API: the API answers exactly as before whatever the browser asks
// for (no content negotiation), static files are served with their types, a group's address
// without its trailing slash leads to its home page, and what the site does not serve stays the
// API's problem+json 404.
import { beforeAll, describe, expect, it } from "vitest";
import { seedGroup } from "./helpers/group-fixtures.ts";
import { api, apiJson } from "./helpers/registry.ts";

beforeAll(async () => {
  await seedGroup({ name: "door-public", visibility: "public" });
  await seedGroup({ name: "door-private", visibility: "private" });
});

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

  it("redirects a group's address without the trailing slash to its home page, alike for every name", async () => {
    const answers: string[] = [];
    for (const group of ["door-public", "door-private", "no-such-group"]) {
      for (const method of ["GET", "HEAD"]) {
        const response = await api(`/groups/${group}?q=weather`, { method });
        expect(response.status, `${method} ${group}`).toBe(308);
        expect(response.headers.get("location")).toBe(`/groups/${group}/?q=weather`);
        expect(await response.text()).toBe("");
        const headers = [...response.headers].filter(([name]) => name !== "location");
        answers.push(JSON.stringify(headers));
      }
    }
    // A private group and an unknown one are told apart by nothing but their name.
    expect(new Set(answers).size).toBe(1);
    expect((await api("/groups/door-public/")).status).toBe(200);
    expect((await api("/groups/door-private/")).status).toBe(404);
  });

  it("leaves other methods and names no group can have to the API", async () => {
    for (const [method, path] of [
      ["POST", "/groups/door-public"],
      ["DELETE", "/groups/door-public"],
      ["GET", "/groups/Not_A_Group"],
      ["GET", `/groups/${"a".repeat(64)}`],
    ]) {
      const response = await api(path!, { method });
      expect(response.status, `${method} ${path}`).not.toBe(308);
      expect(response.headers.get("content-type"), `${method} ${path}`).toBe("application/problem+json");
    }
  });
});
