// Each kind of change reaches the feed as its own entry, with the right action and cause and the
// version's resulting official `_meta` (what the detail endpoint answers right after it): a
// publish, an approved pending version, status changes by version and by server (deprecate,
// delete, restore: each moving isLatest where the official rule says), an admin edit, a report
// resolution, a denylist sweep, and a bulk import (new versions and authoritative updates).
import { beforeAll, describe, expect, it } from "vitest";
import { createWriteGroup, decide, groupPublish, member } from "./helpers/group-writes.ts";
import { denylistAdd, maintainerToken, report, resolve } from "./helpers/moderation.ts";
import { editAll, patchStatus, publish, publishAll, putVersion, tokenFor } from "./helpers/publishing.ts";
import { loadFixtures, serverJson } from "./helpers/registry.ts";
import { detailOf, drainFeed, feedCursor, keyOf, OFFICIAL } from "./helpers/change-feed.ts";

const NS = "com.feed-actions";
const name = (slug: string) => `${NS}/${slug}`;

/** The entries the feed at `base` gained while `write` ran. */
async function changesOf(write: () => Promise<unknown>, base = ""): Promise<any[]> {
  const before = await feedCursor(base);
  await write();
  return (await drainFeed(base, { after: before })).changes;
}

/** Each entry's `_meta` is what the detail endpoint answers now, and it carries its server.json. */
async function expectResulting(changes: readonly any[], base = ""): Promise<void> {
  for (const change of changes) {
    const detail = await detailOf(change.name, change.version, base);
    expect(change._meta, keyOf(change)).toEqual(detail._meta);
    expect(change.server, keyOf(change)).toEqual(detail.server);
    expect(change.cursor).toMatch(base === "" ? /^[1-9][0-9]*$/ : /^[0-9]+\.[1-9][0-9]*\.[0-9a-f]{8}$/);
    expect(Number.isNaN(Date.parse(change.time))).toBe(false);
  }
}

const actions = (changes: readonly any[]) =>
  changes.map((c) => [keyOf(c), c.action, c.cause ?? null, c._meta[OFFICIAL].isLatest]);

