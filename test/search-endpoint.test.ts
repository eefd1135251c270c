// GET /x/search on the demo catalogue: answer shape, paging, filters, bad input, and freshness
// without waiting for the cron (writes show through the overlay on the next request).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { apiJson, ndjsonEntries, official, serverJson } from "./helpers/registry.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";

beforeAll(async () => {
  await importEntries(env, ndjsonEntries(env.TEST_SEED_SERVERS, env.TEST_SEED_META, "servers.ndjson"));
  expect((await buildSearchIndex(env)).state).toBe("published");
});

describe("GET /x/search", () => {
  it("answers results with score, facets and metadata", async () => {
    const { status, body, response } = await apiJson("/x/search?q=weather&limit=3");
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(Object.keys(body)).toEqual(["results", "facets", "metadata"]);
    expect(body.results.length).toBeGreaterThan(0);
    for (const r of body.results) {
      expect(Object.keys(r)).toEqual(["server", "_meta", "score"]);
      expect(official(r).isLatest).toBe(true);
      expect(official(r).status).not.toBe("deleted");
    }
    expect(Object.keys(body.facets)).toEqual(["registryType", "transport", "hosting"]);
    expect(body.metadata.count).toBe(body.results.length);
  });

  it("pages with an opaque cursor through every match exactly once", async () => {
    const first = await apiJson("/x/search?q=mcp&limit=100");
    const total = first.body.metadata.total;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await apiJson(`/x/search?q=mcp&limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.results.map((r: any) => r.server.name));
      cursor = body.metadata.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it("lists everything by name for an empty query", async () => {
    const { body } = await apiJson("/x/search?limit=100");
    const names = body.results.map((r: any) => r.server.name);
    expect(names).toEqual([...names].sort());
  });

  it("filters by hosting, registry type, transport, namespace and status", async () => {
    const remote = await apiJson("/x/search?hosting=remote&limit=100");
    for (const r of remote.body.results) expect(r.server.remotes?.length).toBeGreaterThan(0);
    const oci = await apiJson("/x/search?registryType=oci&limit=100");
    for (const r of oci.body.results) expect(r.server.packages.some((p: any) => p.registryType === "oci")).toBe(true);
    const sse = await apiJson("/x/search?transport=sse&limit=100");
    expect(sse.body.metadata.total).toBeGreaterThan(0);
    const ns = await apiJson("/x/search?namespace=dev.weatherly&limit=100");
    for (const r of ns.body.results) expect(r.server.name.startsWith("dev.weatherly/")).toBe(true);
    const deprecated = await apiJson("/x/search?status=deprecated&limit=100");
    for (const r of deprecated.body.results) expect(official(r).status).toBe("deprecated");
  });

  it.each([
    ["limit=0", "query.limit"],
    ["limit=abc", "query.limit"],
    ["cursor=!!!", "query.cursor"],
    ["registryType=cargo", "query.registryType"],
    ["transport=carrier-pigeon", "query.transport"],
    ["hosting=cloud", "query.hosting"],
    ["status=deleted", "query.status"],
  ])("answers 422 for %s", async (query, location) => {
    const { status, body } = await apiJson(`/x/search?${query}`);
    expect(status).toBe(422);
    expect(body.errors[0].location).toBe(location);
  });

  it.each(["x".repeat(5000), "%00%01%1F", '"unbalanced', "NOT (weather OR) AND -* :: ^~", "名前 ✓ 🚀", "%E2%80%AE"])(
    "never fails on odd text %#",
    async (q) => {
      const { status, body } = await apiJson(`/x/search?q=${q.startsWith("%") ? q : encodeURIComponent(q)}`);
      expect([200, 400]).toContain(status);
      if (status === 200) expect(Array.isArray(body.results)).toBe(true);
    },
  );

  it("shows a publish, a deprecation and a deletion on the next request", async () => {
    const token = await tokenFor([...publishAll("com.overlay/*")]);
    expect((await publish(token, serverJson("com.overlay/quokka-tracker", "1.0.0"))).status).toBe(200);
    const found = await apiJson("/x/search?q=quokka");
    expect(found.body.results.map((r: any) => r.server.name)).toEqual(["com.overlay/quokka-tracker"]);

    await patchStatus(token, "com.overlay/quokka-tracker", "1.0.0", { status: "deprecated", statusMessage: "old" });
    const deprecated = await apiJson("/x/search?q=quokka");
    expect(official(deprecated.body.results[0]).status).toBe("deprecated");

    await patchStatus(token, "com.overlay/quokka-tracker", undefined, { status: "deleted" });
    const gone = await apiJson("/x/search?q=quokka");
    expect(gone.body.results).toEqual([]);
  });
});
