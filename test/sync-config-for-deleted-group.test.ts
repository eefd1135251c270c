// A webhook subscription of a group, or a source mirroring into it, is written on the "~sync"
// stream, which a deletion of the group (on the group's own stream) can overtake between the
// check and the commit: the commit then aborts and the request is refused like one naming an
// unknown group, leaving nothing behind that a later group of the same name would inherit.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { interceptWriterBatch } from "./helpers/faults.ts";
import { deleteGroup, groupWithMembers, orgAdminToken, uniqueGroupName } from "./helpers/groups.ts";
import { createSource, listSources } from "./helpers/mirror.ts";
import { apiJson } from "./helpers/registry.ts";
import { listWebhooks } from "./helpers/webhooks.ts";

/** Holds the "~sync" writer's next audited batch until the group has been deleted. */
async function deleteGroupBeforeNextSyncCommit(group: string) {
  const writer = env.STREAM_WRITER.getByName("~sync") as DurableObjectStub;
  await interceptWriterBatch(writer, 1, async (send) => {
    expect((await deleteGroup(group, await orgAdminToken())).status).toBe(200);
    return send();
  });
}

describe("sync configuration racing its group's deletion", () => {
  it("refuses a webhook subscription whose group was deleted before it committed", async () => {
    const group = uniqueGroupName("hookrace");
    await groupWithMembers(group, {}, { namespaces: [`com.${group}`] });
    await deleteGroupBeforeNextSyncCommit(group);
    const { status, body } = await apiJson("/x/admin/webhooks", {
      method: "POST",
      headers: { authorization: `Bearer ${await orgAdminToken()}`, "content-type": "application/json" },
      body: JSON.stringify({
        url: "https://hooks.example.test/x",
        events: ["*"],
        group,
        secret: "0123456789abcdef0123",
      }),
    });
    expect(status, JSON.stringify(body)).toBe(422);
    expect((await listWebhooks()).body.webhooks.filter((w: { group: string }) => w.group === group)).toEqual([]);
  });

  it("refuses a source into a group deleted before it committed", async () => {
    const group = uniqueGroupName("srcrace");
    await groupWithMembers(group, {}, { namespaces: [`com.${group}`] });
    await deleteGroupBeforeNextSyncCommit(group);
    const { status, body } = await createSource({ url: `https://${group}.upstream.test`, into: group });
    expect(status, JSON.stringify(body)).toBe(422);
    expect((await listSources()).body.sources.filter((s: { into: string }) => s.into === group)).toEqual([]);
  });
});
