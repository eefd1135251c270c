// Ranked search quality on the real registry pull: each query names a server a user would
// expect among the top 5. Skips when ../shared/data is absent.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { apiJson, ndjsonEntries, official } from "./helpers/registry.ts";
import { REAL_DATASET_ABSENT } from "./helpers/real-dataset.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const QUERIES: [query: string, expected: string, kind: string][] = [
  ["io.github.redis/mcp-redis", "io.github.redis/mcp-redis", "exact name"],
  ["com.stripe/mcp", "com.stripe/mcp", "exact name"],
  ["mcp-redis", "io.github.redis/mcp-redis", "server part"],
  ["terraform-mcp-server", "io.github.hashicorp/terraform-mcp-server", "server part"],
  ["stripe", "com.stripe/mcp", "word"],
  ["redis", "io.github.redis/mcp-redis", "word"],
  ["mongodb", "io.github.mongodb-js/mongodb-mcp-server", "word"],
  ["sentry", "io.github.getsentry/sentry-mcp", "word"],
  ["terraform", "io.github.hashicorp/terraform-mcp-server", "word"],
  ["notion", "com.notion/mcp", "word"],
  ["supabase", "com.supabase/mcp", "word"],
  ["excel", "io.github.sbroenne/mcp-server-excel", "word"],
  ["airtable", "io.github.domdomegg/airtable-mcp-server", "word"],
  ["kubernetes", "io.github.containers/kubernetes-mcp-server", "word in the name"],
  ["brave search", "io.github.brave/brave-search-mcp-server", "two words"],
  ["error monitoring", "io.github.getsentry/sentry-mcp", "intent"],
  ["issue tracking project management", "app.linear/linear", "intent"],
  ["spotify playlist", "io.github.khglynn/spotify-bulk-actions-mcp", "intent"],
  ["weather forecast united states", "ai.smithery/smithery-ai-national-weather-service", "intent"],
  ["postgresql mysql sqlite database", "io.github.bytebase/dbhub", "intent"],
  ["docker desktop release notes", "io.github.dockersamples/mcp-docker-release-information", "intent"],
  ["terraf", "io.github.hashicorp/terraform-mcp-server", "prefix"],
  ["mongo", "io.github.mongodb-js/mongodb-mcp-server", "prefix"],
  ["spotif", "io.github.khglynn/spotify-bulk-actions-mcp", "prefix"],
  ["kubernets", "io.github.containers/kubernetes-mcp-server", "typo (1 edit)"],
  ["sentyr", "io.github.getsentry/sentry-mcp", "typo (transposition)"],
  ["terrafrom", "io.github.hashicorp/terraform-mcp-server", "typo (transposition)"],
  ["airtabel", "io.github.domdomegg/airtable-mcp-server", "typo"],
  ["mongdob", "io.github.mongodb-js/mongodb-mcp-server", "typo (2 edits)"],
  ["supabse", "com.supabase/mcp", "typo (deletion)"],
  ["FigmaContext", "io.github.GLips/Figma-Context-MCP", "camelCase fragment"],
  ["figma-context", "io.github.GLips/Figma-Context-MCP", "kebab fragment"],
  ["brave_search", "io.github.brave/brave-search-mcp-server", "snake fragment"],
  ["mcp.stripe.com", "com.stripe/mcp", "remote host"],
  ["@sentry/mcp-server", "io.github.getsentry/sentry-mcp", "package identifier"],
];

describe.skipIf(REAL_DATASET_ABSENT)("ranked search on the real dataset", () => {
  beforeAll(async () => {
    await importEntries(env, ndjsonEntries(env.TEST_REAL_SERVERS, env.TEST_REAL_META, "servers.ndjson"));
    const step = await buildSearchIndex(env, 60_000);
    expect(step.state).toBe("published");
  }, 180_000);

  it.each(QUERIES)("%s → %s (%s)", async (query, expected) => {
    const { status, body } = await apiJson(`/x/search?q=${encodeURIComponent(query)}&limit=5`);
    expect(status).toBe(200);
    expect(body.results.map((r: any) => r.server.name)).toContain(expected);
  });

  it("answers one result per name, latest visible version, with scores in descending order", async () => {
    const { body } = await apiJson("/x/search?q=github&limit=50");
    const names = body.results.map((r: any) => r.server.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of body.results) expect(official(r).isLatest).toBe(true);
    const scores = body.results.map((r: any) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("has facet counts that match the filtered totals", async () => {
    const { body } = await apiJson("/x/search?q=database&limit=100");
    for (const [facet, counts] of Object.entries(body.facets as Record<string, Record<string, number>>)) {
      for (const [value, count] of Object.entries(counts)) {
        expect(count).toBeLessThanOrEqual(body.metadata.total);
        const filtered = await apiJson(`/x/search?q=database&limit=1&${facet}=${value}`);
        expect(filtered.body.metadata.total, `${facet}=${value}`).toBe(count);
      }
    }
  });

  it("combines filters", async () => {
    const { body } = await apiJson(
      "/x/search?q=database&registryType=npm,pypi&hosting=package&transport=stdio&limit=100",
    );
    expect(body.metadata.total).toBeGreaterThan(0);
    for (const r of body.results) {
      const types = (r.server.packages ?? []).map((p: any) => p.registryType);
      expect(types.some((t: string) => t === "npm" || t === "pypi")).toBe(true);
    }
    const namespace = await apiJson("/x/search?q=mcp&namespace=io.github.redis");
    expect(namespace.body.results.map((r: any) => r.server.name)).toEqual(["io.github.redis/mcp-redis"]);
  });

  it("never returns deleted servers, and finds a new one on the next request", async () => {
    const token = await tokenFor([
      ...publishAll("com.stripe/*"),
      { action: "edit", resource: "com.stripe/*" },
      ...publishAll("com.freshly/*"),
    ]);
    const deleted = await apiJson(`/v0.1/servers/${encodeURIComponent("com.stripe/mcp")}/status`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ status: "deleted", statusMessage: "test" }),
    });
    expect(deleted.status).toBe(200);
    const after = await apiJson("/x/search?q=stripe&limit=100");
    expect(after.body.results.map((r: any) => r.server.name)).not.toContain("com.stripe/mcp");

    const fresh = await publish(token, {
      $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
      name: "com.freshly/zebra-telemetry",
      description: "Zebra telemetry dashboards for wildlife trackers",
      version: "1.0.0",
    });
    expect(fresh.status).toBe(200);
    const found = await apiJson("/x/search?q=zebra%20telemetry");
    expect(found.body.results[0].server.name).toBe("com.freshly/zebra-telemetry");
  });
});