describe("the change feed's entries", async () => {
  const publisher = await tokenFor([...publishAll(`${NS}/*`), ...editAll(`${NS}/*`)], "github-at", "fay");
  const admin = await maintainerToken();

  it("a publish: one entry with the version's metadata and server.json", async () => {
    const first = await changesOf(() => publish(publisher, serverJson(name("tool"), "1.0.0")));
    expect(actions(first)).toEqual([[`${name("tool")}@1.0.0`, "publish", null, true]]);
    await expectResulting(first);
    // A newer version: its entry is the latest; the older one's flag moves without an entry.
    const second = await changesOf(() => publish(publisher, serverJson(name("tool"), "2.0.0")));
    expect(actions(second)).toEqual([[`${name("tool")}@2.0.0`, "publish", null, true]]);
    await expectResulting(second);
  });

  it("status changes of a version: deprecate, delete the latest, restore it", async () => {
    const deprecated = await changesOf(() =>
      patchStatus(publisher, name("tool"), "1.0.0", { status: "deprecated", statusMessage: "use 2.x" }),
    );
    expect(actions(deprecated)).toEqual([[`${name("tool")}@1.0.0`, "status", null, false]]);
    expect(deprecated[0]._meta[OFFICIAL]).toMatchObject({ status: "deprecated", statusMessage: "use 2.x" });
    await expectResulting(deprecated);
    // Deleting the latest version moves the flag back to 1.0.0: the entry says it left 2.0.0.
    const deleted = await changesOf(() => patchStatus(publisher, name("tool"), "2.0.0", { status: "deleted" }));
    expect(actions(deleted)).toEqual([[`${name("tool")}@2.0.0`, "delete", null, false]]);
    await expectResulting(deleted);
    const restored = await changesOf(() => patchStatus(publisher, name("tool"), "2.0.0", { status: "active" }));
    expect(actions(restored)).toEqual([[`${name("tool")}@2.0.0`, "status", null, true]]);
    await expectResulting(restored);
  });

  it("a status change of a whole server: one entry per version it changed", async () => {
    const changes = await changesOf(() =>
      patchStatus(publisher, name("tool"), undefined, { status: "deleted", statusMessage: "retired" }),
    );
    expect(changes.map((c) => [keyOf(c), c.action]).sort()).toEqual([
      [`${name("tool")}@1.0.0`, "delete"],
      [`${name("tool")}@2.0.0`, "delete"],
    ]);
    await expectResulting(changes);
    const back = await changesOf(() => patchStatus(publisher, name("tool"), undefined, { status: "active" }));
    expect(back.map((c) => c.action)).toEqual(["status", "status"]);
    await expectResulting(back);
  });

  it("an admin edit: an entry with the new server.json", async () => {
    const edited = serverJson(name("tool"), "2.0.0", { description: "Edited by an administrator" });
    const changes = await changesOf(() => putVersion(admin, name("tool"), "2.0.0", edited));
    expect(actions(changes)).toEqual([[`${name("tool")}@2.0.0`, "edit", null, true]]);
    expect(changes[0].server).toEqual(edited);
    await expectResulting(changes);
  });

  it("a report resolved by deleting: delete entries without a cause", async () => {
    await publish(publisher, serverJson(name("reported"), "1.0.0"));
    const filed = await report({ name: name("reported"), reason: "spam" }, { ip: "192.0.2.77" });
    const changes = await changesOf(() => resolve(admin, filed.body.id, { action: "delete", message: "spam" }));
    expect(actions(changes)).toEqual([[`${name("reported")}@1.0.0`, "delete", null, true]]);
    await expectResulting(changes);
  });

  it("a denylist sweep: delete entries caused by it, and nothing else carries the cause", async () => {
    await publish(publisher, serverJson(name("banned"), "1.0.0"));
    await publish(publisher, serverJson(name("banned"), "1.1.0"));
    const changes = await changesOf(() =>
      denylistAdd(admin, { kind: "server", value: name("banned"), reason: "Malware" }),
    );
    expect(actions(changes)).toEqual([
      [`${name("banned")}@1.1.0`, "delete", "denylist-sweep", true],
      [`${name("banned")}@1.0.0`, "delete", "denylist-sweep", false],
    ]);
    expect(changes[0]._meta[OFFICIAL].statusMessage).toContain("Malware");
    await expectResulting(changes);
    // The cause was the sweep batch's only: the next change has none.
    const next = await changesOf(() => publish(publisher, serverJson(name("after-sweep"), "1.0.0")));
    expect(actions(next)).toEqual([[`${name("after-sweep")}@1.0.0`, "publish", null, true]]);
  });

  it("an import: publishes caused by it, then authoritative updates as their kind of change", async () => {
    const imported = await changesOf(() =>
      loadFixtures([
        { name: name("imported"), version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
        { name: name("imported"), version: "1.2.0", publishedAt: "2025-01-03T00:00:00Z" },
        { name: name("imported"), version: "1.1.0", publishedAt: "2025-01-02T00:00:00Z" },
      ]),
    );
    // One batch: in the order of its rows, each with the flag the import leaves it with.
    expect(actions(imported)).toEqual([
      [`${name("imported")}@1.0.0`, "publish", "import", false],
      [`${name("imported")}@1.2.0`, "publish", "import", true],
      [`${name("imported")}@1.1.0`, "publish", "import", false],
    ]);
    await expectResulting(imported);
    const updated = await changesOf(() =>
      loadFixtures([
        {
          name: name("imported"),
          version: "1.2.0",
          status: "deleted",
          publishedAt: "2025-01-03T00:00:00Z",
          updatedAt: "2025-02-01T00:00:00Z",
        },
        {
          name: name("imported"),
          version: "1.0.0",
          status: "deprecated",
          statusMessage: "old",
          publishedAt: "2025-01-01T00:00:00Z",
          updatedAt: "2025-02-01T00:00:00Z",
        },
      ]),
    );
    expect(actions(updated)).toEqual([
      [`${name("imported")}@1.2.0`, "delete", "import", false],
      [`${name("imported")}@1.0.0`, "status", "import", false],
    ]);
    await expectResulting(updated);
    expect((await detailOf(name("imported"), "1.1.0"))._meta[OFFICIAL].isLatest).toBe(true);
  });
});

describe("an approved pending version", () => {
  const GROUP = "feed-approvals";
  const GNS = "com.feed-approvals";
  beforeAll(async () => {
    await createWriteGroup({
      name: GROUP,
      namespaces: [GNS],
      requireApproval: true,
      members: { "github:pat": "publisher", "github:mia": "manager" },
    });
  });

  it("is a publish in its group's feed, when approved and not before", async () => {
    const base = `/groups/${GROUP}`;
    const mia = await member("mia");
    const init = { headers: { authorization: `Bearer ${mia}` } };
    const before = await feedCursor(base, init);
    const submitted = await groupPublish(GROUP, await member("pat"), serverJson(`${GNS}/tool`, "1.0.0"));
    expect(submitted.status).toBe(202);
    expect((await drainFeed(base, { after: before, init })).changes).toEqual([]);
    expect((await decide(GROUP, mia, `${GNS}/tool`, "1.0.0", { decision: "approve" })).status).toBe(200);
    const { changes } = await drainFeed(base, { after: before, init });
    expect(actions(changes)).toEqual([[`${GNS}/tool@1.0.0`, "publish", null, true]]);
    const detail = await detailOf(`${GNS}/tool`, "1.0.0", base, init);
    expect(changes[0]._meta).toEqual(detail._meta);
  });
});
