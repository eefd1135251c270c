// PUT /servers/{name}/versions/{version}: administrators' edit (spec §3.7).
import { beforeAll, describe, expect, it } from "vitest";
import { parseRfc3339 } from "../worker/src/domain/timestamps.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { editAll, patchStatus, publish, publishAll, putVersion, tokenFor } from "./helpers/publishing.ts";

const NAME = "com.edit/tool";
let owner: string;
let admin: string;

beforeAll(async () => {
  owner = await tokenFor(publishAll("com.edit/*"));
  admin = await tokenFor(editAll("*"));
  expect((await publish(owner, serverJson(NAME, "1.0.0"))).status).toBe(200);
  expect((await publish(owner, serverJson(NAME, "2.0.0"))).status).toBe(200);
});

describe("admin edit", () => {
  it("replaces the server.json, bumps updatedAt only", async () => {
    const before = official((await apiJson(`/v0.1/servers/${encodeURIComponent(NAME)}/versions/1.0.0`)).body);
    const edited = serverJson(NAME, "1.0.0", { title: "Edited" });
    const { status, body } = await putVersion(admin, NAME, "1.0.0", edited);
    expect(status).toBe(200);
    expect(body.server).toEqual(edited);
    const meta = official(body);
    expect(meta).toMatchObject({
      status: "active",
      isLatest: false,
      publishedAt: before.publishedAt,
      statusChangedAt: before.statusChangedAt,
    });
    // Compare instants, not strings: RFC 3339 fractions vary in length.
    expect(parseRfc3339(meta.updatedAt)!).toBeGreaterThan(parseRfc3339(before.updatedAt)!);
    const read = await apiJson(`/v0.1/servers/${encodeURIComponent(NAME)}/versions/1.0.0`);
    expect(read.body).toEqual(body);
  });

  it("answers the official errors in order", async () => {
    const edit = (token: string, version: string, body: unknown) => putVersion(token, NAME, version, body);
    expect((await edit("junk", "1.0.0", serverJson(NAME, "1.0.0"))).status).toBe(401);
    const missing = await edit(admin, "9.0.0", serverJson(NAME, "9.0.0"));
    expect([missing.status, missing.body.detail]).toEqual([404, "Server not found"]);
    const forbidden = await edit(owner, "1.0.0", serverJson(NAME, "1.0.0"));
    expect([forbidden.status, forbidden.body.detail]).toEqual([
      403,
      "You do not have edit permissions for this server",
    ]);
    const rename = await edit(admin, "1.0.0", serverJson("com.edit/other", "1.0.0"));
    expect([rename.status, rename.body.detail]).toEqual([400, "Cannot rename server"]);
    const mismatch = await edit(admin, "1.0.0", serverJson(NAME, "2.0.0"));
    expect([mismatch.status, mismatch.body.detail]).toEqual([
      400,
      "Version in request body must match URL path parameter",
    ]);
    const semantic = await edit(admin, "1.0.0", serverJson(NAME, "1.0.0", { websiteUrl: "http://plain.example" }));
    expect([semantic.status, semantic.body.detail]).toEqual([
      422,
      "Failed to edit server, invalid schema: call /validate for details",
    ]);
  });

  it("does not edit deleted versions", async () => {
    await patchStatus(admin, NAME, "2.0.0", { status: "deleted" });
    const { status } = await putVersion(admin, NAME, "2.0.0", serverJson(NAME, "2.0.0"));
    expect(status).toBe(404);
  });
});
