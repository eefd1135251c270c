// Abuse limits of the maintainers' writes (POST/DELETE /x/admin/denylist, POST
// /x/admin/reports/{id}/resolve), with RATE_LIMIT_ADMIN as wrangler.toml deploys it: per client
// address before the body is read, and per token subject after authentication. Refused writes
// change nothing.
import { describe, expect, it } from "vitest";
import { adminGet, auditOf, maintainerToken } from "../helpers/moderation.ts";
import { apiJson } from "../helpers/registry.ts";
import { editAll, tokenFor } from "../helpers/publishing.ts";
import { MODERATION_STREAM } from "../../worker/src/domain/denylist.ts";
import { configured, expectLimited, fromAddress, roomInWindow } from "./helpers.ts";

const { limit, period } = configured("RATE_LIMIT_ADMIN");

function send(method: string, path: string, ip: string, token: string | undefined, body: unknown) {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return apiJson(path, {
    method,
    headers: fromAddress(ip, { "content-type": "application/json", ...auth }),
    body: JSON.stringify(body),
  });
}

const entry = (value: string) => ({ kind: "server", value, reason: "abuse" });

async function denylisted(admin: string, value: string) {
  const list = await adminGet(admin, "/x/admin/denylist");
  return list.body.entries.some((e: any) => e.value === value);
}

describe("maintainer write limits", async () => {
  const admin = await maintainerToken();

  it("per address: the next write is 429 before its body is read; nothing stored", async () => {
    await roomInWindow(period, 10_000);
    const ip = "198.18.40.1";
    for (let i = 0; i < limit; i++) {
      // An empty body is refused (422) after the address check, and counts.
      expect((await send("POST", "/x/admin/denylist", ip, admin, {})).status).toBe(422);
    }
    const rows = (await auditOf(MODERATION_STREAM)).length;
    expectLimited(await send("POST", "/x/admin/denylist", ip, admin, entry("com.limited/by-address")), period);
    expectLimited(await send("DELETE", "/x/admin/denylist", ip, admin, { kind: "server", value: "com.x/y" }), period);
    expectLimited(await send("POST", "/x/admin/reports/nope/resolve", ip, admin, {}), period);
    expect(await denylisted(admin, "com.limited/by-address")).toBe(false);
    expect(await auditOf(MODERATION_STREAM)).toHaveLength(rows);
    expect((await send("POST", "/x/admin/denylist", "198.18.40.2", admin, entry("com.ok/by-address"))).status).toBe(
      201,
    );
  });

  it("per subject: a maintainer is limited across addresses; other maintainers are not", async () => {
    await roomInWindow(period, 10_000);
    const busy = await tokenFor(editAll("*"), "oidc", "busy-moderator@example.test");
    const resolveBody = { action: "dismiss", message: "no such report" };
    for (let i = 0; i < limit; i++) {
      // Authenticated, then 404: counted for the subject.
      const ip = `198.18.${41 + Math.floor(i / 200)}.${(i % 200) + 1}`;
      expect((await send("POST", `/x/admin/reports/missing-${i}/resolve`, ip, busy, resolveBody)).status).toBe(404);
    }
    const fresh = "198.18.50.1";
    const rows = (await auditOf(MODERATION_STREAM)).length;
    expectLimited(await send("POST", "/x/admin/denylist", fresh, busy, entry("com.limited/by-subject")), period);
    expectLimited(await send("POST", "/x/admin/reports/missing/resolve", fresh, busy, resolveBody), period);
    expect(await denylisted(admin, "com.limited/by-subject")).toBe(false);
    expect(await auditOf(MODERATION_STREAM)).toHaveLength(rows);
    expect((await send("POST", "/x/admin/denylist", fresh, admin, entry("com.ok/by-subject"))).status).toBe(201);
  });
});
