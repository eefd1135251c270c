// Publishing through a group's view (/groups/{group}/v0/publish): the publisher role instead of
// a registry permission, only into the group's claimed namespaces, rows that belong to the
// group, the same 200 server response, and audit rows in the namespace's stream.
import { beforeAll, describe, expect, it } from "vitest";
import { auditRows, createWriteGroup, groupPublish, member, orgAdmin, storedGroups } from "./helpers/group-writes.ts";
import { tokenFor } from "./helpers/publishing.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";

const OFFICIAL = "io.modelcontextprotocol.registry/official";

beforeAll(async () => {
  await createWriteGroup({
    name: "dev-mcps",
    visibility: "private",
    namespaces: ["com.acme.internal"],
    members: { "github:alice": "publisher", "github:victor": "viewer", "github:mona": "manager" },
  });
  await createWriteGroup({
    name: "prod-mcps",
    visibility: "public",
    namespaces: ["com.acme.prod"],
    include: ["io.github.public/*"],
    members: { "github:paula": "publisher" },
  });
  await createWriteGroup({ name: "other-team", visibility: "private", namespaces: ["com.other.secret"] });
});

describe("publish through a group", () => {
  it("a publisher publishes into a claimed namespace without any registry permission", async () => {
    const token = await member("alice");
    const server = serverJson("com.acme.internal/tool", "1.0.0");
    const published = await groupPublish("dev-mcps", token, server);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.server).toEqual(server);
    expect(published.body._meta[OFFICIAL]).toMatchObject({ status: "active", isLatest: true });

    // The rows belong to the group: versions and summary.
    expect(await storedGroups("com.acme.internal/tool")).toEqual({
      versions: [{ version: "1.0.0", group_name: "dev-mcps" }],
      summary: { group_name: "dev-mcps", version_count: 1 },
    });
    const audit = await auditRows("com.acme.internal");
    expect(audit.at(-1)).toMatchObject({
      action: "publish",
      name: "com.acme.internal/tool",
      version: "1.0.0",
      outcome: "ok",
      actor_method: "github-at",
      actor_subject: "alice",
    });
  });

  it("a second version keeps the group on every row, and /v0.1 works alike", async () => {
    const token = await member("mona"); // managers publish too
    const published = await groupPublish("dev-mcps", token, serverJson("com.acme.internal/tool", "1.1.0"), "/v0.1");
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(await storedGroups("com.acme.internal/tool")).toEqual({
      versions: [
        { version: "1.0.0", group_name: "dev-mcps" },
        { version: "1.1.0", group_name: "dev-mcps" },
      ],
      summary: { group_name: "dev-mcps", version_count: 2 },
    });
  });

  it("an organisation administrator publishes in any group", async () => {
    const published = await groupPublish("dev-mcps", await orgAdmin(), serverJson("com.acme.internal/admin", "1.0.0"));
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });

  it("a viewer is refused 403 and nothing is written; the refusal is audited", async () => {
    const refused = await groupPublish("dev-mcps", await member("victor"), serverJson("com.acme.internal/v", "1.0.0"));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("permission to publish");
    expect((await storedGroups("com.acme.internal/v")).versions).toEqual([]);
    expect((await auditRows("com.acme.internal")).at(-1)).toMatchObject({
      action: "publish",
      name: "com.acme.internal/v",
      outcome: "denied",
    });
  });

  it("a non-member of a private group gets the unknown-path 404; of a public group, 403", async () => {
    const stranger = await member("stranger");
    const hidden = await groupPublish("dev-mcps", stranger, serverJson("com.acme.internal/x", "1.0.0"));
    const unknown = await groupPublish("no-such-group", stranger, serverJson("com.acme.internal/x", "1.0.0"));
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    // The same answer as a group that does not exist (the path is echoed, nothing else).
    expect(hidden.body.detail.replaceAll("dev-mcps", "G")).toBe(unknown.body.detail.replaceAll("no-such-group", "G"));
    const publicGroup = await groupPublish("prod-mcps", stranger, serverJson("com.acme.prod/x", "1.0.0"));
    expect(publicGroup.status).toBe(403);
  });

  it("callers without a token of a public group are answered as at the root (the header is required)", async () => {
    const server = serverJson("com.acme.prod/x", "1.0.0");
    const anonymous = await groupPublish("prod-mcps", undefined, server);
    const atRoot = await apiJson("/v0/publish", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(server),
    });
    expect(anonymous.status).toBe(422);
    expect(anonymous.body).toEqual(atRoot.body);
    const badToken = await groupPublish("prod-mcps", "not-a-token", server);
    expect(badToken.status).toBe(401);
  });

  it("a name outside the group's claimed namespaces is refused 403 without naming any other group", async () => {
    const token = await member("alice");
    for (const name of ["io.github.public/tool", "com.other.secret/tool", "com.acme.prod/tool"]) {
      const refused = await groupPublish("dev-mcps", token, serverJson(name, "1.0.0"));
      expect(refused.status, name).toBe(403);
      expect(refused.body.detail).toBe("Failed to publish server");
      expect(refused.body.errors).toEqual([
        { message: `namespace ${name.split("/")[0]} is not claimed by group dev-mcps` },
      ]);
      expect(JSON.stringify(refused.body)).not.toContain("other-team");
      expect(JSON.stringify(refused.body)).not.toContain("prod-mcps");
    }
    expect((await storedGroups("com.other.secret/tool")).versions).toEqual([]);
  });

  it("claims compare the namespace in lower case", async () => {
    const published = await groupPublish(
      "dev-mcps",
      await member("alice"),
      serverJson("Com.Acme.Internal/Mixed", "1.0.0"),
    );
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect((await storedGroups("Com.Acme.Internal/Mixed")).summary?.group_name).toBe("dev-mcps");
  });

  it("a registry permission does not stand in for the role", async () => {
    const publishEverything = await tokenFor([{ action: "publish", resource: "*" }], "github-at", "outsider");
    const refused = await groupPublish("prod-mcps", publishEverything, serverJson("com.acme.prod/y", "1.0.0"));
    expect(refused.status).toBe(403);
  });

  it("content rules hold as at the root: semantic errors 422, the publisher _meta bound 400, duplicates 400", async () => {
    const token = await member("paula");
    const invalid = await groupPublish(
      "prod-mcps",
      token,
      serverJson("com.acme.prod/bad", "1.0.0", { remotes: [{ type: "sse", url: "ftp://x" }] }),
    );
    expect(invalid.status).toBe(422);
    const big = await groupPublish(
      "prod-mcps",
      token,
      serverJson("com.acme.prod/meta", "1.0.0", {
        _meta: { "io.modelcontextprotocol.registry/publisher-provided": { blob: "x".repeat(5000) } },
      }),
    );
    expect(big.status).toBe(400);
    expect(big.body.errors[0].message).toContain("exceeds 4KB limit");
    expect((await groupPublish("prod-mcps", token, serverJson("com.acme.prod/dup", "1.0.0"))).status).toBe(200);
    const dup = await groupPublish("prod-mcps", token, serverJson("com.acme.prod/dup", "1.0.0"));
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0].message).toContain("cannot publish duplicate version");
  });

  it("validate works under a group as at the root", async () => {
    const body = JSON.stringify(serverJson("com.acme.internal/tool", "2.0.0"));
    const init = { method: "POST", headers: { "content-type": "application/json" }, body };
    const inGroup = await apiJson("/groups/prod-mcps/v0/validate", init);
    const atRoot = await apiJson("/v0/validate", init);
    expect(inGroup.status).toBe(200);
    expect(inGroup.body).toEqual(atRoot.body);
    const privateGroup = await apiJson("/groups/dev-mcps/v0/validate", {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${await member("victor")}` },
    });
    expect(privateGroup.status).toBe(200);
    expect(privateGroup.body.valid).toBe(true);
  });
});
