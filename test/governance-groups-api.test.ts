// The group administration API: create, list, read, change and delete groups, with problem+json
// answers for every bad input, claims that stay exclusive, and private groups that answer 404 to
// whoever may not read them, exactly like groups that do not exist.
import { env } from "cloudflare:workers";
import { parseRfc3339 } from "../worker/src/domain/timestamps.ts";
import { describe, expect, it } from "vitest";
import {
  createGroup,
  deleteGroup,
  getGroup,
  githubToken,
  groupWithMembers,
  listGroups,
  orgAdminToken,
  patchGroup,
  putMember,
  uniqueGroupName,
} from "./helpers/groups.ts";
import { publishAll, tokenFor } from "./helpers/publishing.ts";
import { api, apiJson, loadFixtures } from "./helpers/registry.ts";
import { seedPrivate } from "./helpers/group-fixtures.ts";

describe("POST /x/admin/groups", () => {
  it("creates a group with canonical claims and answers it", async () => {
    const name = uniqueGroupName("dev");
    const { status, body, response } = await createGroup({
      name,
      title: "  Dev MCPs ",
      visibility: "private",
      namespaces: [`Com.Acme.${name}`, `com.acme.${name}`, ` io.acme.${name} `],
      include: ["io.github.modelcontextprotocol/*", "com.example/tool", "*"],
      requireApproval: true,
      policy: { registries: ["NPM", "oci"], remoteHosts: ["MCP.Acme.com", "*.acme.cloud"] },
    });
    expect(status).toBe(201);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(body).toMatchObject({
      name,
      title: "Dev MCPs",
      visibility: "private",
      namespaces: [`com.acme.${name}`, `io.acme.${name}`],
      include: ["io.github.modelcontextprotocol/*", "com.example/tool", "*"],
      requireApproval: true,
      policy: { registries: ["npm", "oci"], remoteHosts: ["mcp.acme.com", "*.acme.cloud"] },
      createdBy: "oidc:admin@example.test",
      access: "admin",
    });
    expect(body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const read = await getGroup(name, await orgAdminToken());
    expect(read.body).toEqual(body);
  });

  it("defaults title, lists, approval and policy", async () => {
    const name = uniqueGroupName();
    const { status, body } = await createGroup({ name, visibility: "public" });
    expect(status).toBe(201);
    expect(body).toMatchObject({ title: null, namespaces: [], include: [], requireApproval: false, policy: null });
  });

  it.each([
    [{ visibility: "private" }, "body", "expected required property name to be present"],
    [{ name: "Bad_Name", visibility: "private" }, "body.name", "expected string to match pattern"],
    [{ name: "ok", visibility: "secret" }, "body.visibility", 'expected value to be one of "private, public"'],
    [{ name: "ok", visibility: "private", extra: 1 }, "body.extra", "unexpected property"],
    [{ name: "ok", visibility: "private", title: "t".repeat(201) }, "body.title", "expected length <= 200"],
    [{ name: "ok", visibility: "private", namespaces: ["a..b"] }, "body.namespaces[0]", "empty label"],
    [{ name: "ok", visibility: "private", namespaces: ["com.acme/x"] }, "body.namespaces[0]", "namespace"],
    [{ name: "ok", visibility: "private", namespaces: ["ok", ""] }, "body.namespaces[1]", "must not be empty"],
    [
      { name: "ok", visibility: "private", namespaces: Array.from({ length: 101 }, (_, i) => `n${i}`) },
      "body.namespaces",
      "expected array length <= 100",
    ],
    [{ name: "ok", visibility: "private", include: ["com.acme"] }, "body.include[0]", "server name"],
    [{ name: "ok", visibility: "private", include: ["a*b*"] }, "body.include[0]", "prefix"],
    [
      { name: "ok", visibility: "private", include: Array.from({ length: 101 }, (_, i) => `a.b/n${i}`) },
      "body.include",
      "expected array length <= 100",
    ],
    [{ name: "ok", visibility: "private", policy: { registries: ["apt"] } }, "body.policy.registries[0]", "one of"],
    [
      { name: "ok", visibility: "private", policy: { remoteHosts: ["https://x.com/"] } },
      "body.policy.remoteHosts[0]",
      "",
    ],
    [{ name: "ok", visibility: "private", requireApproval: "yes" }, "body.requireApproval", "expected boolean"],
  ])("refuses %j with 422 at %s", async (body, location, message) => {
    const { status, body: problem, response } = await createGroup(body);
    expect(status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(problem.title).toBe("Unprocessable Entity");
    expect(problem.detail).toBe("validation failed");
    const error = problem.errors.find((e: { location: string }) => e.location === location);
    expect(error, JSON.stringify(problem.errors)).toBeDefined();
    expect(error.message).toContain(message);
    expect((await getGroup("ok", await orgAdminToken())).status).toBe(404);
  });

  it("refuses non-JSON and empty bodies like every write", async () => {
    const token = await orgAdminToken();
    const headers = { authorization: `Bearer ${token}` };
    expect((await apiJson("/x/admin/groups", { method: "POST", headers, body: "{" })).status).toBe(400);
    expect((await apiJson("/x/admin/groups", { method: "POST", headers })).status).toBe(400);
  });

  it("is for organisation administrators only", async () => {
    const name = uniqueGroupName();
    expect((await createGroup({ name, visibility: "private" }, await githubToken("alice"))).status).toBe(403);
    const scoped = await tokenFor([{ action: "edit", resource: "com.acme/*" }], "oidc", "scoped@example.test");
    expect((await createGroup({ name, visibility: "private" }, scoped)).status).toBe(403);
    const anonymous = await apiJson("/x/admin/groups", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, visibility: "private" }),
    });
    expect(anonymous.status).toBe(401);
    expect((await getGroup(name, await orgAdminToken())).status).toBe(404);
  });

  it("refuses a duplicate name and a namespace another group claims (409)", async () => {
    const first = uniqueGroupName();
    const ns = `com.claimed.${first}`;
    expect((await createGroup({ name: first, visibility: "private", namespaces: [ns] })).status).toBe(201);
    const again = await createGroup({ name: first, visibility: "public" });
    expect([again.status, again.body.detail]).toEqual([409, `Group ${first} already exists`]);
    const second = uniqueGroupName();
    const taken = await createGroup({ name: second, visibility: "private", namespaces: [ns.toUpperCase()] });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toBe(`namespace ${ns} is already claimed by group ${first}`);
    expect((await getGroup(second, await orgAdminToken())).status).toBe(404);
  });

  it("refuses to claim a namespace that already has public servers (409), any case", async () => {
    const ns = `com.publicns.${uniqueGroupName()}`;
    await loadFixtures([
      { name: `${ns.replace("com", "COM")}/tool`, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
    ]);
    const name = uniqueGroupName();
    const { status, body } = await createGroup({ name, visibility: "private", namespaces: [ns] });
    expect([status, body.detail]).toEqual([409, `namespace ${ns} already has public servers`]);
    expect((await getGroup(name, await orgAdminToken())).status).toBe(404);
    const claims = await env.DB.prepare("SELECT count(*) AS n FROM group_namespaces WHERE namespace = ?")
      .bind(ns)
      .first<{ n: number }>();
    expect(claims?.n).toBe(0);
  });
});

