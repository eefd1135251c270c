// A scoped maintainer manages only entries whose whole reach it may edit: a namespace entry
// also covers every namespace below it (now and in the future), and entries compare names in
// lower case, so they may cover other spellings held by someone else. Refusals are 403 and
// audited in the moderation stream; nothing outside the scope is swept, blocked or unblocked.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweepDenylist } from "../worker/src/cron/sweep-denylist.ts";
import { MODERATION_STREAM } from "../worker/src/domain/denylist.ts";
import {
  adminGet,
  auditOf,
  denylistAdd,
  denylistRemove,
  maintainerToken,
  report,
  resolve,
} from "./helpers/moderation.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor, type Grant } from "./helpers/publishing.ts";

const admin = await maintainerToken();
const publisher = await tokenFor(publishAll("*"));
const visible = async (name: string) =>
  (await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/1.0.0`)).status === 200;
const edit = (...resources: string[]): Grant[] => resources.flatMap(editAll);

async function lastModerationRow() {
  return (await auditOf(MODERATION_STREAM)).at(-1);
}

describe("scoped maintainers and the reach of their denylist entries", () => {
  it("may not denylist a namespace whose sub-namespaces it cannot edit (the reported case)", async () => {
    const scoped = await tokenFor(edit("com.ps/*"), "oidc", "ps-maintainer");
    expect((await publish(publisher, serverJson("com.ps.other/victim", "1.0.0"))).status).toBe(200);
    // The maintainer cannot change the server directly ...
    expect((await patchStatus(scoped, "com.ps.other/victim", "1.0.0", { status: "deleted" })).status).toBe(403);
    // ... nor through a namespace entry that covers it.
    const added = await denylistAdd(scoped, { kind: "namespace", value: "com.ps", reason: "r" });
    expect(added.status).toBe(403);
    expect(await visible("com.ps.other/victim")).toBe(true);
    expect(await lastModerationRow()).toMatchObject({
      action: "denylist-add",
      name: "com.ps",
      outcome: "denied",
      actorSubject: "ps-maintainer",
    });
    // Nor remove one a global maintainer added, and it does not list it as its own.
    expect((await denylistAdd(admin, { kind: "namespace", value: "com.ps", reason: "Global" })).status).toBe(201);
    expect((await denylistRemove(scoped, { kind: "namespace", value: "com.ps" })).status).toBe(403);
    expect(await lastModerationRow()).toMatchObject({ action: "denylist-remove", outcome: "denied" });
    const listed = await adminGet(scoped, "/x/admin/denylist");
    expect(listed.body.entries.map((e: any) => e.value)).not.toContain("com.ps");
  });

  it("may denylist a namespace when its patterns cover the namespace and every one below", async () => {
    for (const grants of [edit("com.pw/*", "com.pw.*"), edit("com.pv*"), edit("*")]) {
      const ns = grants[0]!.resource === "*" ? "com.px" : grants[0]!.resource.replace(/[/*].*$/, "");
      const token = await tokenFor(grants, "oidc", `owner-of-${ns}`);
      expect((await publish(publisher, serverJson(`${ns}.sub/tool`, "1.0.0"))).status).toBe(200);
      const added = await denylistAdd(token, { kind: "namespace", value: ns, reason: "r" });
      expect(added.status, ns).toBe(201);
      expect(Object.keys(added.body.deleted)).toEqual([`${ns}.sub/tool`]);
      expect((await denylistRemove(token, { kind: "namespace", value: ns })).status).toBe(200);
    }
  });

  it("may not add or remove an entry that covers another spelling of a name it cannot edit", async () => {
    const otherCase = await tokenFor(publishAll("COM.PC/*").concat(publishAll("Com.Pn.Sub/*")));
    expect((await publish(otherCase, serverJson("COM.PC/tool", "1.0.0"))).status).toBe(200);
    expect((await publish(otherCase, serverJson("Com.Pn.Sub/tool", "1.0.0"))).status).toBe(200);
    const scoped = await tokenFor(edit("com.pc/*", "com.pn/*", "com.pn.*"), "oidc", "pc-maintainer");

    expect((await denylistAdd(scoped, { kind: "server", value: "com.pc/tool", reason: "r" })).status).toBe(403);
    expect(await visible("COM.PC/tool")).toBe(true);
    expect((await denylistAdd(scoped, { kind: "namespace", value: "com.pn", reason: "r" })).status).toBe(403);
    expect(await visible("Com.Pn.Sub/tool")).toBe(true);

    expect((await denylistAdd(admin, { kind: "server", value: "com.pc/tool", reason: "Global" })).status).toBe(201);
    expect((await denylistRemove(scoped, { kind: "server", value: "com.pc/tool" })).status).toBe(403);
    // A name inside the scope with no other spelling stays manageable.
    expect((await denylistAdd(scoped, { kind: "server", value: "com.pc/mine", reason: "r" })).status).toBe(201);
    expect((await denylistRemove(scoped, { kind: "server", value: "com.pc/mine" })).status).toBe(200);
  });

  it("never sweeps or blocks a name outside the scope of the maintainer who added the entry", async () => {
    // Entries record the adder's edit scope: a name that appeared after the check (a racing
    // publish under another spelling) is neither swept nor refused on its account.
    const scoped = await tokenFor(edit("com.pr/*", "com.pr.*"), "oidc", "pr-maintainer");
    const added = await denylistAdd(scoped, { kind: "namespace", value: "com.pr", reason: "Scoped" });
    expect(added.status).toBe(201);
    expect(added.body.scope).toEqual(["com.pr/*", "com.pr.*"]);
    expect((await publish(publisher, serverJson("com.pr.sub/tool", "1.0.0"))).status).toBe(403);
    expect((await publish(publisher, serverJson("COM.PR/tool", "1.0.0"))).status).toBe(200);
    const globalListing = await adminGet(admin, "/x/admin/denylist");
    expect(globalListing.body.entries.find((e: any) => e.value === "com.pr")).toMatchObject({
      scope: ["com.pr/*", "com.pr.*"],
    });
  });

  it("keeps a scoped resolver's denylist entry inside its scope, in the cron sweep too", async () => {
    expect((await publish(publisher, serverJson("com.rs/tool", "1.0.0"))).status).toBe(200);
    expect((await publish(publisher, serverJson("COM.RS/tool", "1.0.0"))).status).toBe(200);
    const scoped = await tokenFor(edit("com.rs/*"), "oidc", "rs-maintainer");
    const filed = await report({ name: "com.rs/tool", reason: "spam" }, { ip: "198.51.100.77" });
    expect(filed.status).toBe(201);
    const resolved = await resolve(scoped, filed.body.id, { action: "denylist", message: "Spam" });
    expect(resolved.status).toBe(200);
    const listed = await adminGet(admin, "/x/admin/denylist");
    expect(listed.body.entries.find((e: any) => e.value === "com.rs/tool")).toMatchObject({
      kind: "server",
      scope: ["com.rs/*"],
    });
    await sweepDenylist(env);
    expect(await visible("com.rs/tool")).toBe(false);
    expect(await visible("COM.RS/tool")).toBe(true);
  });
});
