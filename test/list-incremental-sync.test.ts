// updated_since and include_deleted (spec §3.4, §11): strict '>', deleted rows forced in.
import { beforeAll, describe, expect, it } from "vitest";
import { apiJson, loadFixtures } from "./helpers/registry.ts";

const key = (item: any) => `${item.server.name}@${item.server.version}`;

beforeAll(async () => {
  await loadFixtures([
    { name: "com.sync/aa", version: "1.0.0", publishedAt: "2025-01-01T00:00:00.000001Z" },
    { name: "com.sync/aa", version: "1.1.0", publishedAt: "2025-01-02T00:00:00.5Z" },
    {
      name: "com.sync/bb",
      version: "1.0.0",
      status: "deleted",
      publishedAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-01-03T00:00:00Z",
    },
    {
      name: "com.sync/cc",
      version: "1.0.0",
      status: "deprecated",
      publishedAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-01-04T12:00:00.123456Z",
    },
  ]);
});

describe("updated_since", () => {
  it("keeps rows updated strictly after the instant, deleted ones included", async () => {
    const { status, body } = await apiJson("/v0.1/servers?updated_since=2025-01-02T00:00:00.5Z");
    expect(status).toBe(200);
    expect(body.servers.map(key)).toEqual(["com.sync/bb@1.0.0", "com.sync/cc@1.0.0"]);
  });

  it("compares at full precision", async () => {
    const just = await apiJson("/v0.1/servers?updated_since=2025-01-02T00:00:00.499999999Z");
    expect(just.body.servers.map(key)).toContain("com.sync/aa@1.1.0");
    const same = await apiJson("/v0.1/servers?updated_since=2025-01-04T12:00:00.123456Z");
    expect(same.body.servers).toEqual([]);
    const before = await apiJson("/v0.1/servers?updated_since=2025-01-04T12:00:00.1234559Z");
    expect(before.body.servers.map(key)).toEqual(["com.sync/cc@1.0.0"]);
  });

  it("accepts offsets and a raw '+' sent encoded", async () => {
    const { body } = await apiJson("/v0.1/servers?updated_since=2025-01-04T13:00:00%2B01:00");
    expect(body.servers.map(key)).toEqual(["com.sync/cc@1.0.0"]);
  });

  it("allows include_deleted=true alongside", async () => {
    const { status, body } = await apiJson("/v0.1/servers?updated_since=2025-01-02T00:00:00Z&include_deleted=true");
    expect(status).toBe(200);
    expect(body.servers.map(key)).toEqual(["com.sync/aa@1.1.0", "com.sync/bb@1.0.0", "com.sync/cc@1.0.0"]);
  });

  it("refuses include_deleted=false alongside with 400", async () => {
    const { status, body, response } = await apiJson(
      "/v0.1/servers?updated_since=2025-01-02T00:00:00Z&include_deleted=false",
    );
    expect(status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toEqual({
      title: "Bad Request",
      status: 400,
      detail: "Cannot set include_deleted=false when using updated_since (incremental sync requires deleted servers)",
    });
  });

  it.each(["yesterday", "2025-01-01", "2025-01-01T00:00:00", "2025-13-01T00:00:00Z", "1735689600"])(
    "answers 400 for %j",
    async (since) => {
      const { status, body } = await apiJson(`/v0.1/servers?updated_since=${encodeURIComponent(since)}`);
      expect(status).toBe(400);
      expect(body.detail).toBe(
        "Invalid updated_since format: expected RFC3339 timestamp (e.g., 2025-08-07T13:15:04.280Z)",
      );
    },
  );
});

describe("include_deleted", () => {
  it("hides deleted rows by default and shows them when true", async () => {
    const hidden = await apiJson("/v0.1/servers");
    expect(hidden.body.servers.map(key)).not.toContain("com.sync/bb@1.0.0");
    const shown = await apiJson("/v0.1/servers?include_deleted=true");
    expect(shown.body.servers.map(key)).toContain("com.sync/bb@1.0.0");
    const explicit = await apiJson("/v0.1/servers?include_deleted=false");
    expect(explicit.body.servers.map(key)).not.toContain("com.sync/bb@1.0.0");
  });

  it.each(["1", "t", "TRUE", "True"])("accepts Go boolean %j", async (value) => {
    const { body } = await apiJson(`/v0.1/servers?include_deleted=${value}`);
    expect(body.servers.map(key)).toContain("com.sync/bb@1.0.0");
  });

  it("answers 422 with location for a value that is not a boolean", async () => {
    const { status, body } = await apiJson("/v0.1/servers?include_deleted=maybe");
    expect(status).toBe(422);
    expect(body).toEqual({
      title: "Unprocessable Entity",
      status: 422,
      detail: "validation failed",
      errors: [{ message: "invalid boolean", location: "query.include_deleted", value: "maybe" }],
    });
  });
});
