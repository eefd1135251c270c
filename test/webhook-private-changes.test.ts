// Private changes reach only subscriptions of their group: a public subscription receives the
// public feed (never a group's change, nor a count of them: its cursors have no gaps); a group
// subscription receives exactly what /groups/{group}/x/changes shows (its own servers and the
// public ones it includes, never another group's), with that feed's cursors.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { drainFeed, feedCursor } from "./helpers/change-feed.ts";
import { createWriteGroup, groupPublish, member, orgAdmin, statusAt } from "./helpers/group-writes.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { feedHead } from "../worker/src/storage/d1-feed.ts";
import {
  receiverUrl,
  storedWebhook,
  stubReceivers,
  subscribe,
  waitUntil,
  waitUntilSettled,
} from "./helpers/webhooks.ts";

const SECRET = "private-changes-secret-0123456789";

beforeAll(async () => {
  await createWriteGroup({
    name: "team",
    visibility: "private",
    namespaces: ["com.secret"],
    include: ["io.github.pub/*"],
    members: { "github:tess": "publisher" },
  });
  await createWriteGroup({ name: "others", visibility: "private", namespaces: ["com.other"], members: {} });
  await createWriteGroup({
    name: "others-pub",
    visibility: "private",
    namespaces: ["com.otherpub"],
    members: { "github:otto": "publisher" },
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const names = (deliveries: { body: any }[]) =>
  deliveries.map((d) => `${d.body.change.name}@${d.body.change.version}:${d.body.event}`);

describe("webhooks and private changes", () => {
  it("a public subscription never receives a group's change; a group subscription receives its view", async () => {
    const publicUrl = receiverUrl("public");
    const teamUrl = receiverUrl("team");
    const othersUrl = receiverUrl("others");
    const seen = stubReceivers([publicUrl, teamUrl, othersUrl]);
    const admin = { headers: { authorization: `Bearer ${await orgAdmin()}` } };
    const publicStart = await feedCursor();
    const teamStart = await feedCursor("/groups/team", admin);
    const publicId = await subscribe({ url: publicUrl, events: ["*"], secret: SECRET });
    const teamId = await subscribe({ url: teamUrl, events: ["*"], group: "team", secret: SECRET });
    const othersId = await subscribe({ url: othersUrl, events: ["*"], group: "others", secret: SECRET });

    const publisher = await tokenFor(publishAll("io.github.*"), "github-at", "pat");
    const tess = await member("tess");
    const otto = await member("otto");
    const ok = (answer: { status: number; body: unknown }) =>
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    ok(await publish(publisher, serverJson("io.github.pub/alpha", "1.0.0"))); // public, included by team
    ok(await groupPublish("team", tess, serverJson("com.secret/xray", "1.0.0"))); // team's own
    ok(await publish(publisher, serverJson("io.github.other/bravo", "1.0.0"))); // public, not included
    ok(await groupPublish("others-pub", otto, serverJson("com.otherpub/yankee", "1.0.0"))); // another group's
    ok(await statusAt("/groups/team", tess, "com.secret/xray", "1.0.0", { status: "deprecated" })); // team's own
    ok(await publish(publisher, serverJson("io.github.pub/zulu", "1.0.0"))); // the last one: public, included

    const got = (url: string) => seen.get(url)!.deliveries;
    await waitUntil(() => got(publicUrl).some((d) => d.body.change.name === "io.github.pub/zulu"), "public: the last");
    await waitUntil(() => got(teamUrl).some((d) => d.body.change.name === "io.github.pub/zulu"), "team: the last");
    // Idle at the head: what each receiver got is final.
    await waitUntilSettled([publicId, teamId, othersId]);

    expect(names(got(publicUrl))).toEqual([
      "io.github.pub/alpha@1.0.0:publish",
      "io.github.other/bravo@1.0.0:publish",
      "io.github.pub/zulu@1.0.0:publish",
    ]);
    expect(names(got(teamUrl))).toEqual([
      "io.github.pub/alpha@1.0.0:publish",
      "com.secret/xray@1.0.0:publish",
      "com.secret/xray@1.0.0:status",
      "io.github.pub/zulu@1.0.0:publish",
    ]);
    // A subscription of a group with none of these changes in its view gets nothing.
    expect(got(othersUrl)).toEqual([]);

    // Each is exactly its feed: the same entries with the same cursors (the public one without
    // gaps where the groups' changes were).
    expect(got(publicUrl).map((d) => d.body.change)).toEqual((await drainFeed("", { after: publicStart })).changes);
    const teamFeed = (await drainFeed("/groups/team", { after: teamStart, init: admin })).changes;
    expect(got(teamUrl).map((d) => d.body.change)).toEqual(teamFeed);
    expect(got(publicUrl).map((d) => d.body.change.cursor)).toEqual(
      [1, 2, 3].map((i) => String(Number(publicStart) + i)),
    );
    // The delivery id: the change's position in the group's feed (its cursor without the
    // includes fingerprint, so that it stays the same whatever the includes become).
    expect(teamFeed.every((change) => /^[0-9]+\.[0-9]+\.[0-9a-f]{8}$/.test(change.cursor))).toBe(true);
    expect(got(teamUrl).map((d) => d.body.id)).toEqual(
      teamFeed.map((change) => `${teamId}:${change.cursor.split(".").slice(0, 2).join(".")}`),
    );
    expect(got(publicUrl).map((d) => d.body.webhook)).toEqual([publicId, publicId, publicId]);
    // Nothing of a private server in any public delivery.
    expect(
      got(publicUrl)
        .map((d) => d.raw)
        .join("\n"),
    ).not.toMatch(/com\.secret|com\.otherpub/);

    // A private change at the tail: the public subscription passes over it (its cursor reaches
    // the feed's head) without a request, so later dispatches do not scan it again.
    ok(await groupPublish("team", tess, serverJson("com.secret/xray", "2.0.0")));
    const head = await feedHead(env.DB);
    await waitUntil(async () => (await storedWebhook(publicId))!.cursor === head, "the public cursor at the head");
    await waitUntil(() => got(teamUrl).length === 5, "team: the private change");
    expect(got(publicUrl)).toHaveLength(3);
  });
});
