// The 16 server.json examples of the official docs, renamed into a group's claimed namespace,
// publish through /groups/{group}/v0/publish with a publisher's token (no registry permission)
// and read back unchanged through the group; their rows belong to the group and the root does
// not show them. Skips when ../shared/data is absent.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createWriteGroup, groupPublish, member, storedGroups } from "./helpers/group-writes.ts";
import { api, apiJson } from "./helpers/registry.ts";

const examples = env.TEST_DOC_EXAMPLES.split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
if (examples.length === 0)
  console.warn("skipping group doc-example tests: ../shared/data/official-doc-examples.ndjson is absent");

const GROUP = "docs-team";
const NS = "com.acme.docs";

beforeAll(async () => {
  await createWriteGroup({ name: GROUP, namespaces: [NS], members: { "github:alice": "publisher" } });
});

describe.skipIf(examples.length === 0)("official doc examples through a group", () => {
  it("publish and read back deep-equal through the group, as private rows", async () => {
    const token = await member("alice");
    const auth = { headers: { authorization: `Bearer ${token}` } };
    expect(examples).toHaveLength(16);
    for (const [i, example] of examples.entries()) {
      const name = `${NS}/doc-example-${i}`;
      const server = { ...example, name };
      const published = await groupPublish(GROUP, token, server);
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      expect(published.body.server).toEqual(server);
      const path = `/v0/servers/${encodeURIComponent(name)}/versions/latest`;
      const read = await apiJson(`/groups/${GROUP}${path}`, auth);
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      expect(read.body.server).toEqual(server);
      expect(read.body).toEqual(published.body);
      expect(await storedGroups(name)).toEqual({
        versions: [{ version: server.version, group_name: GROUP }],
        summary: { group_name: GROUP, version_count: 1 },
      });
      expect((await api(path)).status).toBe(404);
    }
    const listed = await apiJson(`/groups/${GROUP}/v0/servers?search=doc-example&version=latest`, auth);
    expect(listed.status).toBe(200);
    expect(listed.body.servers).toHaveLength(16);
    const atRoot = await apiJson("/v0/servers?search=doc-example&version=latest");
    expect(atRoot.body.servers).toEqual([]);
  });
});
