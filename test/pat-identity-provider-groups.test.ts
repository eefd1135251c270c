// A personal token never delegates a role its person holds only through an identity-provider
// group claim: such a claim is true as of one sign-in and cannot be re-checked when the token is
// used, so the person would keep the role after leaving the IdP group.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueRegistryToken } from "../worker/src/auth/registry-token.ts";
import { createToken, groupWithMembers, readsGroup, uniqueGroupName } from "./helpers/groups.ts";

/** A registry token from /auth/oidc for `sub`, carrying an SSO group claim. */
async function ssoToken(sub: string, idpGroup: string): Promise<string> {
  const { registry_token } = await issueRegistryToken(env, "oidc", sub, [], undefined, [
    `${sub}@example.test`,
    `idp:${idpGroup}`,
  ]);
  return registry_token;
}

describe("personal tokens and identity-provider groups", () => {
  it("refuses a PAT for a role held only through an idp: group (403), while the sign-in itself reads", async () => {
    const group = uniqueGroupName();
    await groupWithMembers(group, { "idp:eng": "viewer" });
    const signIn = await ssoToken("carol", "eng");
    expect(await readsGroup(group, signIn)).toBe(200);
    const { status, body } = await createToken(
      { name: "laptop", kind: "personal", access: [{ group, role: "viewer" }] },
      signIn,
    );
    expect(status).toBe(403);
    expect(body.detail).toMatch(/role|viewer/i);
  });

  it("mints a PAT for a role held by the person's own e-mail, and stores no idp: identity", async () => {
    const group = uniqueGroupName();
    await groupWithMembers(group, { "dave@example.test": "viewer" });
    const { status, body } = await createToken(
      { name: "laptop", kind: "personal", access: [{ group, role: "viewer" }] },
      await ssoToken("dave", "eng"),
    );
    expect(status).toBe(201);
    const row = await env.DB.prepare("SELECT identities FROM api_tokens WHERE id = ?")
      .bind(body.id)
      .first<{ identities: string }>();
    expect(JSON.parse(row!.identities)).toEqual(["oidc:dave", "dave@example.test"]);
    expect(await readsGroup(group, body.token)).toBe(200);
  });
});
