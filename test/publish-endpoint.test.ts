// POST /publish: the three error layers, the service rules, and read-your-writes (spec §4).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson, official, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor, withRemote } from "./helpers/publishing.ts";

const NS = "com.pub";
let token: string;

beforeAll(async () => {
  token = await tokenFor(publishAll(`${NS}/*`));
});

describe("a successful publish", () => {
  it("answers 200 with the ServerResponse and is readable at once everywhere", async () => {
    const { status, body } = await publish(token, serverJson(`${NS}/first`, "1.0.0"));
    expect(status).toBe(200);
    expect(body.server).toEqual(serverJson(`${NS}/first`, "1.0.0"));
    const meta = official(body);
    expect(meta).toMatchObject({ status: "active", isLatest: true });
    expect(meta.publishedAt).toBe(meta.updatedAt);
    expect(meta.statusChangedAt).toBe(meta.publishedAt);
    expect(meta.statusMessage).toBeUndefined();

    const detail = await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/first`)}/versions/latest`);
    expect(detail.body).toEqual(body);
    const versions = await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/first`)}/versions`);
    expect(versions.body.servers).toEqual([body]);
    const list = await apiJson(`/v0.1/servers?search=${NS}/first&version=latest`);
    expect(list.body.servers).toEqual([body]);
  });

  it("moves latest by version order, not publish order, and keeps updated_at of the old latest", async () => {
    const name = `${NS}/order`;
    const v1 = await publish(token, serverJson(name, "1.0.0"));
    const v2 = await publish(token, serverJson(name, "2.0.0"));
    const backport = await publish(token, serverJson(name, "1.0.1"));
    expect(official(v2.body).isLatest).toBe(true);
    expect(official(backport.body).isLatest).toBe(false);
    const { body } = await apiJson(`/v0/servers/${encodeURIComponent(name)}/versions/1.0.0`);
    expect(official(body).isLatest).toBe(false);
    expect(official(body).updatedAt).toBe(official(v1.body).updatedAt);
  });

  it("accepts the lower-case bearer scheme and both prefixes", async () => {
    const response = await apiJson("/v0/publish", {
      method: "POST",
      headers: { authorization: `bearer ${token}` },
      body: JSON.stringify(serverJson(`${NS}/lower`, "1.0.0")),
    });
    expect(response.status).toBe(200);
  });
});

