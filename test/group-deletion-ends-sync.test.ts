// Deleting a group ends the sync that names it: its webhook subscriptions (with their deliveries
// logs) and the upstream sources mirroring into it are deleted in the same batch as the group and
// listed in the deletion's audit row, so a group created later under the same name starts without
// them: none of its changes reach the old subscriptions' URLs and the cron mirrors nothing of the
// old sources into it. The public catalogue's and other groups' subscriptions and sources stay.
// Alike with ?purge=true, and for a subscription or source created while the deletion commits.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { interceptWriterBatch } from "./helpers/faults.ts";
import { groupPublish, member } from "./helpers/group-writes.ts";
import { deleteGroup, groupAudit, groupWithMembers, orgAdminToken, uniqueGroupName } from "./helpers/groups.ts";
import { deleteSource, listSources, registerSource, runMirrorCron } from "./helpers/mirror.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import {
  deleteWebhook,
  listWebhooks,
  receiverUrl,
  stubReceivers,
  subscribe,
  waitUntil,
  waitUntilSettled,
  type Receiver,
} from "./helpers/webhooks.ts";

const SECRET = "group-deletion-secret-0123456789";

afterEach(async () => {
  vi.restoreAllMocks();
  // Each test starts without subscriptions or sources (an earlier test's would wait for receivers
  // no longer stubbed).
  for (const { id } of (await listWebhooks()).body.webhooks) await deleteWebhook(id);
  for (const { id } of (await listSources()).body.sources) await deleteSource(id);
});

/** A private group claiming `com.<name>` and including the public `com.pub-<name>/*`, with a publisher. */
async function syncedGroup(name: string) {
  await groupWithMembers(
    name,
    { "github:sia": "publisher" },
    { namespaces: [`com.${name}`], include: [`com.pub-${name}/*`] },
  );
}

/** Upstreams the test's sources mirror, served through the receivers' fetch stub. */
function upstreamsFor(...upstreams: FakeUpstream[]) {
  return (request: Request) => {
    const upstream = upstreams.find((u) => request.url.startsWith(`${u.base}/`));
    if (upstream === undefined) throw new TypeError(`no stub for ${request.method} ${request.url}`);
    return upstream.handle(request);
  };
}

const ids = (list: { id: string }[]) => list.map((item) => item.id);

async function deliveryRows(webhook: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?")
    .bind(webhook)
    .first<{ n: number }>();
  return row!.n;
}