describe("GET /x/admin/groups", () => {
  it("lists every group for an administrator, and a member's own groups with their access", async () => {
    const mine = uniqueGroupName("mine");
    const other = uniqueGroupName("other");
    await groupWithMembers(mine, { "github:lister": "publisher" });
    await groupWithMembers(other);
    const all = await listGroups(await orgAdminToken());
    expect(all.status).toBe(200);
    const names = all.body.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining([mine, other]));
    expect(all.body.metadata.count).toBe(names.length);
    const member = await listGroups(await githubToken("Lister"));
    expect(member.body.groups.map((g: any) => [g.name, g.access])).toEqual([[mine, "publisher"]]);
    expect(member.body.groups[0].createdBy).toBeUndefined();
    expect((await listGroups(await githubToken("stranger"))).body).toEqual({ groups: [], metadata: { count: 0 } });
    expect((await listGroups()).status).toBe(401);
  });
});

describe("a private group is invisible to those who may not read it", () => {
  it("answers 404, the same as a group that does not exist, on every route", async () => {
    const name = uniqueGroupName("secret");
    await groupWithMembers(name, { "github:insider": "viewer" });
    const outsider = await githubToken("outsider");
    const missing = uniqueGroupName("missing");
    const pairs: [string, RequestInit][] = [
      ["", { method: "GET" }],
      ["", { method: "PATCH", body: JSON.stringify({ title: "x" }) }],
      ["", { method: "DELETE" }],
      ["/members", { method: "GET" }],
      ["/members/github%3Aoutsider", { method: "PUT", body: JSON.stringify({ role: "viewer" }) }],
      ["/members/github%3Ainsider", { method: "DELETE" }],
    ];
    for (const [suffix, init] of pairs) {
      const headers = { authorization: `Bearer ${outsider}`, "content-type": "application/json" };
      const hidden = await apiJson(`/x/admin/groups/${name}${suffix}`, { ...init, headers });
      const absent = await apiJson(`/x/admin/groups/${missing}${suffix}`, { ...init, headers });
      expect([hidden.status, hidden.body], `${init.method} ${suffix}`).toEqual([404, absent.body]);
    }
    expect((await getGroup(name, await githubToken("insider"))).status).toBe(200);
    expect((await api(`/groups/${name}/v0/health`, { headers: { authorization: `Bearer ${outsider}` } })).status).toBe(
      404,
    );
  });

  it("answers a public group's configuration to its members only", async () => {
    const name = uniqueGroupName("pub");
    await createGroup({ name, visibility: "public" });
    expect((await getGroup(name, await githubToken("anyone"))).status).toBe(404);
    expect((await getGroup(name)).status).toBe(401);
  });
});

