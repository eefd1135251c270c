// GET /servers: envelope, order, limits, cursors, search and version filters (spec §3.4, §11).
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson, loadFixtures, official, walkList } from "./helpers/registry.ts";

const ROWS = [
  { name: "com.alpha/tool", version: "1.9.0", publishedAt: "2025-01-01T00:00:00Z" },
  { name: "com.alpha/tool", version: "1.10.0", publishedAt: "2025-01-02T00:00:00Z" },
  { name: "com.alpha/tool", version: "2.0.0-rc.1", publishedAt: "2025-01-03T00:00:00Z" },
  { name: "com.beta/weather", version: "0.1.0", publishedAt: "2025-02-01T00:00:00Z" },
  {
    name: "com.beta/weather",
    version: "0.2.0",
    status: "deprecated",
    statusMessage: "use 1.0",
    publishedAt: "2025-02-02T00:00:00Z",
    updatedAt: "2025-03-01T00:00:00Z",
  },
  { name: "com.beta/weather_x", version: "1.0.0", publishedAt: "2025-02-03T00:00:00Z" },
  { name: "com.beta/weatherxx", version: "1.0.0", publishedAt: "2025-02-04T00:00:00Z" },
  {
    name: "com.gamma/old",
    version: "1.0.0",
    status: "deleted",
    publishedAt: "2025-03-01T00:00:00Z",
    updatedAt: "2025-04-01T00:00:00Z",
  },
  { name: "com.gamma/old", version: "1.1.0", publishedAt: "2025-03-02T00:00:00Z" },
  {
    name: "com.gamma/gone",
    version: "1.0.0",
    status: "deleted",
    publishedAt: "2025-03-03T00:00:00Z",
    updatedAt: "2025-04-02T00:00:00Z",
  },
  { name: "io.github.someone/snap", version: "snapshot-1", publishedAt: "2025-05-01T00:00:00Z" },
  { name: "io.github.someone/snap", version: "snapshot-2", publishedAt: "2025-05-02T00:00:00Z" },
] as const;

const visible = ROWS.filter((r) => !("status" in r) || r.status !== "deleted");
const key = (item: any) => `${item.server.name}@${item.server.version}`;

beforeAll(async () => {
  const report = await loadFixtures(ROWS);
  expect(report.rejected).toEqual([]);
});

describe("GET /servers", () => {
  it("answers the official envelope with every visible row in (name, version) byte order", async () => {
    const { status, body, response } = await apiJson("/v0.1/servers");
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const expected = visible
      .map((r) => `${r.name}@${r.version}`)
      .sort((a, b) => {
        const [an, av] = a.split("@") as [string, string];
        const [bn, bv] = b.split("@") as [string, string];
        return an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0;
      });
    expect(body.servers.map(key)).toEqual(expected);
    expect(body.metadata).toEqual({ count: visible.length }); // short page: no nextCursor
    expect(body.servers.map(key).slice(0, 3)).toEqual([
      "com.alpha/tool@1.10.0",
      "com.alpha/tool@1.9.0",
      "com.alpha/tool@2.0.0-rc.1",
    ]);
  });

  it("renders items as {server, _meta.official} with the official fields", async () => {
    const { body } = await apiJson("/v0/servers?search=beta/weather&version=0.2.0");
    expect(body.servers).toHaveLength(1);
    const item = body.servers[0];
    expect(Object.keys(item)).toEqual(["server", "_meta"]);
    expect(item.server.name).toBe("com.beta/weather");
    expect(official(item)).toEqual({
      status: "deprecated",
      statusChangedAt: "2025-03-01T00:00:00Z",
      statusMessage: "use 1.0",
      publishedAt: "2025-02-02T00:00:00Z",
      updatedAt: "2025-03-01T00:00:00Z",
      isLatest: true,
    });
  });

  it("serves /v0 and /v0.1 identically", async () => {
    const a = await (await api("/v0/servers?limit=5")).text();
    const b = await (await api("/v0.1/servers?limit=5")).text();
    expect(a).toBe(b);
  });

  it("answers an empty list as [] with count 0", async () => {
    const { body } = await apiJson("/v0.1/servers?search=no-such-thing");
    expect(body).toEqual({ servers: [], metadata: { count: 0 } });
  });
});

