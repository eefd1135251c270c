// What a personal token may do with its person's tokens when it is the credential: list and
// revoke itself only. A leaked PAT must not reveal nor revoke its person's other tokens; a
// sign-in (a registry token or the organisation's access token) manages all of them.
import { describe, expect, it } from "vitest";
import {
  githubToken,
  groupWithMembers,
  listTokens,
  personalToken,
  revokeToken,
  uniqueGroupName,
} from "./helpers/groups.ts";
import { api } from "./helpers/registry.ts";

const access = (group: string, role: string) => [{ group, role }];
const health = (group: string, token: string) =>
  api(`/groups/${group}/v0/health`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const ids = (body: { tokens: { id: string }[] }) => body.tokens.map((t) => t.id);

describe("a personal token as the credential", () => {
  it("lists itself only", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:scoped-lister": "viewer" });
    const first = await personalToken("scoped-lister", access(name, "viewer"));
    const second = await personalToken("scoped-lister", access(name, "viewer"));
    const listed = await listTokens(first.token);
    expect(listed.status).toBe(200);
    expect(ids(listed.body)).toEqual([first.id]);
    expect(listed.body.metadata).toEqual({ count: 1 });
    expect(ids((await listTokens(second.token)).body)).toEqual([second.id]);
    // The sign-in lists every one of them.
    expect(ids((await listTokens(await githubToken("scoped-lister"))).body)).toEqual([second.id, first.id]);
  });

  it("revokes itself only: its person's other tokens answer 404, as unknown ones", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:scoped-revoker": "viewer" });
    const leaked = await personalToken("scoped-revoker", access(name, "viewer"));
    const other = await personalToken("scoped-revoker", access(name, "viewer"));
    const refused = await revokeToken(other.id, leaked.token);
    const unknown = await revokeToken("tok_0000000000000000", leaked.token);
    expect([refused.status, refused.body]).toEqual([404, unknown.body]);
    expect(await health(name, other.token)).toBe(200);
    expect((await revokeToken(leaked.id, leaked.token)).status).toBe(200);
    expect(await health(name, leaked.token)).toBe(401);
    // The sign-in revokes any of its person's tokens.
    expect((await revokeToken(other.id, await githubToken("scoped-revoker"))).status).toBe(200);
    expect(await health(name, other.token)).toBe(401);
  });
});
