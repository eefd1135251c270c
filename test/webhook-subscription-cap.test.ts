// Subscriptions are bounded (MAX_WEBHOOKS, each read by every dispatch): one more is refused with
// a 409 that creates nothing, and deleting one makes room again.
import { describe, expect, it } from "vitest";
import { MAX_WEBHOOKS } from "../worker/src/domain/webhooks.ts";
import { createWebhook, deleteWebhook, listWebhooks } from "./helpers/webhooks.ts";

const body = (i: number) => ({
  url: `https://hooks.example.com/${i}`,
  events: ["*"],
  secret: "cap-test-secret-0123456789",
});

describe("the subscription cap", () => {
  it(`refuses subscription ${MAX_WEBHOOKS + 1} until one is deleted`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAX_WEBHOOKS; i++) {
      const created = await createWebhook(body(i));
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const refused = await createWebhook(body(MAX_WEBHOOKS));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe(`At most ${MAX_WEBHOOKS} webhook subscriptions: delete one first`);
    expect((await listWebhooks()).body.metadata.count).toBe(MAX_WEBHOOKS);

    expect((await deleteWebhook(ids[0]!)).status).toBe(200);
    expect((await createWebhook(body(MAX_WEBHOOKS))).status).toBe(201);
    expect((await listWebhooks()).body.metadata.count).toBe(MAX_WEBHOOKS);
  });
});
