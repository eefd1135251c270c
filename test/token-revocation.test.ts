// Revoking tokens and removing members take effect at once in the isolate that made the change
// (the next request is refused), whoever may revoke: a personal token's person, a manager of a
// service token's group, an administrator; anyone else gets 404. A service token outlives its
// creator's membership.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import {
  createToken,
  getGroup,
  githubToken,
  groupAudit,
  groupWithMembers,
  orgAdminToken,
  personalToken,
  removeMember,
  revokeToken,
  uniqueGroupName,
} from "./helpers/groups.ts";
import { api } from "./helpers/registry.ts";

const access = (group: string, role: string) => [{ group, role }];
const health = (group: string, token: string) =>
  api(`/groups/${group}/v0/health`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe("revocation", () => {
  it("stops a personal token on the very next request", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:revoker": "viewer" });
    const pat = await personalToken("revoker", access(name, "viewer"));
    expect(await health(name, pat.token)).toBe(200);
    const revoked = await revokeToken(pat.id, await githubToken("revoker"));
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toMatch(/^\d{4}-/);
    expect(await health(name, pat.token)).toBe(401);
    expect((await getGroup(name, pat.token)).status).toBe(401);
    // Revoking again changes nothing: the same answer, no new audit row.
    const rows = (await listStream(env.DB, "~tokens")).length;
    const again = await revokeToken(pat.id, await githubToken("revoker"));
    expect([again.status, again.body.revokedAt]).toEqual([200, revoked.body.revokedAt]);
    expect((await listStream(env.DB, "~tokens")).length).toBe(rows);
    const audit = (await listStream(env.DB, "~tokens")).filter((r) => r.name === pat.id).map((r) => r.action);
    expect(audit).toEqual(["token-create", "token-revoke"]);
  });

  it("lets a personal token revoke itself", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:self": "viewer" });
    const pat = await personalToken("self", access(name, "viewer"));
    expect((await revokeToken(pat.id, pat.token)).status).toBe(200);
    expect(await health(name, pat.token)).toBe(401);
  });

  it("answers 404 to anyone who may not revoke, exactly as for an unknown token", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:owner": "manager", "github:peer": "manager" });
    const pat = await personalToken("owner", access(name, "viewer"));
    const vat = await createToken(
      { name: "svc", kind: "service", group: name, access: access(name, "viewer") },
      await githubToken("owner"),
    );
    const other = uniqueGroupName();
    await groupWithMembers(other, { "github:foreign": "manager" });
    const unknown = await revokeToken("tok_0000000000000000", await githubToken("peer"));
    expect(unknown.status).toBe(404);
    // Another manager of the group may not revoke someone's personal token…
    expect(await revokeToken(pat.id, await githubToken("peer"))).toEqual({ ...unknown, response: expect.anything() });
    // …and a manager of another group may not revoke this group's service token.
    expect((await revokeToken(vat.body.id, await githubToken("foreign"))).status).toBe(404);
    expect((await revokeToken("not-an-id", await githubToken("peer"))).status).toBe(404);
    expect(await health(name, pat.token)).toBe(200);
    expect(await health(name, vat.body.token)).toBe(200);
    // A manager of the group revokes its service token; an administrator any token.
    expect((await revokeToken(vat.body.id, await githubToken("peer"))).status).toBe(200);
    expect(await health(name, vat.body.token)).toBe(401);
    expect((await revokeToken(pat.id, await orgAdminToken())).status).toBe(200);
    expect(await health(name, pat.token)).toBe(401);
    const revoked = (await groupAudit(name)).filter((r) => r.action === "token-revoke");
    expect(revoked.map((r) => [r.name, r.actorSubject])).toEqual([[vat.body.id, "peer"]]);
  });
});

describe("member removal", () => {
  it("stops the member's personal tokens at once, not the service tokens they created", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:departing": "manager" });
    const departing = await githubToken("departing");
    const pat = await personalToken("departing", access(name, "viewer"));
    const vat = await createToken(
      { name: "deploy-bot", kind: "service", group: name, access: access(name, "viewer") },
      departing,
    );
    expect(vat.status).toBe(201);
    expect(await health(name, pat.token)).toBe(200);
    expect((await removeMember(name, "github:departing", await orgAdminToken())).status).toBe(200);
    expect(await health(name, pat.token)).toBe(404);
    expect((await getGroup(name, departing)).status).toBe(404);
    // The service token belongs to the group, not to the person who made it.
    expect(await health(name, vat.body.token)).toBe(200);
    expect((await getGroup(name, vat.body.token)).body.access).toBe("viewer");
  });
});
