// The maintainers' review queue: listing (scoped, paged, weighted) and resolving with dismiss,
// deprecate, delete or denylist; refusals for bad actions, resolved reports and other scopes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminGet, auditOf, maintainerToken, report, resolve } from "./helpers/moderation.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { editAll, publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.review-queue";
const OTHER = "com.review-elsewhere";

async function versionsOf(name: string) {
  const { body } = await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions?include_deleted=true`);
  return body.servers.map((s: any) => ({
    version: s.server.version,
    status: official(s).status,
    statusMessage: official(s).statusMessage,
  }));
}

describe("the review queue", async () => {
  const publisher = await tokenFor(publishAll("*"));
  const admin = await maintainerToken();
  const scoped = await tokenFor(editAll(`${NS}/*`), "oidc", "ns-moderator");
  for (const name of ["spammy", "broken", "evil", "fine"]) {
    await publish(publisher, serverJson(`${NS}/${name}`, "1.0.0"));
    await publish(publisher, serverJson(`${NS}/${name}`, "1.1.0"));
  }
  await publish(publisher, serverJson(`${OTHER}/tool`, "1.0.0"));
  const first = await report({ name: `${NS}/spammy`, reason: "spam", details: "SEO links" }, { ip: "198.18.0.1" });
  await report({ name: `${NS}/spammy`, reason: "spam" }, { ip: "198.18.0.2" });
  const elsewhere = await report({ name: `${OTHER}/tool`, reason: "broken" }, { ip: "198.18.0.3" });

  it("lists open reports oldest first with each target's weighted count, within the caller's scope", async () => {
    const all = await adminGet(admin, `/x/admin/reports?name=${encodeURIComponent(`${NS}/spammy`)}`);
    expect(all.status).toBe(200);
    expect(all.body.reports).toHaveLength(2);
    expect(all.body.reports[0]).toMatchObject({
      id: first.body.id,
      name: `${NS}/spammy`,
      reason: "spam",
      details: "SEO links",
      status: "open",
      weight: 1,
      targetWeight: 2,
      underReview: false,
    });
    expect(all.body.metadata).toEqual({ count: 2 });

    const mine = await adminGet(scoped, "/x/admin/reports?limit=100");
    expect(mine.body.reports.every((r: any) => r.name.startsWith(`${NS}/`))).toBe(true);
    expect(mine.body.reports.some((r: any) => r.id === elsewhere.body.id)).toBe(false);
    expect((await adminGet(scoped, `/x/admin/reports?name=${encodeURIComponent(`${OTHER}/tool`)}`)).status).toBe(403);
  });

  it("pages with an opaque cursor", async () => {
    const page1 = await adminGet(admin, "/x/admin/reports?limit=1");
    expect(page1.body.reports).toHaveLength(1);
    const page2 = await adminGet(admin, `/x/admin/reports?limit=1&cursor=${page1.body.metadata.nextCursor}`);
    expect(page2.body.reports[0].id).not.toBe(page1.body.reports[0].id);
    expect((await adminGet(admin, "/x/admin/reports?cursor=abc")).status).toBe(422);
    expect((await adminGet(admin, "/x/admin/reports?status=closed")).status).toBe(422);
  });

  it("refuses callers without edit permission (403) and without a valid token (401)", async () => {
    expect((await adminGet(publisher, "/x/admin/reports")).status).toBe(403);
    expect((await adminGet(undefined, "/x/admin/reports")).status).toBe(401);
    expect((await adminGet("not-a-token", "/x/admin/reports")).status).toBe(401);
  });

  it("dismiss closes every open report of the server and changes no version", async () => {
    const res = await resolve(admin, first.body.id, { action: "dismiss", message: "Links are documentation." });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: first.body.id, status: "resolved", action: "dismiss", changedVersions: [] });
    expect(res.body.resolvedReports).toHaveLength(2);
    expect((await versionsOf(`${NS}/spammy`)).every((v: any) => v.status === "active")).toBe(true);
    const resolved = await adminGet(
      admin,
      `/x/admin/reports?status=resolved&name=${encodeURIComponent(`${NS}/spammy`)}`,
    );
    expect(resolved.body.reports[0].resolution).toMatchObject({
      action: "dismiss",
      message: "Links are documentation.",
    });
  });

  it("refuses resolving a resolved report (409) and an unknown one (404)", async () => {
    expect((await resolve(admin, first.body.id, { action: "delete", message: "again" })).status).toBe(409);
    expect(
      (await resolve(admin, "00000000-0000-4000-8000-000000000000", { action: "dismiss", message: "x" })).status,
    ).toBe(404);
    expect((await versionsOf(`${NS}/spammy`)).every((v: any) => v.status === "active")).toBe(true);
  });

  it("refuses unknown actions and a missing message (422)", async () => {
    const open = await report({ name: `${NS}/fine`, reason: "other" }, { ip: "198.18.0.9" });
    expect((await resolve(admin, open.body.id, { action: "ban", message: "x" })).status).toBe(422);
    expect((await resolve(admin, open.body.id, { action: "dismiss" })).status).toBe(422);
    expect((await resolve(admin, open.body.id, { action: "dismiss", message: "m".repeat(501) })).status).toBe(422);
  });

  it("deprecate sets every version deprecated with the message as statusMessage", async () => {
    const open = await report({ name: `${NS}/broken`, reason: "broken" }, { ip: "198.18.0.4" });
    const res = await resolve(scoped, open.body.id, { action: "deprecate", message: "Upstream API shut down." });
    expect(res.status).toBe(200);
    expect(await versionsOf(`${NS}/broken`)).toEqual([
      { version: "1.1.0", status: "deprecated", statusMessage: "Upstream API shut down." },
      { version: "1.0.0", status: "deprecated", statusMessage: "Upstream API shut down." },
    ]);
  });

  it("a maintainer outside the server's scope is refused (403), audited, and changes nothing", async () => {
    const res = await resolve(scoped, elsewhere.body.id, { action: "delete", message: "not mine" });
    expect(res.status).toBe(403);
    expect((await auditOf(OTHER)).at(-1)).toMatchObject({
      action: "resolve",
      outcome: "denied",
      actorSubject: "ns-moderator",
    });
    expect((await versionsOf(`${OTHER}/tool`))[0].status).toBe("active");
    const open = await adminGet(admin, `/x/admin/reports?name=${encodeURIComponent(`${OTHER}/tool`)}`);
    expect(open.body.reports[0].status).toBe("open");
  });

  it("delete and denylist remove every version; denylist also blocks republishing", async () => {
    const del = await report({ name: `${NS}/fine`, reason: "inappropriate" }, { ip: "198.18.0.5" });
    expect(
      (await resolve(admin, del.body.id, { action: "delete", message: "Removed: inappropriate content." })).status,
    ).toBe(200);
    expect((await versionsOf(`${NS}/fine`)).map((v: any) => v.status)).toEqual(["deleted", "deleted"]);
    expect((await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/fine`)}/versions`)).status).toBe(404);

    const mal = await report({ name: `${NS}/evil`, reason: "malicious" }, { ip: "198.18.0.6" });
    expect(
      (await resolve(admin, mal.body.id, { action: "denylist", message: "Exfiltrates credentials." })).status,
    ).toBe(200);
    expect((await versionsOf(`${NS}/evil`)).map((v: any) => v.status)).toEqual(["deleted", "deleted"]);
    const republish = await publish(publisher, serverJson(`${NS}/evil`, "2.0.0"));
    expect(republish.status).toBe(403);
    expect(republish.body.detail).toContain("Exfiltrates credentials.");
    const entry = await env.DB.prepare("SELECT kind, value, reason FROM denylist WHERE value = ?")
      .bind(`${NS}/evil`)
      .first();
    expect(entry).toEqual({ kind: "server", value: `${NS}/evil`, reason: "Exfiltrates credentials." });
  });
});
