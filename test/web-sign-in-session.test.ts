// Signing in on the maintainers' pages: a pasted token becomes an HttpOnly, SameSite=Strict
// session cookie only once the API accepted it; it is never echoed in a page or a Location;
// signing out clears it; form posts from other sites are refused before anything happens.
import { describe, expect, it } from "vitest";
import { groupWithMembers, orgAdminToken, personalToken, revokeToken } from "./helpers/groups.ts";
import { adminGet } from "./helpers/moderation.ts";
import { crossSitePost, locationOf, sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import {
  expectNothingExecutable,
  expectSecurityHeaders,
  fetchPage,
  getPage,
  queryAll,
  queryOne,
  withSession,
} from "./helpers/web.ts";

const SECTIONS = ["reports", "denylist", "audit", "groups", "sources", "webhooks"];

describe("the sign-in page", () => {
  it("explains tokens and shows the form of the page contract when signed out", async () => {
    const { html, headers } = await getPage("/maintain");
    expectSecurityHeaders(headers);
    expectNothingExecutable(html);
    expect(headers.get("cache-control")).toBe("private, no-store");
    const form = await queryOne(html, "form#sign-in");
    expect(form.attrs).toMatchObject({ method: "post", action: "/sign-in" });
    expect((await queryOne(html, "form#sign-in input[name=token]")).attrs.type).toBe("password");
    expect((await queryOne(html, 'label[for="token"]')).text).toBe("Token");
    expect((await queryOne(html, "form#sign-in button")).text).toBe("Sign in");
    expect(html).toContain("npm run -s admin-token");
    expect(html).toContain("mcpr_pat_");
    expect(await queryAll(html, "form#sign-out")).toHaveLength(0);
  });

  it("is the same under any group name, existing or not", async () => {
    const { html } = await getPage("/groups/no-such-group/maintain");
    expect((await queryOne(html, "form#sign-in")).attrs.action).toBe("/groups/no-such-group/sign-in");
  });

  it("answers a section asked for without a session with the sign-in form (401)", async () => {
    for (const section of SECTIONS) {
      const { html } = await getPage(`/maintain/${section}`, 401);
      await queryOne(html, "form#sign-in");
    }
  });
});

describe("signing in", () => {
  it("sets the session cookie for a registry token and redirects to the dashboard", async () => {
    const token = await orgAdminToken();
    const page = await sessionPost("/sign-in", undefined, { token: ` ${token}\n` });
    expect(page.status).toBe(303);
    const location = page.headers.get("location")!;
    expect(location).toBe("/maintain?done=signed-in");
    const cookie = page.headers.get("set-cookie")!;
    expect(cookie).toBe(`registry_session=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    expect(page.html).not.toContain(token);

    const dashboard = await sessionPage(location, token);
    expect(dashboard.html).not.toContain(token);
    expect(dashboard.html).toContain("You are signed in");
    const signOut = await queryOne(dashboard.html, "form#sign-out");
    expect(signOut.attrs).toMatchObject({ method: "post", action: "/sign-out" });
    expect((await queryOne(dashboard.html, "form#sign-out button")).text).toBe("Sign out");
    const links = (await queryAll(dashboard.html, "a")).map((a) => a.attrs.href);
    for (const section of SECTIONS) expect(links).toContain(`/maintain/${section}`);
    expectNothingExecutable(dashboard.html);
  });

  it("accepts a personal access token", async () => {
    const pat = await createPat("sign-in-pat");
    const page = await sessionPost("/sign-in", undefined, { token: pat });
    expect(page.status).toBe(303);
    expect(page.headers.get("set-cookie")).toContain("HttpOnly");
  });

  it("refuses a bad, forged or revoked token with the form again (401), setting nothing", async () => {
    const admin = await orgAdminToken();
    const forged = `${admin.slice(0, -2)}${admin.endsWith("AA") ? "BB" : "AA"}`;
    const pat = await createPat("revoked-person");
    const { body } = await adminGet(pat, "/x/tokens");
    await revokeToken(body.tokens[0].id, pat);
    for (const token of ["not-a-token", forged, pat, "mcpr_pat_0000000000000000000000000000000000000000000"]) {
      const page = await sessionPost("/sign-in", undefined, { token });
      expect(page.status, token).toBe(401);
      expect(page.headers.get("set-cookie")).toBeNull();
      expect(page.html).not.toContain(token);
      await queryOne(page.html, "form#sign-in");
      expect(page.html).toContain('class="notice error"');
    }
    const empty = await sessionPost("/sign-in", undefined, { token: "  " });
    expect(empty.status).toBe(400);
  });

  it("refuses a sign-in posted from another site (403), setting nothing", async () => {
    const token = await orgAdminToken();
    const page = await crossSitePost("/sign-in", token, { token });
    expect(page.status).toBe(403);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(page.html).not.toContain(token);
  });

  it("shows the sign-in form again when the session's token stopped being accepted", async () => {
    const pat = await createPat("expiring-person");
    const { body } = await adminGet(pat, "/x/tokens");
    await revokeToken(body.tokens[0].id, pat);
    const page = await sessionPage("/maintain", pat, 401);
    await queryOne(page.html, "form#sign-in");
    expect(page.html).toContain("no longer accepts");
    expect(page.html).not.toContain(pat);
  });
});

describe("signing out", () => {
  it("clears the cookie and redirects to the sign-in page", async () => {
    const token = await orgAdminToken();
    const page = await sessionPost("/sign-out", token, {});
    expect(page.status).toBe(303);
    expect(locationOf(page).pathname).toBe("/maintain");
    expect(page.headers.get("set-cookie")).toBe("registry_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
    expect(page.headers.get("location")).not.toContain(token);
  });

  it("is refused from another site", async () => {
    const page = await crossSitePost("/sign-out", await orgAdminToken(), {});
    expect(page.status).toBe(403);
    expect(page.headers.get("set-cookie")).toBeNull();
  });
});

describe("the sign-in and sign-out addresses, opened rather than posted", () => {
  it("lead to the maintainers' page and change nothing", async () => {
    const token = await orgAdminToken();
    for (const base of ["", "/groups/no-such-group"]) {
      for (const action of ["sign-in", "sign-out"]) {
        const page = await fetchPage(`${base}/${action}`, withSession(token));
        expect(page.status, `${base}/${action}`).toBe(303);
        expect(page.headers.get("location")).toBe(`${base}/maintain`);
        expect(page.headers.get("set-cookie")).toBeNull();
      }
    }
  });
});

/** A personal access token of github:<login> (with viewer access to a group of its own). */
async function createPat(login: string): Promise<string> {
  const group = `pat-${login}`;
  await groupWithMembers(group, { [`github:${login}`]: "viewer" });
  return (await personalToken(login, [{ group, role: "viewer" }])).token;
}
