// The OpenAPI document as served: /openapi.json and /openapi.yaml are the same document (cached,
// conditional, readable cross-origin), it is well-formed and documents every route the router
// serves, and /docs renders it as a page with the site's security headers.
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { routeTable } from "../worker/src/http/router.ts";
import { CONTENT_SECURITY_POLICY } from "../worker/src/web/page-response.ts";
import { DocumentChecker, type Json, METHODS, refsIn, resolvePointer, servedDocument } from "./helpers/openapi.ts";
import { api } from "./helpers/registry.ts";

/** A path with every parameter written `{}`: the router's `:name` and the document's `{serverName}` alike. */
const generic = (path: string) => path.replace(/:[A-Za-z]+|\{[^}]+\}/g, "{}");

let document: Json;

beforeAll(async () => {
  document = await servedDocument();
});

describe("/openapi.json and /openapi.yaml", () => {
  it("serve one document, cached for 5 minutes by anyone, with an ETag and the security headers", async () => {
    for (const [path, type] of [
      ["/openapi.json", "application/json"],
      ["/openapi.yaml", "application/yaml"],
    ] as const) {
      const response = await api(path, { headers: { origin: "https://elsewhere.example" } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toContain(type);
      expect(response.headers.get("cache-control"), path).toBe("public, max-age=300");
      expect(response.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      const etag = response.headers.get("etag");
      expect(etag, path).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await api(path, { headers: { "if-none-match": etag! } });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe("");
      expect(again.headers.get("etag"), path).toBe(etag);
    }
    const json = await (await api("/openapi.json")).json();
    const yaml = parse(new TextDecoder().decode(await (await api("/openapi.yaml")).arrayBuffer()));
    expect(yaml).toEqual(json);
    const head = await api("/openapi.json", { method: "HEAD" });
    expect(head.status).toBe(200);
  });

  it("are served at the root only", async () => {
    expect((await api("/groups/some-group/openapi.json")).status).toBe(404);
    expect((await api("/groups/some-group/docs")).status).toBe(404);
  });

  it("is an OpenAPI 3.1 document whose every reference resolves and every operation is unique", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const ref of new Set(refsIn(document))) expect(() => resolvePointer(document, ref), ref).not.toThrow();
    const ids: string[] = [];
    for (const item of Object.values<Json>(document.paths)) {
      for (const method of METHODS) if (item[method]) ids.push(item[method].operationId);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Schemas are well-formed: distinct enum values, required fields among the properties.
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${at}/${i}`));
      if (node === null || typeof node !== "object") return;
      const schema = node as Json;
      if (Array.isArray(schema.enum)) expect(new Set(schema.enum).size, at).toBe(schema.enum.length);
      if (Array.isArray(schema.required) && schema.properties) {
        for (const key of schema.required) expect(schema.properties, `${at} requires ${key}`).toHaveProperty([key]);
      }
      for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`);
    };
    walk(document.components.schemas, "#/components/schemas");
    // Every path parameter of a template is declared by each of its operations, and only those.
    for (const [template, item] of Object.entries<Json>(document.paths)) {
      const inPath = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const method of METHODS) {
        if (!item[method]) continue;
        const declared = (item[method].parameters ?? [])
          .filter((p: Json) => p.in === "path")
          .map((p: Json) => p.name)
          .sort();
        expect(declared, `${method} ${template}`).toEqual(inPath);
      }
    }
  });

  it("documents every route of the router, root and group, and nothing else", () => {
    const routed = new Set(routeTable().map(({ method, path }) => `${method} ${generic(path)}`));
    const documented = new Set<string>();
    for (const [template, item] of Object.entries<Json>(document.paths)) {
      if (template === "/openapi.json" || template === "/openapi.yaml") continue;
      for (const method of METHODS) if (item[method]) documented.add(`${method.toUpperCase()} ${generic(template)}`);
    }
    expect([...routed].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !routed.has(route))).toEqual([]);
    // Both official prefixes and the group prefix are there.
    for (const path of ["/v0.1/servers", "/v0/servers", "/groups/{group}/v0.1/servers", "/groups/{group}/x/changes"]) {
      expect(document.paths[path]?.get, path).toBeDefined();
    }
  });

  it("holds examples that fit their schemas", () => {
    const checker = new DocumentChecker(document);
    let checked = 0;
    for (const [name, schema] of Object.entries<Json>(document.components.schemas)) {
      for (const example of schema.examples ?? []) {
        const result = checker.fits(example, `#/components/schemas/${name}`);
        expect(result.errors, name).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe("/docs", () => {
  it("renders every operation, grouped by tag, with the site's security headers", async () => {
    const response = await api("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const page = await response.text();
    expect(page).toContain('href="/openapi.json"');
    expect(page).toContain('href="/openapi.yaml"');
    expect(page).toContain('aria-current="page"');
    // No inline script or style: the CSP would block them.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    // A summary is a control: no link inside one (axe: nested-interactive).
    expect(page).not.toMatch(/<summary>(?:(?!<\/summary>).)*<a\s/s);
    for (const tag of document.tags) expect(page).toContain(`>${tag.name}</h2>`);
    for (const [path, item] of Object.entries<Json>(document.paths)) {
      for (const method of METHODS) {
        const id = item[method]?.operationId as string | undefined;
        if (id === undefined) continue;
        // Copies under /v0 and /groups/{group}/ are listed with their operation ("Also at").
        if (!/(InGroup|V0)$/.test(id)) expect(page).toContain(`id="op-${id}"`);
        const listed = page.includes(`</span> ${path}</h3>`) || page.includes(`<code>${path}</code>`);
        expect(listed, `${method} ${path}`).toBe(true);
      }
    }
    for (const name of Object.keys(document.components.schemas)) expect(page).toContain(`id="schema-${name}"`);
    expect(page).toContain("/groups/{group}/v0.1/servers");
  });

  it("stays under 100 KB: each schema is rendered once, and operations link to it", async () => {
    const page = await (await api("/docs")).text();
    expect(new TextEncoder().encode(page).byteLength).toBeLessThan(100 * 1024);
    const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    for (const name of Object.keys(document.components.schemas)) {
      expect(page.split(`id="schema-${name}"`).length - 1, name).toBe(1);
    }
    // Every link within the page lands on something.
    const anchors = [...page.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(anchors).toContain("schema-ServerList");
    for (const anchor of new Set(anchors)) expect(ids.has(anchor), anchor).toBe(true);
  });
});
