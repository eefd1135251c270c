// Personal and service tokens: minted with a name, access and expiry (default 90 days, at most
// a year), shown once and stored only as a hash, accepted as bearer tokens, listed without the
// secret (newest first, paged), bounded per person and per group, every creation audited
// without the secret.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiTokenHash } from "../worker/src/auth/api-token.ts";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import {
  createToken,
  githubToken,
  groupAudit,
  groupWithMembers,
  listTokens,
  personalToken,
  revokeToken,
  uniqueGroupName,
} from "./helpers/groups.ts";
import { api } from "./helpers/registry.ts";

const DAY_MS = 86_400_000;
const access = (group: string, role: string) => [{ group, role }];

describe("POST /x/tokens", () => {
  it("mints a personal token: shown once, stored as its hash, usable at once", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:pat-user": "viewer" });
    const before = Date.now();
    const { status, body } = await createToken(
      { name: "laptop", kind: "personal", access: access(name, "viewer") },
      await githubToken("pat-user"),
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: "laptop",
      kind: "personal",
      group: null,
      access: [{ group: name, role: "viewer" }],
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(body.id).toMatch(/^tok_[0-9a-f]{16}$/);
    expect(body.token).toMatch(/^mcpr_pat_[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(body.expiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(90 * DAY_MS - 1000);
    expect(expires - before).toBeLessThanOrEqual(90 * DAY_MS + 60_000);
    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?")
      .bind(body.id)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      hash: apiTokenHash(body.token),
      owner: "github-at:pat-user",
      identities: '["github:pat-user"]',
    });
    expect(JSON.stringify(row)).not.toContain(body.token);
    const read = await api(`/groups/${name}/v0/health`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(read.status).toBe(200);
    const [audit] = (await listStream(env.DB, "~tokens")).filter((r) => r.name === body.id);
    expect(audit).toMatchObject({
      action: "token-create",
      outcome: "ok",
      actorMethod: "github-at",
      actorSubject: "pat-user",
    });
    expect(audit!.detail).toEqual({
      kind: "personal",
      name: "laptop",
      access: [{ group: name, role: "viewer" }],
      expiresAt: body.expiresAt,
    });
    const secretFree = JSON.stringify(audit);
    expect(secretFree).not.toContain(body.token);
    expect(secretFree).not.toContain(apiTokenHash(body.token));
  });

  it("mints a service token for a group's manager, audited in the group's stream", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:svc-mgr": "manager" });
    const expiresAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
    const { status, body } = await createToken(
      { name: "ci", kind: "service", group: name, access: access(name, "publisher"), expiresAt },
      await githubToken("svc-mgr"),
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: "service", group: name, access: [{ group: name, role: "publisher" }] });
    expect(Date.parse(body.expiresAt)).toBe(Date.parse(expiresAt));
    expect(body.token).toMatch(/^mcpr_vat_/);
    const row = (await groupAudit(name)).at(-1)!;
    expect(row).toMatchObject({ action: "token-create", name: body.id, outcome: "ok" });
    expect(JSON.stringify(row)).not.toContain(body.token);
  });

  it.each([
    [{ kind: "personal", access: [] }, "body", "expected required property name to be present"],
    [{ name: "", kind: "personal", access: [{ group: "g", role: "viewer" }] }, "body.name", "expected length >= 1"],
    [
      { name: "n".repeat(101), kind: "personal", access: [{ group: "g", role: "viewer" }] },
      "body.name",
      "expected length <= 100",
    ],
    [{ name: "n", kind: "robot", access: [{ group: "g", role: "viewer" }] }, "body.kind", "one of"],
    [{ name: "n", kind: "personal", access: [] }, "body.access", "expected array length >= 1"],
    [{ name: "n", kind: "personal", access: [{ group: "g", role: "admin" }] }, "body.access[0].role", "one of"],
    [
      {
        name: "n",
        kind: "personal",
        access: [
          { group: "g", role: "viewer" },
          { group: "g", role: "viewer" },
        ],
      },
      "body.access[1].group",
      "one entry per group",
    ],
    [
      { name: "n", kind: "personal", group: "g", access: [{ group: "g", role: "viewer" }] },
      "body.group",
      "service tokens only",
    ],
    [{ name: "n", kind: "service", access: [{ group: "g", role: "viewer" }] }, "body", "needs the group"],
    [
      { name: "n", kind: "personal", access: [{ group: "g", role: "viewer" }], expiresAt: "tomorrow" },
      "body.expiresAt",
      "RFC 3339",
    ],
    [
      { name: "n", kind: "personal", access: [{ group: "g", role: "viewer" }], expiresAt: "2001-01-01T00:00:00Z" },
      "body.expiresAt",
      "in the future",
    ],
    [
      {
        name: "n",
        kind: "personal",
        access: [{ group: "g", role: "viewer" }],
        expiresAt: new Date(Date.now() + 366 * DAY_MS).toISOString(),
      },
      "body.expiresAt",
      "within one year",
    ],
  ])("refuses %j with 422 at %s", async (body, location, message) => {
    const { status, body: problem } = await createToken(body, await githubToken("shaper"));
    expect(status).toBe(422);
    const error = problem.errors.find((e: { location: string }) => e.location === location);
    expect(error, JSON.stringify(problem.errors)).toBeDefined();
    expect(error.message).toContain(message);
  });

  it("needs a token (401)", async () => {
    const response = await api("/x/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "n", kind: "personal", access: [{ group: "g", role: "viewer" }] }),
    });
    expect(response.status).toBe(401);
  });

  it("caps active personal tokens at 100 per person and service tokens at 1000 per group (409)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:hoarder": "manager" });
    const fill = (n: number, kind: string, owner: string, group: string | null) =>
      env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO api_tokens (id, hash, kind, name, owner, identities, group_name, access, created_at, expires_at)
         SELECT ? || i, ? || i, ?, 'filler', ?, '[]', ?, '[]', 1, 9e15 FROM n`,
      )
        .bind(n, `fill-${kind}-${name}-`, `hash-${kind}-${name}-`, kind, owner, group)
        .run();
    await fill(100, "personal", "github-at:hoarder", null);
    const hoarder = await githubToken("hoarder");
    const pat = await createToken({ name: "one more", kind: "personal", access: access(name, "viewer") }, hoarder);
    expect([pat.status, pat.body.detail]).toEqual([
      409,
      "At most 100 active personal tokens: a person holds that many; revoke one first",
    ]);
    await env.DB.prepare("UPDATE api_tokens SET revoked_at = 1 WHERE id = ?").bind(`fill-personal-${name}-1`).run();
    expect((await createToken({ name: "now", kind: "personal", access: access(name, "viewer") }, hoarder)).status).toBe(
      201,
    );
    await fill(1000, "service", "github-at:hoarder", name);
    const vat = await createToken(
      { name: "svc", kind: "service", group: name, access: access(name, "viewer") },
      hoarder,
    );
    expect(vat.status).toBe(409);
  });
});

describe("GET /x/tokens", () => {
  it("lists the caller's personal tokens newest first without secrets, a page at a time", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:lister": "viewer" });
    const minted = [];
    for (let i = 0; i < 3; i++) minted.push(await personalToken("lister", access(name, "viewer")));
    const person = await githubToken("lister");
    const all = await listTokens(person);
    expect(all.status).toBe(200);
    expect(all.body.tokens.map((t: { id: string }) => t.id)).toEqual(minted.map((t) => t.id).reverse());
    expect(JSON.stringify(all.body)).not.toContain("mcpr_");
    expect(Object.keys(all.body.tokens[0]).sort()).toEqual(
      ["access", "createdAt", "expiresAt", "group", "id", "kind", "lastUsedAt", "name", "revokedAt"].sort(),
    );
    // One of the person's tokens lists itself only (governance-pat-token-scope), anyone else none.
    expect((await listTokens(minted[0]!.token)).body.tokens.map((t: { id: string }) => t.id)).toEqual([minted[0]!.id]);
    expect((await listTokens(await githubToken("someone-else"))).body.tokens).toEqual([]);
    const first = await listTokens(person, "?limit=2");
    expect(first.body.tokens.length).toBe(2);
    const second = await listTokens(person, `?limit=2&cursor=${encodeURIComponent(first.body.metadata.nextCursor)}`);
    expect(second.body.tokens.map((t: { id: string }) => t.id)).toEqual([minted[0]!.id]);
    expect(second.body.metadata.nextCursor).toBeUndefined();
    expect((await listTokens(person, "?cursor=bogus")).status).toBe(422);
    expect((await listTokens(person, "?limit=1001")).status).toBe(422);
  });

  it("lists a group's service tokens for its managers (403 below, 404 outside)", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:gm": "manager", "github:gv": "viewer" });
    const manager = await githubToken("gm");
    const vat = await createToken(
      { name: "bot", kind: "service", group: name, access: access(name, "viewer") },
      manager,
    );
    const listed = await listTokens(manager, `?group=${name}`);
    expect(listed.body.tokens.map((t: any) => [t.id, t.name, t.kind])).toEqual([[vat.body.id, "bot", "service"]]);
    expect((await listTokens(await githubToken("gv"), `?group=${name}`)).status).toBe(403);
    expect((await listTokens(await githubToken("outsider"), `?group=${name}`)).status).toBe(404);
    // A service token is not a person: it has no personal tokens of its own.
    expect((await listTokens(vat.body.token)).body.tokens).toEqual([]);
  });

  it("records when a valid token was last used, on any route, and not for a revoked one", async () => {
    const name = uniqueGroupName();
    await groupWithMembers(name, { "github:user-of": "viewer" });
    const pat = await personalToken("user-of", access(name, "viewer"));
    const lastUsed = async () => (await listTokens(await githubToken("user-of"))).body.tokens[0].lastUsedAt;
    expect(await lastUsed()).toBeNull();
    // A route outside /groups/: the use is recorded before the answer.
    await api("/x/tokens", { headers: { authorization: `Bearer ${pat.token}` } });
    expect(await lastUsed()).toMatch(/^\d{4}-/);

    const revoked = await personalToken("user-of", access(name, "viewer"));
    await revokeToken(revoked.id, await githubToken("user-of"));
    const row = () =>
      env.DB.prepare("SELECT last_used_at FROM api_tokens WHERE id = ?")
        .bind(revoked.id)
        .first<{ last_used_at: number | null }>();
    expect(
      (await api(`/groups/${name}/v0/health`, { headers: { authorization: `Bearer ${revoked.token}` } })).status,
    ).toBe(401);
    expect((await row())?.last_used_at).toBeNull();
  });
});