describe("PATCH /x/admin/groups/{group}", () => {
  it("lets a manager curate (title, include) and bumps updatedAt each time", async () => {
    const name = uniqueGroupName();
    const created = await groupWithMembers(name, { "github:curator": "manager" });
    const curator = await githubToken("curator");
    const first = await patchGroup(name, { title: "Prod", include: ["io.github.acme/*"] }, curator);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ title: "Prod", include: ["io.github.acme/*"], access: "manager" });
    // RFC 3339 with trailing zeros trimmed does not sort as text: compare the instants (µs).
    const micros = (at: string) => parseRfc3339(at)!;
    expect(micros(first.body.updatedAt)).toBeGreaterThan(micros(created.updatedAt));
    const second = await patchGroup(name, {}, curator);
    expect(second.status).toBe(200);
    expect(micros(second.body.updatedAt)).toBeGreaterThan(micros(first.body.updatedAt));
    const cleared = await patchGroup(name, { title: null }, curator);
    expect(cleared.body.title).toBeNull();
  });

  it("keeps visibility, claims, approval and policy for administrators (403 to managers, audited)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:mgr": "manager", "github:pub": "publisher" });
    const manager = await githubToken("mgr");
    for (const body of [
      { visibility: "public" },
      { namespaces: ["com.x"] },
      { requireApproval: true },
      { policy: null },
      { title: "t", policy: {} },
    ]) {
      const refused = await patchGroup(name, body, manager);
      expect([refused.status, refused.body.detail], JSON.stringify(body)).toEqual([
        403,
        expect.stringContaining("requires an organisation administrator"),
      ]);
    }
    const publisher = await patchGroup(name, { title: "t" }, await githubToken("pub"));
    expect([publisher.status, publisher.body.detail]).toEqual([403, "Changing a group requires the manager role"]);
    const admin = await patchGroup(
      name,
      { visibility: "public", requireApproval: true, policy: { registries: ["npm"] } },
      await orgAdminToken(),
    );
    expect(admin.body).toMatchObject({ visibility: "public", requireApproval: true, policy: { registries: ["npm"] } });
    const unchanged = await getGroup(name, manager);
    expect(unchanged.body.title).toBeNull();
  });

  it("claims and releases namespaces under the rules of creation", async () => {
    const name = uniqueGroupName();
    const ns = `com.patch.${name}`;
    await groupWithMembers(name, {}, { namespaces: [`${ns}.a`] });
    const admin = await orgAdminToken();
    const moved = await patchGroup(name, { namespaces: [`${ns}.b`, `${ns}.c`] }, admin);
    expect(moved.body.namespaces).toEqual([`${ns}.b`, `${ns}.c`]);
    const other = uniqueGroupName();
    await groupWithMembers(other, {}, { namespaces: [`${ns}.a`] });
    const taken = await patchGroup(name, { namespaces: [`${ns}.a`] }, admin);
    expect([taken.status, taken.body.detail]).toEqual([409, `namespace ${ns}.a is already claimed by group ${other}`]);
    expect((await getGroup(name, admin)).body.namespaces).toEqual([`${ns}.b`, `${ns}.c`]);
  });

  it("refuses to release a namespace that still holds the group's servers (409)", async () => {
    const name = uniqueGroupName();
    const ns = `com.holding.${name}`;
    // Seeded servers claim their namespace (group-fixtures.ts): as if published into the group.
    await groupWithMembers(name);
    await seedPrivate(name, [{ name: `${ns}/tool`, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" }]);
    const { status, body } = await patchGroup(name, { namespaces: [] }, await orgAdminToken());
    expect([status, body.detail]).toEqual([
      409,
      `namespace ${ns} still holds servers or pending versions of the group`,
    ]);
  });

  it("answers 422 for a bad body before anything else", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const { status, body } = await patchGroup(name, { visibility: 3, bogus: true }, await orgAdminToken());
    expect(status).toBe(422);
    expect(body.errors.map((e: any) => e.location).sort()).toEqual(["body.bogus", "body.visibility"]);
  });
});

