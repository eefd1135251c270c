// Webhook deliveries follow the change feed through the real queue: a subscription receives
// every change its events match, after its creation only, in the feed's order, each exactly once
// and rendered exactly as GET /x/changes renders it, even for a burst of concurrent writes into
// many namespaces.
import { afterEach, describe, expect, it, vi } from "vitest";
import { drainFeed, feedCursor } from "./helpers/change-feed.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import {
  receiverUrl,
  stubReceivers,
  subscribe,
  waitUntil,
  waitUntilSettled,
  type Received,
} from "./helpers/webhooks.ts";

const SECRET = "order-test-secret-0123456789";
const NAMESPACES = 8;
const VERSIONS = 5;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("webhook delivery order", () => {
  it("delivers every change after creation once, in feed order, to each matching subscription", async () => {
    const publisher = await tokenFor([...publishAll("com.order-*"), ...editAll("com.order-*")], "github-at", "ola");
    // Before any subscription: never delivered.
    expect((await publish(publisher, serverJson("com.order-early/tool", "0.1.0"))).status).toBe(200);

    const everything = receiverUrl("everything");
    const statusOnly = receiverUrl("status");
    // A receiver that takes a moment to answer: a second delivery while one is open would show.
    const seen = stubReceivers([everything, statusOnly], () => 200, { delayMs: 5 });
    const start = await feedCursor();
    const allId = await subscribe({ url: everything, events: ["*"], secret: SECRET });
    const statusId = await subscribe({ url: statusOnly, events: ["status", "delete"], secret: SECRET });

    // A burst: every namespace publishes its versions while the others do.
    await Promise.all(
      Array.from({ length: NAMESPACES }, async (_, n) => {
        for (let v = 1; v <= VERSIONS; v++) {
          const published = await publish(publisher, serverJson(`com.order-${n}/tool`, `1.0.${v}`));
          expect(published.status).toBe(200);
        }
      }),
    );
    // Then status changes and a deletion, interleaved across namespaces.
    for (let n = 0; n < NAMESPACES; n += 2) {
      const name = `com.order-${n}/tool`;
      expect((await patchStatus(publisher, name, "1.0.1", { status: "deprecated", statusMessage: "old" })).status).toBe(
        200,
      );
      expect((await patchStatus(publisher, name, "1.0.2", { status: "deleted" })).status).toBe(200);
    }

    const feed = (await drainFeed("", { after: start })).changes;
    const statusChanges = feed.filter((change) => change.action === "status" || change.action === "delete");
    expect(feed.length).toBe(NAMESPACES * VERSIONS + NAMESPACES);
    expect(statusChanges.length).toBe(NAMESPACES);

    const got = (url: string) => seen.get(url)!.deliveries;
    await waitUntil(() => got(everything).length >= feed.length, `${feed.length} deliveries`);
    await waitUntil(() => got(statusOnly).length >= statusChanges.length, `${statusChanges.length} deliveries`);
    // Nothing more arrives once both are idle at the head (no repeats, nothing from before the
    // subscription): what they got is final.
    await waitUntilSettled([allId, statusId]);

    const check = (deliveries: Received[], id: string, expected: any[]) => {
      expect(deliveries.map((d) => d.body.change)).toEqual(expected);
      for (const delivery of deliveries) {
        expect(delivery.body.id).toBe(`${id}:${delivery.body.change.cursor}`);
        expect(delivery.body.webhook).toBe(id);
        expect(delivery.body.event).toBe(delivery.body.change.action);
        expect(delivery.headers.get("x-registry-delivery")).toBe(delivery.body.id);
      }
    };
    check(got(everything), allId, feed);
    check(got(statusOnly), statusId, statusChanges);
    // One delivery open at a time per subscription: each waits for the answer to the one before.
    expect(seen.get(everything)!.maxConcurrent).toBe(1);
    expect(seen.get(statusOnly)!.maxConcurrent).toBe(1);
  });
});
