// Remote URLs are unique within one catalogue: the public one and each group's separately. A
// private server may use the URL of a public server or of another group's server (and the other
// way round); two servers of one catalogue still conflict, and the refusal names only a holder
// of the writer's own catalogue, so no publisher ever learns a private name from it. Every write
// path (publish, approval, restore, edit) and the D1 backstops follow the same rule.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createWriteGroup, decide, editAt, groupPublish, member, statusAt } from "./helpers/group-writes.ts";
import { editAll, publish, publishAll, tokenFor, withRemote } from "./helpers/publishing.ts";

// Private names sort before public ones: a global "first holder" would be a private one.
const ALPHA = "com.aaa.alpha";
const BETA = "com.bbb.beta";
const GAMMA = "com.ccc.gamma";
const PUB = "io.pub";

const taken = (url: string, holder: string) => `remote URL ${url} is already used by server ${holder}`;

function expectNoPrivateName(body: unknown) {
  const text = JSON.stringify(body);
  for (const ns of [ALPHA, BETA, GAMMA]) expect(text).not.toContain(ns);
}

let publicToken: string;
let admin: string;

beforeAll(async () => {
  await createWriteGroup({
    name: "alpha",
    namespaces: [ALPHA],
    members: { "github:alice": "publisher", "github:mona": "manager" },
  });
  await createWriteGroup({ name: "beta", namespaces: [BETA], members: { "github:bob": "publisher" } });
  await createWriteGroup({
    name: "gamma",
    namespaces: [GAMMA],
    requireApproval: true,
    members: { "github:gina": "publisher", "github:gabe": "manager" },
  });
  publicToken = await tokenFor(publishAll(`${PUB}/*`));
  admin = await tokenFor(editAll("*"));
});

describe("remote URL uniqueness per catalogue", () => {
  it("lets a private and a public server share a URL; one catalogue still conflicts, naming its own holder", async () => {
    const url = "https://shared.example/mcp";
    const alice = await member("alice");
    expect((await groupPublish("alpha", alice, withRemote(`${ALPHA}/first`, "1.0.0", url))).status).toBe(200);
    // A public publisher neither conflicts with nor hears of the private holder.
    const pub = await publish(publicToken, withRemote(`${PUB}/holder`, "1.0.0", url));
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    // Another group has a catalogue of its own.
    const beta = await groupPublish("beta", await member("bob"), withRemote(`${BETA}/other`, "1.0.0", url));
    expect(beta.status, JSON.stringify(beta.body)).toBe(200);

    // Within the group: refused, naming the group's own holder only.
    const second = await groupPublish("alpha", alice, withRemote(`${ALPHA}/second`, "1.0.0", url));
    expect(second.status).toBe(400);
    expect(second.body.errors).toEqual([{ message: taken(url, `${ALPHA}/first`) }]);
    expect(JSON.stringify(second.body)).not.toContain(BETA);
    expect(JSON.stringify(second.body)).not.toContain(PUB);

    // Within the public catalogue: refused, naming the public holder only.
    const taker = await publish(publicToken, withRemote(`${PUB}/taker`, "1.0.0", url));
    expect(taker.status).toBe(400);
    expect(taker.body.errors).toEqual([{ message: taken(url, `${PUB}/holder`) }]);
    expectNoPrivateName(taker.body);
  });

  it("a public publisher never sees a private name, whatever the catalogue holds", async () => {
    const url = "https://only-private.example/mcp";
    expect(
      (await groupPublish("alpha", await member("alice"), withRemote(`${ALPHA}/secret`, "1.0.0", url))).status,
    ).toBe(200);
    for (const name of [`${PUB}/open-a`, `${PUB}/open-b`]) {
      const answer = await publish(publicToken, withRemote(name, "1.0.0", url));
      expectNoPrivateName(answer.body);
      if (name.endsWith("-a")) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      else expect(answer.body.errors).toEqual([{ message: taken(url, `${PUB}/open-a`) }]);
    }
  });

  it("groups publishing after approval are checked within the group", async () => {
    const url = "https://approved.example/mcp";
    expect((await publish(publicToken, withRemote(`${PUB}/approved-twin`, "1.0.0", url))).status).toBe(200);
    const submitted = await groupPublish("gamma", await member("gina"), withRemote(`${GAMMA}/tool`, "1.0.0", url));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const approved = await decide("gamma", await member("gabe"), `${GAMMA}/tool`, "1.0.0", { decision: "approve" });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // A second server of the group with the same URL is refused at submission.
    const twin = await groupPublish("gamma", await member("gina"), withRemote(`${GAMMA}/twin`, "1.0.0", url));
    expect(twin.status).toBe(400);
    expect(twin.body.errors).toEqual([{ message: taken(url, `${GAMMA}/tool`) }]);
  });

  it("restores and edits are checked within the writer's catalogue", async () => {
    const url = "https://restore.example/mcp";
    // A public holder, deleted: a private server takes the URL; the public one is restored.
    expect((await publish(publicToken, withRemote(`${PUB}/restorable`, "1.0.0", url))).status).toBe(200);
    expect((await statusAt("", admin, `${PUB}/restorable`, "1.0.0", { status: "deleted" })).status).toBe(200);
    expect(
      (await groupPublish("alpha", await member("alice"), withRemote(`${ALPHA}/restore-twin`, "1.0.0", url))).status,
    ).toBe(200);
    const restored = await statusAt("", admin, `${PUB}/restorable`, "1.0.0", { status: "active" });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);

    // And the other way round, in the group.
    const mona = await member("mona");
    expect(
      (await statusAt("/groups/alpha", mona, `${ALPHA}/restore-twin`, "1.0.0", { status: "deleted" })).status,
    ).toBe(200);
    const back = await statusAt("/groups/alpha", mona, `${ALPHA}/restore-twin`, "1.0.0", { status: "active" });
    expect(back.status, JSON.stringify(back.body)).toBe(200);

    // Edits: a group's server takes a public server's URL; a public server a private one's.
    const publicUrl = "https://edit.example/mcp";
    expect((await publish(publicToken, withRemote(`${PUB}/edit-holder`, "1.0.0", publicUrl))).status).toBe(200);
    const edited = await editAt(
      "/groups/alpha",
      mona,
      `${ALPHA}/first`,
      "1.0.0",
      withRemote(`${ALPHA}/first`, "1.0.0", publicUrl),
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const secretUrl = "https://only-private.example/mcp";
    const publicEdit = await editAt(
      "",
      admin,
      `${PUB}/restorable`,
      "1.0.0",
      withRemote(`${PUB}/restorable`, "1.0.0", secretUrl),
    );
    expect(publicEdit.status).toBe(400); // io.pub/open-a holds it publicly
    expect(publicEdit.body.errors).toEqual([{ message: taken(secretUrl, `${PUB}/open-a`) }]);
    expectNoPrivateName(publicEdit.body);
  });
});