describe("framework layer (before authentication)", () => {
  it("answers 422 for a missing Authorization header, with body errors alongside", async () => {
    const { status, body } = await apiJson("/v0.1/publish", {
      method: "POST",
      body: JSON.stringify({ ...serverJson(`${NS}/x1`, "1.0.0"), description: "" }),
    });
    expect(status).toBe(422);
    expect(body.detail).toBe("validation failed");
    expect(body.errors).toEqual([
      { message: "required header parameter is missing", location: "header.Authorization" },
      { message: "expected length >= 1", location: "body.description", value: "" },
    ]);
  });

  it("rejects a bad name pattern with 422 even with a garbage token", async () => {
    const { status, body } = await publish("garbage", serverJson("not a name", "1.0.0"));
    expect(status).toBe(422);
    expect(body.errors[0].location).toBe("body.name");
  });

  it("rejects unknown properties at any depth", async () => {
    for (const extra of [
      { status: "active" },
      { website_url: "https://x.example" },
      { _meta: { "com.example/x": {} } },
    ]) {
      const { status, body } = await publish(token, serverJson(`${NS}/strict`, "1.0.0", extra));
      expect(status).toBe(422);
      expect(body.errors.map((e: any) => e.message)).toContain("unexpected property");
    }
  });

  it("answers 400 for an empty body, a body that is not JSON and 413 for one over 1 MiB", async () => {
    const empty = await publish(token, "");
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toBe("request body is required");
    const garbled = await publish(token, "{not json");
    expect(garbled.status).toBe(400);
    expect(garbled.body.detail).toBe("validation failed");
    expect(garbled.body.errors[0].location).toBe("body");
    const huge = await publish(
      token,
      JSON.stringify({ ...serverJson(`${NS}/huge`, "1.0.0"), title: "x".repeat(1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    const deep = await publish(token, "[".repeat(100_000) + "]".repeat(100_000));
    expect([400, 422]).toContain(deep.status);
  });
});

describe("authentication and permission", () => {
  it("answers 401 for a malformed header or token", async () => {
    const basic = await apiJson("/v0.1/publish", {
      method: "POST",
      headers: { authorization: "Basic abc" },
      body: JSON.stringify(serverJson(`${NS}/auth`, "1.0.0")),
    });
    expect(basic.status).toBe(401);
    expect(basic.body.detail).toBe("Invalid Authorization header format. Expected 'Bearer <token>'");
    const bad = await publish("not.a.jwt", serverJson(`${NS}/auth`, "1.0.0"));
    expect(bad.status).toBe(401);
    expect(bad.body.detail).toBe("Invalid or expired Registry JWT token");
  });

  it("answers 403 outside the token's namespace, including look-alike prefixes", async () => {
    const narrow = await tokenFor(publishAll("com.example/*"));
    for (const name of ["com.examplefoo/tool", "com.example.sub/tool", "org.other/tool"]) {
      const { status, body } = await publish(narrow, serverJson(name, "1.0.0"));
      expect(status).toBe(403);
      expect(body.detail).toMatch(/^You do not have permission to publish this server/);
      expect(body.detail).toContain(`Attempting to publish: ${name}`);
    }
    const dotted = await tokenFor(publishAll("com.example.*"));
    expect((await publish(dotted, serverJson("com.example.sub/tool", "1.0.0"))).status).toBe(200);
  });
});

describe("semantic and service rules", () => {
  it("answers 422 'invalid schema' for semantic errors", async () => {
    for (const server of [
      serverJson(`${NS}/sem`, "^1.0.0"),
      serverJson(`${NS}/sem`, "latest"),
      withRemote(`${NS}/sem`, "1.0.0", "http://insecure.example/mcp"),
      withRemote(`${NS}/sem`, "1.0.0", "https://localhost/mcp"),
      serverJson("com.pub/-bad", "1.0.0"),
    ]) {
      const { status, body } = await publish(token, server);
      expect(status, JSON.stringify(server)).toBe(422);
      expect(body).toEqual({
        title: "Unprocessable Entity",
        status: 422,
        detail: "Failed to publish server, invalid schema: call /validate for details",
      });
    }
  });

  it("refuses duplicates, deleted versions included, with the official message", async () => {
    const name = `${NS}/dup`;
    expect((await publish(token, serverJson(name, "1.0.0"))).status).toBe(200);
    const { status, body } = await publish(token, serverJson(name, "1.0.0"));
    expect(status).toBe(400);
    expect(body.detail).toBe("Failed to publish server");
    expect(body.errors).toEqual([
      { message: `invalid version: cannot publish duplicate version: ${name}@1.0.0 already exists` },
    ]);
  });

  it("limits publisher-provided _meta to 4 KB", async () => {
    const big = { "io.modelcontextprotocol.registry/publisher-provided": { blob: "x".repeat(4100) } };
    const { status, body } = await publish(token, serverJson(`${NS}/meta`, "1.0.0", { _meta: big }));
    expect(status).toBe(400);
    expect(body.errors[0].message).toMatch(
      /^_meta\.io\.modelcontextprotocol\.registry\/publisher-provided extension exceeds 4KB limit \(\d+ bytes\)$/,
    );
    const small = { "io.modelcontextprotocol.registry/publisher-provided": { tool: "ci", n: 1 } };
    expect((await publish(token, serverJson(`${NS}/meta`, "1.0.0", { _meta: small }))).status).toBe(200);
  });

  it("keeps remote URLs unique across names until every version of the holder is deleted", async () => {
    const url = "https://mcp.unique.example/mcp";
    expect((await publish(token, withRemote(`${NS}/holder`, "1.0.0", url))).status).toBe(200);
    expect((await publish(token, withRemote(`${NS}/holder`, "1.1.0", url))).status).toBe(200); // same name reuses
    const taken = await publish(token, withRemote(`${NS}/taker`, "1.0.0", url));
    expect(taken.status).toBe(400);
    expect(taken.body.errors[0].message).toBe(`remote URL ${url} is already used by server ${NS}/holder`);

    const admin = await tokenFor([{ action: "edit", resource: "*" }]);
    const deleted = await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/holder`)}/status`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ status: "deleted" }),
    });
    expect(deleted.status).toBe(200);
    expect((await publish(token, withRemote(`${NS}/taker`, "1.0.0", url))).status).toBe(200);
  });

  it("caps a server at 10,000 versions", async () => {
    const name = `${NS}/many`;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       INSERT INTO server_versions (name, version, status, status_changed_at, published_at, updated_at, is_latest, server_json)
       SELECT ?, '0.0.' || i, CASE WHEN i = 1 THEN 'deleted' ELSE 'active' END, i, i, i, i = 10000, '{}' FROM n`,
    )
      .bind(name)
      .run();
    // Writers keep the per-name summary in step; so does this shortcut.
    await env.DB.prepare(
      "INSERT INTO servers (name, namespace, latest_version, version_count, created_at, updated_at) VALUES (?, 'com.pub', '0.0.10000', 10000, 1, 10000)",
    )
      .bind(name)
      .run();
    const { status, body } = await publish(token, serverJson(name, "1.0.0"));
    expect(status).toBe(400);
    expect(body.errors[0].message).toMatch(/^maximum number of versions for this server reached \(10000\)/);
  });
});

describe("validate", () => {
  it("reports issues with 200 and never stores anything", async () => {
    const { status, body } = await apiJson("/v0.1/validate", {
      method: "POST",
      body: JSON.stringify(serverJson(`${NS}/val`, "^1.0.0")),
    });
    expect(status).toBe(200);
    expect(body.valid).toBe(false);
    expect(body.issues).toContainEqual(
      expect.objectContaining({
        type: "semantic",
        path: "version",
        severity: "error",
        reference: "version-looks-like-range",
      }),
    );
    expect((await api(`/v0.1/servers/${encodeURIComponent(`${NS}/val`)}/versions`)).status).toBe(404);
    const clean = await apiJson("/v0.1/validate", {
      method: "POST",
      body: JSON.stringify(serverJson(`${NS}/val`, "1.0.0")),
    });
    expect(clean.body).toEqual({ valid: true, issues: [] });
  });

  it("still applies the framework layer", async () => {
    const { status } = await apiJson("/v0.1/validate", { method: "POST", body: JSON.stringify({ name: "x" }) });
    expect(status).toBe(422);
  });
});
