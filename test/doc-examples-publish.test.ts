// The 16 server.json examples of the official docs, renamed into the anonymous namespace,
// publish with an anonymous token and read back unchanged. Skips when ../shared/data is absent.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, apiJson } from "./helpers/registry.ts";

const examples = env.TEST_DOC_EXAMPLES.split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
if (examples.length === 0)
  console.warn("skipping doc-example tests: ../shared/data/official-doc-examples.ndjson is absent");

describe.skipIf(examples.length === 0)("official doc examples", () => {
  it("publish with an anonymous token and read back deep-equal", async () => {
    const exchange = await apiJson("/v0/auth/none", { method: "POST" });
    expect(exchange.status).toBe(200);
    const token = exchange.body.registry_token;
    expect(examples).toHaveLength(16);
    for (const [i, example] of examples.entries()) {
      const name = `io.modelcontextprotocol.anonymous/doc-example-${i}`;
      const server = { ...example, name };
      const published = await apiJson("/v0/publish", {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(server),
      });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      const read = await apiJson(`/v0/servers/${encodeURIComponent(name)}/versions/latest`);
      expect(read.body.server).toEqual(server);
      expect(read.body).toEqual(published.body);
    }
    expect((await api("/v0/servers?search=doc-example&version=latest")).status).toBe(200);
  });
});