describe("the D1 backstops, per catalogue", () => {
  const version = (name: string, group: string | null, status = "active") =>
    env.DB.prepare(
      `INSERT INTO server_versions (name, version, status, status_changed_at, published_at, updated_at, is_latest, server_json, group_name)
       VALUES (?, '9.0.0', ?, 1, 1, 1, 0, '{}', ?)`,
    ).bind(name, status, group);
  const remote = (url: string, name: string) =>
    env.DB.prepare("INSERT INTO server_remotes (url, name, version) VALUES (?, ?, '9.0.0')").bind(url, name);
  const failure = async (statements: D1PreparedStatement[]) => {
    try {
      await env.DB.batch(statements);
      return undefined;
    } catch (err) {
      return String(err);
    }
  };

  it("an insert conflicts only with holders of the new row's catalogue", async () => {
    const url = "https://race.example/mcp";
    expect(await failure([version(`${PUB}/race`, null), remote(url, `${PUB}/race`)])).toBeUndefined();
    expect(await failure([version(`${ALPHA}/race`, "alpha"), remote(url, `${ALPHA}/race`)])).toBeUndefined();
    expect(await failure([version(`${BETA}/race`, "beta"), remote(url, `${BETA}/race`)])).toBeUndefined();
    expect(await failure([version(`${ALPHA}/race2`, "alpha"), remote(url, `${ALPHA}/race2`)])).toContain(
      "remote URL is already used by another server",
    );
    expect(await failure([version(`${PUB}/race2`, null), remote(url, `${PUB}/race2`)])).toContain(
      "remote URL is already used by another server",
    );
  });

  it("a restore conflicts only with holders of the restored row's catalogue", async () => {
    const url = "https://restore-race.example/mcp";
    for (const name of [`${ALPHA}/gone`, `${ALPHA}/gone2`]) {
      expect(await failure([version(name, "alpha", "deleted"), remote(url, name)])).toBeUndefined();
    }
    expect(await failure([version(`${PUB}/live`, null), remote(url, `${PUB}/live`)])).toBeUndefined();
    const restore = (name: string) =>
      env.DB.prepare("UPDATE server_versions SET status = 'active' WHERE name = ? AND version = '9.0.0'").bind(name);
    expect(await failure([restore(`${ALPHA}/gone`)])).toBeUndefined();
    expect(await failure([restore(`${ALPHA}/gone2`)])).toContain("remote URL is already used by another server");
  });
});
