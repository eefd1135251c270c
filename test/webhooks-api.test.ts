// /x/admin/webhooks: organisation administrators create, list and delete subscriptions and read
// their deliveries log. Every bad input is a 422 naming the field, and changes nothing; nobody
// else gets in; the secret is never answered nor audited; an unknown id is a 404.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { githubToken, orgAdminToken } from "./helpers/groups.ts";
import { createWriteGroup } from "./helpers/group-writes.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { api, serverJson } from "./helpers/registry.ts";
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  receiverUrl,
  stubReceivers,
  subscribe,
  waitUntil,
} from "./helpers/webhooks.ts";

const SECRET = "api-test-secret-do-not-leak-42";

afterEach(() => {
  vi.restoreAllMocks();
});

const valid = (extra: Record<string, unknown> = {}) => ({
  url: "https://hooks.example.com/registry?token=abc",
  events: ["*"],
  secret: SECRET,
  ...extra,
});

describe("/x/admin/webhooks", () => {
  it("refuses every bad input with a 422 naming the field, and creates nothing", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [valid({ url: "ftp://hooks.example.com/" }), "body.url", "expected an http or https URL"],
      [valid({ url: "https://user:pass@hooks.example.com/" }), "body.url", "a webhook URL must not carry credentials"],
      [valid({ url: "hooks.example.com/x" }), "body.url", "expected an absolute http or https URL"],
      [valid({ url: "https://hooks.example.com/#frag" }), "body.url", "a webhook URL must not have a fragment"],
      [valid({ url: `https://hooks.example.com/${"a".repeat(2100)}` }), "body.url", "expected length <= 2048"],
      [valid({ events: [] }), "body.events", "expected array length >= 1"],
      [valid({ events: ["publish", "bogus"] }), "body.events[1]", "expected"],
      [valid({ events: ["*", "publish"] }), "body.events[1]", '"*" already means every event'],
      [valid({ group: "no-such-group" }), "body.group", "no such group"],
      [valid({ group: "Not A Group" }), "body.group", "no such group"],
      [valid({ secret: "too-short" }), "body.secret", "expected length >= 16"],
      [valid({ secret: "x".repeat(257) }), "body.secret", "expected length <= 256"],
      [valid({ colour: "blue" }), "body.colour", "unexpected property"],
      [{ events: ["*"], secret: SECRET }, "body", "expected required property url to be present"],
    ];
    for (const [body, location, message] of cases) {
      const answer = await createWebhook(body);
      expect(answer.status, JSON.stringify(body).slice(0, 120)).toBe(422);
      expect(answer.response.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.body.errors, JSON.stringify(answer.body)).toEqual(
        expect.arrayContaining([expect.objectContaining({ location, message: expect.stringContaining(message) })]),
      );
    }
    expect((await listWebhooks()).body.webhooks).toEqual([]);
  });

  it("is for organisation administrators only", async () => {
    const someone = await githubToken("mallory");
    const publisher = await tokenFor(publishAll("*"), "github-at", "pub");
    for (const token of [someone, publisher]) {
      expect((await createWebhook(valid(), token)).status).toBe(403);
      expect((await listWebhooks(token)).status).toBe(403);
    }
    const anonymous = await api("/x/admin/webhooks");
    expect(anonymous.status).toBe(401);
    const id = await subscribe(valid());
    expect((await deleteWebhook(id, someone)).status).toBe(403);
    expect((await listDeliveries(id, "", someone)).status).toBe(403);
    expect((await listWebhooks()).body.webhooks.map((w: any) => w.id)).toContain(id);
    expect((await deleteWebhook(id)).status).toBe(200);
  });

  it("creates, lists and deletes without ever answering or auditing the secret", async () => {
    await createWriteGroup({ name: "hooked", visibility: "private", namespaces: ["com.hooked"] });
    const created = await createWebhook(valid({ events: ["status", "publish", "status"], group: "hooked" }));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^wh_[0-9a-f]{16}$/),
      url: "https://hooks.example.com/registry?token=abc",
      events: ["publish", "status"],
      group: "hooked",
      createdAt: expect.any(String),
      createdBy: "oidc:admin@example.test",
      delivering: false,
    });
    const publicOne = await createWebhook(valid({ url: "http://127.0.0.1:8080/hook" }));
    expect(publicOne.status).toBe(201);
    expect(publicOne.body.group).toBeNull();

    const listed = await api("/x/admin/webhooks", { headers: { authorization: `Bearer ${await orgAdminToken()}` } });
    const text = await listed.text();
    expect(text).not.toContain(SECRET);
    const { webhooks } = JSON.parse(text);
    expect(webhooks.map((w: any) => w.id)).toEqual(expect.arrayContaining([created.body.id, publicOne.body.id]));
    expect(webhooks.find((w: any) => w.id === created.body.id)).toEqual(created.body);

    const deleted = await deleteWebhook(created.body.id);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ ...created.body, deleted: true });
    expect(JSON.stringify(deleted.body)).not.toContain(SECRET);
    expect((await listWebhooks()).body.webhooks.map((w: any) => w.id)).not.toContain(created.body.id);

    // Gone, unknown and malformed ids alike: 404.
    for (const id of [created.body.id, "wh_0123456789abcdef", "nope", "wh_%ZZ"]) {
      expect((await deleteWebhook(id)).status, id).toBe(404);
      expect((await listDeliveries(id)).status, id).toBe(404);
    }

    // The ~sync audit stream has the creations and the deletion, with where they point but no
    // secret and no query string (it may hold a token).
    const audit = await listStream(env.DB, "~sync");
    const mine = audit.filter((row) => row.name === created.body.id);
    expect(mine.map((row) => [row.action, row.outcome])).toEqual([
      ["webhook-create", "ok"],
      ["webhook-delete", "ok"],
    ]);
    expect(mine[0]!.detail).toEqual({
      url: "https://hooks.example.com/registry",
      events: ["publish", "status"],
      group: "hooked",
    });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain("token=abc");
    expect((await deleteWebhook(publicOne.body.id)).status).toBe(200);
  });

  it("lists deliveries newest first, a page at a time", async () => {
    const url = receiverUrl("log");
    const seen = stubReceivers([url]);
    const id = await subscribe({ url, events: ["publish"], secret: SECRET });
    const token = await tokenFor(publishAll("com.logged/*"));
    for (let i = 1; i <= 5; i++) {
      expect((await publish(token, serverJson("com.logged/tool", `1.0.${i}`))).status).toBe(200);
    }
    await waitUntil(() => seen.get(url)!.deliveries.length === 5, "5 deliveries");
    await waitUntil(
      async () => (await listDeliveries(id)).body.deliveries.every((d: any) => d.state === "delivered"),
      "all settled",
    );

    const versions: string[] = [];
    let cursor = "";
    let pages = 0;
    for (;;) {
      const page = await listDeliveries(id, `?limit=2${cursor === "" ? "" : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      pages++;
      for (const delivery of page.body.deliveries) {
        expect(delivery).toEqual({
          id: expect.stringMatching(new RegExp(`^${id}:[1-9][0-9]*$`)),
          name: "com.logged/tool",
          version: expect.any(String),
          action: "publish",
          state: "delivered",
          attempts: 1,
          lastStatus: 200,
          lastError: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        });
        versions.push(delivery.version);
      }
      if (page.body.metadata.nextCursor === undefined) break;
      cursor = page.body.metadata.nextCursor;
    }
    expect(versions).toEqual(["1.0.5", "1.0.4", "1.0.3", "1.0.2", "1.0.1"]);
    expect(pages).toBe(3);
    // The ids are the ones the receiver got.
    const all = (await listDeliveries(id)).body.deliveries.map((d: any) => d.id);
    expect(all).toEqual(
      seen
        .get(url)!
        .deliveries.map((d) => d.body.id)
        .reverse(),
    );

    for (const query of ["?cursor=abc", "?cursor=-1", "?limit=0", "?limit=501"]) {
      const answer = await listDeliveries(id, query);
      expect(answer.status, query).toBe(422);
    }
  });
});
