// The webhooks page of organisation administrators: a subscription whose secret the form left
// empty gets one generated and shown once (201, never cached), while a typed secret is never
// echoed; under a group, only that group's subscriptions are listed; deletion through the form.
import { beforeAll, describe, expect, it } from "vitest";
import { groupWithMembers, orgAdminToken } from "./helpers/groups.ts";
import { adminGet } from "./helpers/moderation.ts";
import { sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { fetchPage, formPost, queryAll, queryOne, withSession } from "./helpers/web.ts";

describe("the webhooks page", () => {
  let admin: string;
  beforeAll(async () => {
    admin = await orgAdminToken();
    await groupWithMembers("web-hooked");
  });

  it("generates a secret left empty and shows it once", async () => {
    const created = await sessionPost("/maintain/webhooks", admin, {
      url: "https://hooks.example.test/registry",
      events: "*",
      group: "",
      secret: "",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("private, no-store");
    const secret = (await queryOne(created.html, "code#new-secret")).text;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const list = await sessionPage("/maintain/webhooks", admin);
    expect(list.html).not.toContain(secret);
    const row = await queryOne(list.html, "table#webhooks tbody tr");
    expect(row.text).toContain("https://hooks.example.test/registry");
    const deliveries = await sessionPage(`/maintain/webhooks/${row.attrs["data-webhook-id"]}`, admin);
    expect(deliveries.html).toContain("Nothing delivered yet.");
  });

  it("never echoes a typed secret, and lists a group's subscriptions under that group", async () => {
    const secret = "typed-secret-0123456789";
    const init = formPost(
      { url: "https://hooks.example.test/group", events: "publish", group: "web-hooked", secret },
      withSession(admin),
    );
    const created = await fetchPage("/groups/web-hooked/maintain/webhooks", init);
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/groups/web-hooked/maintain/webhooks?done=created");
    const inGroup = await sessionPage("/groups/web-hooked/maintain/webhooks", admin);
    expect(inGroup.html).not.toContain(secret);
    const rows = await queryAll(inGroup.html, "table#webhooks tbody tr");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain("https://hooks.example.test/group");
    const id = rows[0]!.attrs["data-webhook-id"]!;
    const deleted = await sessionPost(`/groups/web-hooked/maintain/webhooks/${id}/delete`, admin, {});
    expect(deleted.status).toBe(303);
    const { body } = await adminGet(admin, "/x/admin/webhooks");
    expect(body.webhooks.some((h: { id: string }) => h.id === id)).toBe(false);
  });
});
