// GET /servers/{name}/versions and /servers/{name}/versions/{version} (spec §3.5, §3.6, §2.6).
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson, loadFixtures, official } from "./helpers/registry.ts";

const NAME = "io.github.alice/weather";
const ENCODED = encodeURIComponent(NAME);

beforeAll(async () => {
  await loadFixtures([
    { name: NAME, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
    { name: NAME, version: "2.0.0", publishedAt: "2025-02-01T00:00:00Z" },
    { name: NAME, version: "1.4.3", publishedAt: "2025-03-01T00:00:00Z" }, // backport
    { name: NAME, version: "2.1.0+build.7", publishedAt: "2025-04-01T00:00:00Z" },
    {
      name: NAME,
      version: "3.0.0",
      status: "deleted",
      publishedAt: "2025-05-01T00:00:00Z",
      updatedAt: "2025-05-02T00:00:00Z",
    },
    { name: "com.example/all-deleted", version: "1.0.0", status: "deleted", publishedAt: "2025-01-01T00:00:00Z" },
    { name: "com.example/all-deleted", version: "2.0.0", status: "deleted", publishedAt: "2025-01-02T00:00:00Z" },
  ]);
});

describe("GET /servers/{name}/versions", () => {
  it("lists visible versions newest-published first, without nextCursor", async () => {
    const { status, body } = await apiJson(`/v0.1/servers/${ENCODED}/versions`);
    expect(status).toBe(200);
    expect(body.servers.map((i: any) => i.server.version)).toEqual(["2.1.0+build.7", "1.4.3", "2.0.0", "1.0.0"]);
    expect(body.metadata).toEqual({ count: 4 });
    expect(body.servers.map((i: any) => official(i).isLatest)).toEqual([true, false, false, false]);
  });

  it("includes deleted versions on request", async () => {
    const { body } = await apiJson(`/v0/servers/${ENCODED}/versions?include_deleted=true`);
    expect(body.servers.map((i: any) => i.server.version)).toEqual([
      "3.0.0",
      "2.1.0+build.7",
      "1.4.3",
      "2.0.0",
      "1.0.0",
    ]);
  });

  it("answers 404 Server not found for unknown names and all-deleted servers", async () => {
    for (const path of [
      "/v0.1/servers/com.nope%2Fnothing/versions",
      "/v0.1/servers/com.example%2Fall-deleted/versions",
    ]) {
      const { status, body } = await apiJson(path);
      expect(status).toBe(404);
      expect(body).toEqual({ title: "Not Found", status: 404, detail: "Server not found" });
    }
    const { status } = await apiJson("/v0.1/servers/com.example%2Fall-deleted/versions?include_deleted=true");
    expect(status).toBe(200);
  });

  it("does not match an unencoded slash in the name", async () => {
    const { status, body } = await apiJson(`/v0.1/servers/${NAME}/versions`);
    expect(status).toBe(404);
    expect(body.detail).toBe("Endpoint not found. See /docs for the API documentation.");
  });
});

describe("GET /servers/{name}/versions/{version}", () => {
  it("answers one ServerResponse", async () => {
    const { status, body } = await apiJson(`/v0.1/servers/${ENCODED}/versions/1.4.3`);
    expect(status).toBe(200);
    expect(body.server).toEqual({
      $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
      name: NAME,
      description: `Test server ${NAME}`,
      version: "1.4.3",
    });
    expect(official(body)).toMatchObject({ status: "active", isLatest: false, publishedAt: "2025-03-01T00:00:00Z" });
  });

  it("resolves latest to the highest non-deleted version", async () => {
    const { body } = await apiJson(`/v0.1/servers/${ENCODED}/versions/latest`);
    expect(body.server.version).toBe("2.1.0+build.7");
    expect(official(body).isLatest).toBe(true);
  });

  it("decodes %2B in versions and %2F in names; both spellings resolve alike", async () => {
    const encoded = await api(`/v0.1/servers/${ENCODED}/versions/2.1.0%2Bbuild.7`);
    expect(encoded.status).toBe(200);
    const doubleEncodedName = await api(`/v0.1/servers/io.github.alice%2fweather/versions/1.0.0`);
    expect(doubleEncodedName.status).toBe(200);
  });

  it("hides deleted versions unless include_deleted=true", async () => {
    expect((await api(`/v0.1/servers/${ENCODED}/versions/3.0.0`)).status).toBe(404);
    const { status, body } = await apiJson(`/v0.1/servers/${ENCODED}/versions/3.0.0?include_deleted=true`);
    expect(status).toBe(200);
    expect(official(body).status).toBe("deleted");
  });

  it("keeps latest on the highest deleted version when every version is deleted", async () => {
    expect((await api("/v0.1/servers/com.example%2Fall-deleted/versions/latest")).status).toBe(404);
    const { body } = await apiJson("/v0.1/servers/com.example%2Fall-deleted/versions/latest?include_deleted=true");
    expect(body.server.version).toBe("2.0.0");
  });

  it.each([
    `/v0.1/servers/${ENCODED}/versions/9.9.9`,
    "/v0.1/servers/com.nope%2Fnothing/versions/latest",
    "/v0.1/servers/%E0%A4%A/versions/1.0.0",
  ])("answers 404 Server not found for %s", async (path) => {
    const { status, body } = await apiJson(path);
    expect(status).toBe(404);
    expect(body.detail).toBe("Server not found");
  });

  it("answers 422 for a malformed include_deleted", async () => {
    const { status, body } = await apiJson(`/v0.1/servers/${ENCODED}/versions/latest?include_deleted=yes`);
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ message: "invalid boolean", location: "query.include_deleted", value: "yes" }]);
  });
});
