// A group's maintainer pages: its managers run members, approvals and service tokens through the
// forms (a new token's secret shown once, in the answer to the post, never cached); its viewers
// see the group without the managers' data; outsiders get 404 for every page and post of a
// private group, exactly as for a group that does not exist.
import { beforeAll, describe, expect, it } from "vitest";
import { githubToken, groupWithMembers, listMembers, listTokens, orgAdminToken, patchGroup } from "./helpers/groups.ts";
import { publish } from "./helpers/publishing.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";
import { crossSitePost, locationOf, sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { expectNothingExecutable, fetchPage, queryAll, queryOne, withSession } from "./helpers/web.ts";

const GROUP = "web-acme";
const NS = "com.web-acme.internal";

describe("a group's maintainer pages", () => {
  let admin: string;
  let carol: string;
  let dave: string;
  let eve: string;
  beforeAll(async () => {
    admin = await orgAdminToken();
    await groupWithMembers(
      GROUP,
      { "github:carol": "manager", "github:dave": "viewer", "github:alice": "publisher" },
      { namespaces: [NS], title: `ACME <script>x</script>` },
    );
    carol = await githubToken("carol");
    dave = await githubToken("dave");
    eve = await githubToken("eve");
  });

  it("lists the caller's groups and creates one through the form (administrators)", async () => {
    const { html } = await sessionPage("/maintain/groups", admin);
    expectNothingExecutable(html);
    const links = (await queryAll(html, "table#groups a")).map((a) => a.attrs.href);
    expect(links).toContain(`/maintain/groups/${GROUP}`);
    const created = await sessionPost("/maintain/groups", admin, {
      name: "web-created",
      title: "Made on the page",
      visibility: "public",
      namespaces: "com.web-created\n",
      include: "io.github.acme/*, dev.weatherly/*",
      requireApproval: "on",
    });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/maintain/groups/web-created?done=created");
    const { body } = await apiJson("/x/admin/groups/web-created", { headers: { authorization: `Bearer ${admin}` } });
    expect(body).toMatchObject({
      visibility: "public",
      namespaces: ["com.web-created"],
      include: ["io.github.acme/*", "dev.weatherly/*"],
      requireApproval: true,
    });
  });

  it("shows a manager the group's dashboard under its own prefix", async () => {
    const { html } = await sessionPage(`/groups/${GROUP}/maintain`, carol);
    expectNothingExecutable(html);
    expect(html).not.toContain("<script>x</script>");
    const links = (await queryAll(html, "main a")).map((a) => a.attrs.href);
    expect(links).toContain(`/groups/${GROUP}/maintain/groups/${GROUP}`);
    expect(links).toContain("/maintain/reports");
    expect((await queryOne(html, "form#sign-out")).attrs.action).toBe(`/groups/${GROUP}/sign-out`);
  });

  it("lets a manager add, list and remove members through the forms", async () => {
    const page = `/groups/${GROUP}/maintain/groups/${GROUP}`;
    const before = await sessionPage(page, carol);
    const members = (await queryAll(before.html, "table#members tbody tr")).map((r) => r.text);
    expect(members.some((m) => m.includes("github:dave") && m.includes("viewer"))).toBe(true);

    const added = await sessionPost(`${page}/members`, carol, { member: "github:frank", role: "publisher" });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`${page}?done=member-saved`);
    expect((await listMembers(GROUP, admin)).body.members).toContainEqual(
      expect.objectContaining({ member: "github:frank", role: "publisher" }),
    );

    // Managers appoint no managers: the API's refusal comes back on the page.
    const refused = await sessionPost(`${page}/members`, carol, { member: "github:frank", role: "manager" });
    expect(refused.status).toBe(403);
    await queryOne(refused.html, ".notice.error");

    const removed = await sessionPost(`${page}/members/remove`, carol, { member: "github:frank" });
    expect(removed.status).toBe(303);
    expect(
      (await listMembers(GROUP, admin)).body.members.some((m: { member: string }) => m.member === "github:frank"),
    ).toBe(false);
  });

  it("shows a new service token's secret once, in the post's own answer, never cached", async () => {
    const page = `/groups/${GROUP}/maintain/groups/${GROUP}`;
    const created = await sessionPost(`${page}/tokens`, carol, { name: "ci", role: "publisher", expires: "" });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("private, no-store");
    expect(created.headers.get("location")).toBeNull();
    const secret = (await queryOne(created.html, "pre code#new-token")).text;
    expect(secret).toMatch(/^mcpr_vat_/);
    expect((await queryOne(created.html, 'button[data-copy="new-token"]')).text).toBe("Copy");

    // The secret works, and no page shows it again.
    expect(
      (await api(`/groups/${GROUP}/v0.1/servers`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(200);
    const after = await sessionPage(page, carol);
    expect(after.html).not.toContain(secret);
    const listed = (await listTokens(admin, `?group=${GROUP}`)).body.tokens;
    const token = listed.find((t: { name: string }) => t.name === "ci");
    expect(token).toMatchObject({ kind: "service", access: [{ group: GROUP, role: "publisher" }], revokedAt: null });
    await queryOne(after.html, `tr[data-token-id="${token.id}"] form`);

    const revoked = await sessionPost(`${page}/tokens/revoke`, carol, { id: token.id });
    expect(revoked.status).toBe(303);
    expect((await listTokens(admin, `?group=${GROUP}`)).body.tokens[0].revokedAt).not.toBeNull();
  });

  it("lets a manager approve a pending publish through its form", async () => {
    await patchGroup(GROUP, { requireApproval: true }, admin);
    const submitted = await publish(
      await githubToken("alice"),
      serverJson(`${NS}/payroll`, "1.0.0"),
      `/groups/${GROUP}/v0.1`,
    );
    expect(submitted.status).toBe(202);
    const page = `/groups/${GROUP}/maintain/groups/${GROUP}`;
    const { html } = await sessionPage(page, carol);
    const row = await queryOne(html, `tr[data-pending="${NS}/payroll@1.0.0"]`);
    expect(row.text).toContain("github-at:alice");
    const decided = await sessionPost(`${page}/pending`, carol, {
      name: `${NS}/payroll`,
      version: "1.0.0",
      decision: "approve",
      message: "reviewed",
    });
    expect(decided.status).toBe(303);
    expect(locationOf(decided).search).toBe("?done=approved");
    const read = await api(`/groups/${GROUP}/v0.1/servers/${encodeURIComponent(`${NS}/payroll`)}/versions/1.0.0`, {
      headers: { authorization: `Bearer ${carol}` },
    });
    expect(read.status).toBe(200);
    await patchGroup(GROUP, { requireApproval: false }, admin);
  });

  it("shows a viewer the group without the managers' data", async () => {
    const { html } = await sessionPage(`/maintain/groups/${GROUP}`, dave);
    expect(await queryAll(html, "table#members")).toHaveLength(0);
    expect(await queryAll(html, "form#member-put")).toHaveLength(0);
    expect(html).toContain("run by the group's managers");
  });

  it("answers 404 to an outsider for every page and post of a private group, as for no group", async () => {
    for (const group of [GROUP, "web-nonexistent"]) {
      for (const path of [
        `/groups/${group}/maintain`,
        `/groups/${group}/maintain/reports`,
        `/groups/${group}/maintain/groups/${group}`,
        `/maintain/groups/${group}`,
      ]) {
        const page = await sessionPage(path, eve, 404);
        expect(page.html, path).not.toContain("web-acme.internal");
        expect(page.html, path).not.toContain("ACME");
      }
      const post = await sessionPost(`/groups/${group}/maintain/groups/${group}/members`, eve, {
        member: "github:eve",
        role: "manager",
      });
      expect(post.status).toBe(404);
    }
    expect(
      (await listMembers(GROUP, admin)).body.members.some((m: { member: string }) => m.member === "github:eve"),
    ).toBe(false);
  });

  it("refuses a member change posted from another site (403)", async () => {
    const page = await crossSitePost(`/maintain/groups/${GROUP}/members`, admin, {
      member: "github:mallory",
      role: "manager",
    });
    expect(page.status).toBe(403);
    expect(
      (await listMembers(GROUP, admin)).body.members.some((m: { member: string }) => m.member === "github:mallory"),
    ).toBe(false);
  });

  it("makes and revokes a personal access token on the tokens page", async () => {
    const created = await sessionPost("/maintain/tokens", carol, {
      name: "laptop",
      accessGroup: GROUP,
      accessRole: "viewer",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("private, no-store");
    const secret = (await queryOne(created.html, "code#new-token")).text;
    expect(secret).toMatch(/^mcpr_pat_/);
    const list = await fetchPage("/maintain/tokens", withSession(carol));
    expect(list.html).not.toContain(secret);
    const row = await queryOne(list.html, "table#tokens tbody tr");
    expect(row.text).toContain("laptop");
    expect(row.text).toContain(`${GROUP}: viewer`);
    const id = row.attrs["data-token-id"]!;
    const revoked = await sessionPost("/maintain/tokens/revoke", carol, { id });
    expect(revoked.status).toBe(303);
    expect(
      (await api(`/groups/${GROUP}/v0.1/servers`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(401);
  });
});