describe("pagination", () => {
  it("gives nextCursor name:version only on a full page", async () => {
    const { body } = await apiJson("/v0.1/servers?limit=2");
    expect(body.metadata).toEqual({ count: 2, nextCursor: "com.alpha/tool:1.9.0" });
  });

  it.each([1, 2, 3, 5, 10])("walks every visible row exactly once with limit %i", async (limit) => {
    const { items } = await walkList("", limit);
    const keys = items.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(visible.length);
  });

  it("ends with an empty page when the rows divide evenly", async () => {
    const { body: first } = await apiJson(`/v0.1/servers?limit=${visible.length}`);
    expect(first.metadata.nextCursor).toBeDefined();
    const { body: last } = await apiJson(
      `/v0.1/servers?limit=${visible.length}&cursor=${encodeURIComponent(first.metadata.nextCursor)}`,
    );
    expect(last).toEqual({ servers: [], metadata: { count: 0 } });
  });

  it("accepts the cursor raw or URL-encoded", async () => {
    const raw = await (await api("/v0.1/servers?limit=3&cursor=com.beta/weather:0.1.0")).text();
    const encoded = await (await api("/v0.1/servers?limit=3&cursor=com.beta%2Fweather%3A0.1.0")).text();
    expect(raw).toBe(encoded);
    expect(JSON.parse(raw).servers.map(key)).toEqual([
      "com.beta/weather@0.2.0",
      "com.beta/weather_x@1.0.0",
      "com.beta/weatherxx@1.0.0",
    ]);
  });

  it("continues after a cursor that points at nothing, and reads a cursor without ':' as a name", async () => {
    const { body: between } = await apiJson("/v0.1/servers?limit=1&cursor=com.b:zzz");
    expect(between.servers.map(key)).toEqual(["com.beta/weather@0.1.0"]);
    const { body: legacy } = await apiJson("/v0.1/servers?limit=1&cursor=com.beta/weather");
    expect(legacy.servers.map(key)).toEqual(["com.beta/weather_x@1.0.0"]);
  });

  it("splits the cursor at the first ':'", async () => {
    const { body } = await apiJson("/v0.1/servers?cursor=io.github.someone/snap:snapshot-1");
    expect(body.servers.map(key)).toEqual(["io.github.someone/snap@snapshot-2"]);
  });
});

describe("search", () => {
  it("is a case-insensitive substring of the name", async () => {
    const { body } = await apiJson("/v0.1/servers?search=WEATHER");
    expect(body.servers.map(key)).toEqual([
      "com.beta/weather@0.1.0",
      "com.beta/weather@0.2.0",
      "com.beta/weather_x@1.0.0",
      "com.beta/weatherxx@1.0.0",
    ]);
  });

  it("matches % and _ literally", async () => {
    const { body: underscore } = await apiJson("/v0.1/servers?search=weather_");
    expect(underscore.servers.map(key)).toEqual(["com.beta/weather_x@1.0.0"]);
    const { body: percent } = await apiJson("/v0.1/servers?search=%25");
    expect(percent.servers).toEqual([]);
  });

  it("accepts long terms (no pattern-length limit) and backslashes literally", async () => {
    const { status, body } = await apiJson(`/v0.1/servers?search=${"weather".repeat(60)}`);
    expect([status, body.servers]).toEqual([200, []]);
    const backslash = await apiJson("/v0.1/servers?search=%5C");
    expect([backslash.status, backslash.body.servers]).toEqual([200, []]);
    const full = await apiJson("/v0.1/servers?search=com.beta/weatherxx");
    expect(full.body.servers.map(key)).toEqual(["com.beta/weatherxx@1.0.0"]);
  });

  it("does not look at descriptions", async () => {
    const { body } = await apiJson("/v0.1/servers?search=Test%20server");
    expect(body.servers).toEqual([]);
  });

  it("treats an empty value as no filter and ignores unknown parameters", async () => {
    const { body } = await apiJson("/v0.1/servers?search=&type=npm&foo=bar");
    expect(body.metadata.count).toBe(visible.length);
  });
});

describe("version filter", () => {
  it("version=latest gives one row per visible server, flagged isLatest", async () => {
    const { body } = await apiJson("/v0.1/servers?version=latest");
    expect(body.servers.map(key)).toEqual([
      "com.alpha/tool@2.0.0-rc.1", // a prerelease of 2.0.0 still ranks above 1.10.0
      "com.beta/weather@0.2.0", // deprecated versions can be latest
      "com.beta/weather_x@1.0.0",
      "com.beta/weatherxx@1.0.0",
      "com.gamma/old@1.1.0",
      "io.github.someone/snap@snapshot-2", // non-semver: the later publish
    ]);
    expect(body.servers.every((i: any) => official(i).isLatest === true)).toBe(true);
  });

  it("version=<exact> compares strings exactly across names", async () => {
    const { body } = await apiJson("/v0.1/servers?version=1.0.0");
    expect(body.servers.map(key)).toEqual(["com.beta/weather_x@1.0.0", "com.beta/weatherxx@1.0.0"]);
    const { body: withDeleted } = await apiJson("/v0.1/servers?version=1.0.0&include_deleted=true");
    expect(withDeleted.servers.map(key)).toEqual([
      "com.beta/weather_x@1.0.0",
      "com.beta/weatherxx@1.0.0",
      "com.gamma/gone@1.0.0",
      "com.gamma/old@1.0.0",
    ]);
  });

  it("combines filters with AND", async () => {
    const { body } = await apiJson("/v0.1/servers?version=latest&search=gamma&include_deleted=true");
    expect(body.servers.map(key)).toEqual(["com.gamma/gone@1.0.0", "com.gamma/old@1.1.0"]);
  });
});
