// A source mirrored into a group writes only the names in namespaces that group claims, as the
// group's own servers (visible in its view, never in the public one); every other upstream entry
// is skipped and reported.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { bearer, seedGroup } from "./helpers/group-fixtures.ts";
import { orgAdminToken } from "./helpers/groups.ts";
import { registerSource, serveUpstreams, sourceState, stepOnce } from "./helpers/mirror.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://group.upstream.test");
const GROUP = "mirror-acme";

describe("mirroring into a group", () => {
  let id: string;
  beforeAll(async () => {
    await seedGroup({ name: GROUP, visibility: "private", namespaces: ["com.acme"] });
    serveUpstreams(upstream);
    upstream.publish(serverJson("com.acme/tool", "1.0.0") as never, Date.UTC(2025, 0, 1) * 1000);
    upstream.publish(serverJson("com.acme/tool", "1.1.0") as never, Date.UTC(2025, 0, 2) * 1000);
    upstream.publish(serverJson("org.elsewhere/thing", "1.0.0") as never, Date.UTC(2025, 0, 3) * 1000);
    id = await registerSource({ url: upstream.base, into: GROUP });
    await stepOnce(id, 5);
  });

  it("writes the group's namespaces as its own servers", async () => {
    const admin = bearer(await orgAdminToken());
    const inGroup = await apiJson(`/groups/${GROUP}/v0.1/servers/com.acme%2Ftool/versions`, admin);
    expect(inGroup.status).toBe(200);
    expect(inGroup.body.servers.map((s: any) => s.server.version)).toEqual(["1.1.0", "1.0.0"]);
    expect((await apiJson("/v0.1/servers/com.acme%2Ftool/versions")).status).toBe(404);
    const rows = await env.DB.prepare("SELECT DISTINCT group_name, mirror_source FROM server_versions").all();
    expect(rows.results).toEqual([{ group_name: GROUP, mirror_source: upstream.base }]);
  });

  it("skips and reports names outside its namespaces", async () => {
    expect((await apiJson("/v0.1/servers/org.elsewhere%2Fthing/versions")).status).toBe(404);
    const state = await sourceState(id);
    expect(state).toMatchObject({ into: GROUP, caughtUp: true, counts: { added: 2, skipped: 1 } });
    expect(state.recentSkips).toEqual([
      expect.objectContaining({
        name: "org.elsewhere/thing",
        version: "1.0.0",
        reason: `namespace org.elsewhere is not claimed by group ${GROUP}`,
      }),
    ]);
  });
});