describe("DELETE /x/admin/groups/{group}", () => {
  it("deletes an empty group with its members and claims, and revokes its service tokens", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:gone": "manager" }, { namespaces: [`com.del.${name}`] });
    const admin = await orgAdminToken();
    const vat = await apiJson("/x/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "ci", kind: "service", group: name, access: [{ group: name, role: "viewer" }] }),
    });
    expect(vat.status).toBe(201);
    expect((await deleteGroup(name, await githubToken("gone"))).status).toBe(403);
    const { status, body } = await deleteGroup(name, admin);
    expect([status, body]).toEqual([200, { name, deleted: true, purged: [], purgedCount: 0, pendingDeleted: 0 }]);
    expect((await getGroup(name, admin)).status).toBe(404);
    const token = await env.DB.prepare("SELECT revoked_at FROM api_tokens WHERE id = ?")
      .bind(vat.body.id)
      .first<{ revoked_at: number | null }>();
    expect(token?.revoked_at).not.toBeNull();
    const rows = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM group_members WHERE group_name = ?1) + (SELECT count(*) FROM group_namespaces WHERE group_name = ?1) AS n",
    )
      .bind(name)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    expect(
      (await api(`/groups/${name}/v0/health`, { headers: { authorization: `Bearer ${vat.body.token}` } })).status,
    ).toBe(401);
  });

  it("keeps a group that holds servers unless purged, then deletes them in one batch", async () => {
    const name = uniqueGroupName();
    const ns = `com.purge.${name}`;
    await groupWithMembers(name);
    await seedPrivate(name, [
      { name: `${ns}/one`, version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
      {
        name: `${ns}/two`,
        version: "1.0.0",
        publishedAt: "2025-01-01T00:00:00Z",
        extra: { remotes: [{ type: "streamable-http", url: `https://${name}.example.com/mcp` }] },
      },
    ]);
    const admin = await orgAdminToken();
    const kept = await deleteGroup(name, admin);
    expect(kept.status).toBe(409);
    expect(kept.body.detail).toContain("?purge=true");
    expect((await deleteGroup(name, admin, "?purge=maybe")).status).toBe(422);
    const { status, body } = await deleteGroup(name, admin, "?purge=true");
    expect([status, body]).toEqual([
      200,
      { name, deleted: true, purged: [`${ns}/one`, `${ns}/two`], purgedCount: 2, pendingDeleted: 0 },
    ]);
    const left = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM server_versions WHERE name LIKE ?1) + (SELECT count(*) FROM servers WHERE name LIKE ?1)
        + (SELECT count(*) FROM server_remotes WHERE name LIKE ?1) AS n`,
    )
      .bind(`${ns}/%`)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    // The namespace is free again: the public catalogue may use it.
    const publisher = await tokenFor(publishAll(`${ns}/*`));
    const publish = await apiJson("/v0.1/publish", {
      method: "POST",
      headers: { authorization: `Bearer ${publisher}`, "content-type": "application/json" },
      body: JSON.stringify({
        $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        name: `${ns}/one`,
        description: "public now",
        version: "2.0.0",
      }),
    });
    expect(publish.status).toBe(200);
  });
});

describe("membership through the API", () => {
  it("gives a new member read access from the next request on", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name);
    const reader = await githubToken("reader");
    expect((await getGroup(name, reader)).status).toBe(404);
    expect((await putMember(name, "github:Reader", "viewer")).status).toBe(201);
    expect((await getGroup(name, reader)).status).toBe(200);
  });
});
