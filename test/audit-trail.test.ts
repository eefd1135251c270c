// The audit trail: every write, decision, refused attempt that reached authentication and
// token exchange has a row (actor, action, target, outcome, request id) with gapless
// per-stream sequence numbers; GET /x/admin/audit serves it to global maintainers only; nothing
// alters or removes a row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminGet, auditOf, maintainerToken, report, resolve } from "./helpers/moderation.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";
import { editAll, patchStatus, publish, publishAll, putVersion, tokenFor } from "./helpers/publishing.ts";

const NS = "com.audit-trail";
const NAME = `${NS}/tool`;

describe("the audit trail", async () => {
  const publisher = await tokenFor(publishAll(`${NS}/*`), "github-at", "carol");
  const stranger = await tokenFor(publishAll("com.elsewhere/*"), "github-at", "mallory");
  const admin = await maintainerToken();

  const ok = await publish(publisher, serverJson(NAME, "1.0.0"));
  const denied = await publish(stranger, serverJson(NAME, "1.1.0"));
  const failed = await publish(
    publisher,
    serverJson(NAME, "1.2.0", {
      _meta: { "io.modelcontextprotocol.registry/publisher-provided": { blob: "x".repeat(5000) } },
    }),
  );
  const duplicate = await publish(publisher, serverJson(NAME, "1.0.0"));
  const unauthenticated = await publish("forged.token.value", serverJson(NAME, "1.3.0"));
  await patchStatus(publisher, NAME, "1.0.0", { status: "deprecated", statusMessage: "use 2.x" });
  await putVersion(admin, NAME, "1.0.0", serverJson(NAME, "1.0.0", { description: "edited by an admin" }));
  const filed = await report({ name: NAME, reason: "spam" }, { ip: "192.0.2.200" });
  await resolve(admin, filed.body.id, { action: "dismiss", message: "fine" });

  it("records each write and refusal in order, with gapless sequence numbers", async () => {
    expect([ok.status, denied.status, failed.status, duplicate.status, unauthenticated.status]).toEqual([
      200, 403, 400, 400, 401,
    ]);
    const rows = await auditOf(NS);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.every((r, i) => i === 0 || r.at > rows[i - 1]!.at)).toBe(true);
    expect(rows.map((r) => [r.action, r.version, r.outcome, r.actorSubject])).toEqual([
      ["publish", "1.0.0", "ok", "carol"],
      ["publish", "1.1.0", "denied", "mallory"],
      ["publish", "1.2.0", "failed", "carol"],
      ["publish", "1.0.0", "failed", "carol"],
      ["status", "1.0.0", "ok", "carol"],
      ["edit", "1.0.0", "ok", "moderator@example.test"],
      ["report", null, "ok", expect.stringMatching(/^[0-9a-f]{32}$/)],
      ["resolve", null, "ok", "moderator@example.test"],
    ]);
    expect(rows[1]!.reason).toContain("You do not have permission to publish this server");
    expect(rows[2]!.reason).toContain("exceeds 4KB limit");
    expect(rows[3]!.reason).toContain("duplicate version");
    expect(rows[4]!.detail).toMatchObject({ status: "deprecated", statusMessage: "use 2.x", versions: ["1.0.0"] });
    expect(rows[0]!.requestId).toBe(ok.response.headers.get("x-request-id"));
    expect(rows[1]!.requestId).toBe(denied.response.headers.get("x-request-id"));
  });

  it("records token exchanges, successful and refused, without the secret", async () => {
    const before = (await auditOf("~auth")).length;
    const granted = await apiJson("/v0.1/auth/none", { method: "POST" });
    expect(granted.status).toBe(200);
    const stale = new Date(Date.now() - 3_600_000).toISOString();
    const refused = await apiJson("/v0.1/auth/dns", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ domain: "example.com", timestamp: stale, signed_timestamp: "c2VjcmV0LXNpZ25hdHVyZQ" }),
    });
    expect(refused.status).toBe(401);
    const rows = (await auditOf("~auth")).slice(before);
    expect(rows.map((r) => [r.action, r.actorMethod, r.actorSubject, r.outcome])).toEqual([
      ["token-exchange", "none", "anonymous", "ok"],
      ["token-exchange", "dns", "example.com", "denied"],
    ]);
    expect(rows[0]!.detail!.permissions).toContainEqual({
      action: "publish",
      resource: "io.modelcontextprotocol.anonymous/*",
    });
    expect(JSON.stringify(rows)).not.toContain("c2VjcmV0LXNpZ25hdHVyZQ");
    expect(JSON.stringify(rows)).not.toContain(granted.body.registry_token);
  });

  it("serves the trail to global maintainers, filtered and paged", async () => {
    const all = await adminGet(admin, `/x/admin/audit?namespace=${NS}`);
    expect(all.status).toBe(200);
    expect(all.body.entries).toHaveLength(8);
    expect(all.body.entries[0]).toMatchObject({
      namespace: NS,
      seq: 1,
      actor: { method: "github-at", subject: "carol" },
      action: "publish",
      target: { name: NAME, version: "1.0.0" },
      outcome: "ok",
      requestId: ok.response.headers.get("x-request-id"),
    });
    const denials = await adminGet(admin, `/x/admin/audit?namespace=${NS}&actor=mallory&action=publish`);
    expect(denials.body.entries.map((e: any) => e.outcome)).toEqual(["denied"]);
    const page1 = await adminGet(admin, `/x/admin/audit?namespace=${NS}&limit=3`);
    const page2 = await adminGet(
      admin,
      `/x/admin/audit?namespace=${NS}&limit=3&cursor=${page1.body.metadata.nextCursor}`,
    );
    expect(page2.body.entries.map((e: any) => e.seq)).toEqual([4, 5, 6]);
    const future = await adminGet(admin, `/x/admin/audit?namespace=${NS}&since=2999-01-01T00:00:00Z`);
    expect(future.body.entries).toEqual([]);
    expect((await adminGet(admin, "/x/admin/audit?since=yesterday")).status).toBe(422);
  });

  it("refuses everyone but global maintainers", async () => {
    expect((await adminGet(await tokenFor(editAll(`${NS}/*`)), "/x/admin/audit")).status).toBe(403);
    expect((await adminGet(publisher, "/x/admin/audit")).status).toBe(403);
    expect((await adminGet(undefined, "/x/admin/audit")).status).toBe(401);
  });

  it("offers no way to alter or remove an entry", async () => {
    for (const method of ["DELETE", "PUT", "PATCH", "POST"]) {
      const res = await api("/x/admin/audit", { method, headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
    }
    await expect(
      env.DB.prepare("UPDATE audit_log SET outcome = 'ok' WHERE namespace = ?").bind(NS).run(),
    ).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE namespace = ?").bind(NS).run()).rejects.toThrow(
      /append-only/,
    );
    expect(await auditOf(NS)).toHaveLength(8);
  });
});
