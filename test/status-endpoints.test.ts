// PATCH …/versions/{version}/status and PATCH /servers/{name}/status (spec §3.8, §3.9, §5.3).
import { beforeAll, describe, expect, it } from "vitest";
import { parseRfc3339 } from "../worker/src/domain/timestamps.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.status";
let owner: string;

async function published(name: string, versions: string[]) {
  for (const v of versions) expect((await publish(owner, serverJson(name, v))).status).toBe(200);
}

const detail = (name: string, version: string, deleted = false) =>
  apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/${version}${deleted ? "?include_deleted=true" : ""}`);

beforeAll(async () => {
  owner = await tokenFor(publishAll(`${NS}/*`));
});

describe("one version", () => {
  it("deprecates with a message, bumps updatedAt and statusChangedAt, keeps it latest", async () => {
    const name = `${NS}/one`;
    await published(name, ["1.0.0", "2.0.0"]);
    const before = official((await detail(name, "2.0.0")).body);
    const { status, body } = await patchStatus(owner, name, "2.0.0", { status: "deprecated", statusMessage: "use 3" });
    expect(status).toBe(200);
    const meta = official(body);
    expect(meta).toMatchObject({
      status: "deprecated",
      statusMessage: "use 3",
      isLatest: true,
      publishedAt: before.publishedAt,
    });
    // Compare instants, not strings: RFC 3339 fractions vary in length.
    expect(parseRfc3339(meta.updatedAt)!).toBeGreaterThan(parseRfc3339(before.updatedAt)!);
    expect(meta.statusChangedAt).toBe(meta.updatedAt);

    // Only the message changes: statusChangedAt stays.
    const again = await patchStatus(owner, name, "2.0.0", { status: "deprecated", statusMessage: "use 4" });
    expect(official(again.body).statusChangedAt).toBe(meta.statusChangedAt);
    expect(official(again.body).statusMessage).toBe("use 4");
  });

  it("deleting the latest moves latest to the next highest; restoring moves it back", async () => {
    const name = `${NS}/latest`;
    await published(name, ["1.0.0", "1.5.0", "2.0.0"]);
    await patchStatus(owner, name, "2.0.0", { status: "deleted" });
    expect((await detail(name, "latest")).body.server.version).toBe("1.5.0");
    expect((await detail(name, "2.0.0")).status).toBe(404);
    const restored = await patchStatus(owner, name, "2.0.0", { status: "active" });
    expect(official(restored.body)).toMatchObject({ status: "active", isLatest: true });
    expect(official(restored.body).statusMessage).toBeUndefined();
    expect((await detail(name, "latest")).body.server.version).toBe("2.0.0");
  });

  it("refuses what the official registry refuses", async () => {
    const name = `${NS}/refuse`;
    await published(name, ["1.0.0"]);
    const withMessage = await patchStatus(owner, name, "1.0.0", { status: "active", statusMessage: "hi" });
    expect(withMessage.status).toBe(400);
    expect(withMessage.body.detail).toBe("status_message cannot be provided when setting status to active");
    const same = await patchStatus(owner, name, "1.0.0", { status: "active" });
    expect(same.status).toBe(400);
    expect(same.body.detail).toBe("No changes to apply: status and message are already set to the provided values");
    const missing = await patchStatus(owner, name, "9.9.9", { status: "deleted" });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe("Server version not found");
    const badEnum = await patchStatus(owner, name, "1.0.0", { status: "gone" });
    expect(badEnum.status).toBe(422);
    expect(badEnum.body.errors[0]).toMatchObject({
      location: "body.status",
      message: 'expected value to be one of "active, deprecated, deleted"',
    });
    const long = await patchStatus(owner, name, "1.0.0", { status: "deprecated", statusMessage: "x".repeat(501) });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toMatchObject({ location: "body.statusMessage", message: "expected length <= 500" });
  });

  it("needs publish or edit on the name", async () => {
    const name = `${NS}/perm`;
    await published(name, ["1.0.0"]);
    const stranger = await tokenFor(publishAll("com.other/*"));
    const denied = await patchStatus(stranger, name, "1.0.0", { status: "deprecated" });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe("You do not have publish or edit permissions for this server");
    const editor = await tokenFor(editAll(`${NS}/perm`));
    expect((await patchStatus(editor, name, "1.0.0", { status: "deprecated" })).status).toBe(200);
    const noHeader = await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/1.0.0/status`, {
      method: "PATCH",
      body: JSON.stringify({ status: "active" }),
    });
    expect(noHeader.status).toBe(422);
    expect(noHeader.body.errors).toEqual([
      { message: "required header parameter is missing", location: "header.Authorization" },
    ]);
  });
});

describe("all versions", () => {
  it("changes every version not already in the requested state and reports the count", async () => {
    const name = `${NS}/all`;
    await published(name, ["1.0.0", "1.1.0", "1.2.0"]);
    await patchStatus(owner, name, "1.0.0", { status: "deprecated", statusMessage: "old" });
    const { status, body } = await patchStatus(owner, name, undefined, { status: "deprecated", statusMessage: "old" });
    expect(status).toBe(200);
    expect(body.updatedCount).toBe(2);
    expect(body.servers.map((s: any) => s.server.version).sort()).toEqual(["1.1.0", "1.2.0"]);
    const none = await patchStatus(owner, name, undefined, { status: "deprecated", statusMessage: "old" });
    expect(none.status).toBe(400);
    expect(none.body.detail).toBe("No changes to apply: all versions already have the requested status and message");
  });

  it("deleting every version keeps latest on the highest deleted one", async () => {
    const name = `${NS}/gone`;
    await published(name, ["1.0.0", "2.0.0"]);
    const { body } = await patchStatus(owner, name, undefined, { status: "deleted", statusMessage: "bye" });
    expect(body.updatedCount).toBe(2);
    expect((await detail(name, "latest")).status).toBe(404);
    const latest = await detail(name, "latest", true);
    expect(latest.body.server.version).toBe("2.0.0");
    expect(official(latest.body).isLatest).toBe(true);
    const versions = await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions`);
    expect(versions.status).toBe(404);
    // Deleted versions stay reserved.
    expect((await publish(owner, serverJson(name, "2.0.0"))).status).toBe(400);
  });

  it("answers 404 for an unknown server", async () => {
    const { status, body } = await patchStatus(owner, `${NS}/nothing`, undefined, { status: "deleted" });
    expect(status).toBe(404);
    expect(body.detail).toBe("Server not found");
  });

  it("shows deleted rows to incremental sync", async () => {
    const name = `${NS}/sync`;
    await published(name, ["1.0.0"]);
    const since = official((await detail(name, "1.0.0")).body).updatedAt;
    await patchStatus(owner, name, undefined, { status: "deleted" });
    const { body } = await apiJson(`/v0.1/servers?updated_since=${encodeURIComponent(since)}&search=${name}`);
    expect(body.servers.map((s: any) => official(s).status)).toEqual(["deleted"]);
  });
});