describe("deleting a group ends its sync", () => {
  for (const purge of [false, true]) {
    it(`${purge ? "with ?purge=true" : "without purge"}: its subscriptions and sources go with it`, async () => {
      const name = uniqueGroupName("sync");
      const other = uniqueGroupName("kept");
      await syncedGroup(name);
      await syncedGroup(other);
      const intoGroup = new FakeUpstream(`https://${name}.upstream.test`);
      const intoPublic = new FakeUpstream(`https://public-${name}.upstream.test`);
      const intoOther = new FakeUpstream(`https://${other}.upstream.test`);
      const [oldUrl, newUrl, publicUrl, otherUrl] = ["old", "new", "public", "other"].map((l) => receiverUrl(l));
      const seen = stubReceivers([oldUrl!, newUrl!, publicUrl!, otherUrl!], () => 200, {
        others: upstreamsFor(intoGroup, intoPublic, intoOther),
      });
      const got = (url: string) => (seen.get(url) as Receiver).deliveries;

      const oldId = await subscribe({ url: oldUrl, events: ["*"], group: name, secret: SECRET });
      const publicId = await subscribe({ url: publicUrl, events: ["*"], secret: SECRET });
      const otherId = await subscribe({ url: otherUrl, events: ["*"], group: other, secret: SECRET });
      const sourceId = await registerSource({ url: intoGroup.base, into: name });
      const publicSource = await registerSource({ url: intoPublic.base, into: "public" });
      const otherSource = await registerSource({ url: intoOther.base, into: other });

      // A change the old subscription receives (with purge: the group's own server, which it then
      // holds; without: a public server it includes), so that it has a deliveries log.
      const sia = await member("sia");
      if (purge) {
        const own = await groupPublish(name, sia, serverJson(`com.${name}/own`, "1.0.0"));
        expect(own.status, JSON.stringify(own.body)).toBe(200);
      } else {
        const publisher = await tokenFor(publishAll(`com.pub-${name}/*`));
        expect((await publish(publisher, serverJson(`com.pub-${name}/tool`, "1.0.0"))).status).toBe(200);
      }
      await waitUntil(() => got(oldUrl!).length === 1, "the delivery before the deletion");
      await waitUntilSettled([oldId]);
      expect(await deliveryRows(oldId)).toBe(1);

      const admin = await orgAdminToken();
      const deleted = await deleteGroup(name, admin, purge ? "?purge=true" : "");
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);

      // Gone from the lists and from D1 (the deliveries log too); the others' are kept.
      expect(ids((await listWebhooks()).body.webhooks)).toEqual([publicId, otherId]);
      expect(ids((await listSources()).body.sources)).toEqual([publicSource, otherSource]);
      expect(await deliveryRows(oldId)).toBe(0);
      // Said in the deletion's audit row.
      const audit = (await groupAudit(name)).at(-1)!;
      expect(audit).toMatchObject({ action: "group-delete", outcome: "ok" });
      expect(audit.detail).toMatchObject({ purge, webhooks: [oldId], sources: [sourceId] });

      // A new group under the same name: the upstream the old source read now has a server in its
      // namespace, and the new group's publisher publishes there.
      await syncedGroup(name);
      intoGroup.publish(serverJson(`com.${name}/mirrored`, "1.0.0") as never);
      await subscribe({ url: newUrl, events: ["*"], group: name, secret: SECRET });
      const own = await groupPublish(name, sia, serverJson(`com.${name}/after`, "2.0.0"));
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      await waitUntil(() => got(newUrl!).length === 1, "the new subscription's delivery");
      // Every stored subscription idle at the head: any that followed the name has had its turn.
      await waitUntilSettled();
      expect(got(newUrl!).map((d) => d.body.change.name)).toEqual([`com.${name}/after`]);
      expect(got(oldUrl!)).toHaveLength(1);
      expect(got(otherUrl!)).toEqual([]);

      // The cron mirrors the sources that remain, never the old one into the new group.
      await runMirrorCron(5);
      expect(intoPublic.seen.length).toBeGreaterThan(0);
      expect(intoOther.seen.length).toBeGreaterThan(0);
      expect(intoGroup.seen).toEqual([]);
      const mirrored = await apiJson(
        `/groups/${name}/v0.1/servers/${encodeURIComponent(`com.${name}/mirrored`)}/versions`,
        {
          headers: { authorization: `Bearer ${admin}` },
        },
      );
      expect(mirrored.status).toBe(404);
    });
  }

  it("deletes and lists a subscription and a source created while the deletion commits", async () => {
    const name = uniqueGroupName("race");
    await syncedGroup(name);
    stubReceivers([]);
    const first = await subscribe({ url: receiverUrl("first"), events: ["*"], group: name, secret: SECRET });
    let late: { webhook: string; source: string } | undefined;
    const writer = env.STREAM_WRITER.getByName(`~group:${name}`) as DurableObjectStub;
    // The deletion's batch is held back until another administrator has subscribed and added a
    // source for the group (on the "~sync" stream's writer: they see the group still there).
    await interceptWriterBatch(writer, 1, async (send) => {
      late = {
        webhook: await subscribe({ url: receiverUrl("late"), events: ["*"], group: name, secret: SECRET }),
        source: await registerSource({ url: `https://${name}.late.upstream.test`, into: name }),
      };
      return send();
    });
    const deleted = await deleteGroup(name, await orgAdminToken());
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(late).toBeDefined();
    expect(ids((await listWebhooks()).body.webhooks)).not.toContain(late!.webhook);
    expect(ids((await listWebhooks()).body.webhooks)).not.toContain(first);
    expect(ids((await listSources()).body.sources)).not.toContain(late!.source);
    // The audit row names exactly what went (the batch that would have missed them was redone).
    const detail = (await groupAudit(name)).at(-1)!.detail as { webhooks: string[]; sources: string[] };
    expect([...detail.webhooks].sort()).toEqual([first, late!.webhook].sort());
    expect(detail.sources).toEqual([late!.source]);
  });
});
