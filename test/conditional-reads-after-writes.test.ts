// A write changes the ETag of exactly the answers it changes: after a publish or a status change
// the old tag gets 200 with the new body (and the new tag a 304), while answers the write did not
// touch keep their tag, even though every cache was re-rendered. A group's private write changes
// no answer of the root.
import { beforeAll, describe, expect, it } from "vitest";
import { api, serverJson } from "./helpers/registry.ts";
import { patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { createWriteGroup, groupPublish, member } from "./helpers/group-writes.ts";

const NS = "com.etagw";
let owner: string;
let alice: string;

beforeAll(async () => {
  owner = await tokenFor(publishAll(`${NS}/*`));
  for (const [name, version] of [
    [`${NS}/one`, "1.0.0"],
    [`${NS}/two`, "1.0.0"],
  ] as const) {
    expect((await publish(owner, serverJson(name, version))).status).toBe(200);
  }
  await createWriteGroup({
    name: "etagw-team",
    visibility: "private",
    namespaces: ["com.etagwteam"],
    include: [`${NS}/*`],
    members: { "github:alice": "publisher" },
  });
  alice = await member("alice");
  expect((await groupPublish("etagw-team", alice, serverJson("com.etagwteam/tool", "1.0.0"))).status).toBe(200);
});

const enc = encodeURIComponent;

/** The current tag and body of each path (with `headers`). */
async function snapshot(paths: readonly string[], headers: Record<string, string> = {}) {
  const out = new Map<string, { etag: string; body: string }>();
  for (const path of paths) {
    const response = await api(path, { headers });
    expect(response.status, path).toBe(200);
    out.set(path, { etag: response.headers.get("etag")!, body: await response.text() });
  }
  return out;
}

/** What `path` answers to If-None-Match with `etag`. */
async function revalidate(path: string, etag: string, headers: Record<string, string> = {}) {
  const response = await api(path, { headers: { ...headers, "if-none-match": etag } });
  return { status: response.status, etag: response.headers.get("etag")!, body: await response.text() };
}

/** Each path of `changed` answers its old tag with 200, a new tag and the new body; `same` still 304. */
async function expectChanged(
  before: Map<string, { etag: string; body: string }>,
  changed: readonly string[],
  same: readonly string[],
  headers: Record<string, string> = {},
) {
  const after = await snapshot([...changed, ...same], headers);
  for (const path of changed) {
    const old = before.get(path)!;
    const fresh = after.get(path)!;
    const answer = await revalidate(path, old.etag, headers);
    expect(answer.status, path).toBe(200);
    expect(answer.body, path).toBe(fresh.body);
    expect(answer.body, path).not.toBe(old.body);
    expect(answer.etag, path).toBe(fresh.etag);
    expect(fresh.etag, path).not.toBe(old.etag);
    expect((await revalidate(path, fresh.etag, headers)).status, path).toBe(304);
  }
  for (const path of same) {
    expect(after.get(path)!.body, path).toBe(before.get(path)!.body);
    expect((await revalidate(path, before.get(path)!.etag, headers)).status, path).toBe(304);
  }
}

describe("after a write", () => {
  it("a publish changes the tags of the answers it changes, and only those", async () => {
    const changed = [
      "/v0.1/servers",
      `/v0.1/servers?search=${NS}/`,
      `/v0/servers/${enc(`${NS}/one`)}/versions`,
      `/v0.1/servers/${enc(`${NS}/one`)}/versions/latest`,
      // isLatest moves to the new version.
      `/v0.1/servers/${enc(`${NS}/one`)}/versions/1.0.0`,
      `/x/search?q=etagw`,
      "/x/changes",
    ];
    const same = [
      `/v0.1/servers/${enc(`${NS}/two`)}/versions`,
      `/v0.1/servers/${enc(`${NS}/two`)}/versions/1.0.0`,
      "/v0.1/servers?search=nothing-matches-this",
      "/x/search?q=nothing-matches-this",
    ];
    const before = await snapshot([...changed, ...same]);
    expect((await publish(owner, serverJson(`${NS}/one`, "1.1.0"))).status).toBe(200);
    await expectChanged(before, changed, same);
    const latest = await api(`/v0.1/servers/${enc(`${NS}/one`)}/versions/latest`);
    expect(((await latest.json()) as any).server.version).toBe("1.1.0");
  });

  it("a status change changes the tags of that version's answers", async () => {
    const changed = [
      `/v0.1/servers/${enc(`${NS}/two`)}/versions/1.0.0`,
      `/v0.1/servers/${enc(`${NS}/two`)}/versions/latest`,
      `/v0.1/servers/${enc(`${NS}/two`)}/versions`,
      `/v0.1/servers?search=${NS}/`,
      "/x/changes",
    ];
    const same = [`/v0.1/servers/${enc(`${NS}/one`)}/versions/1.1.0`];
    const before = await snapshot([...changed, ...same]);
    const patched = await patchStatus(owner, `${NS}/two`, "1.0.0", { status: "deprecated", statusMessage: "old" });
    expect(patched.status).toBe(200);
    await expectChanged(before, changed, same);
    const detail = await api(`/v0.1/servers/${enc(`${NS}/two`)}/versions/1.0.0`);
    expect(((await detail.json()) as any)._meta["io.modelcontextprotocol.registry/official"].status).toBe("deprecated");
  });

  it("a group's private publish changes the group's answers and none of the root's", async () => {
    const auth = { authorization: `Bearer ${alice}` };
    const inGroup = [
      "/groups/etagw-team/v0.1/servers",
      `/groups/etagw-team/v0.1/servers/${enc("com.etagwteam/tool")}/versions`,
      `/groups/etagw-team/v0.1/servers/${enc("com.etagwteam/tool")}/versions/latest`,
      "/groups/etagw-team/x/search?q=tool",
      "/groups/etagw-team/x/changes",
    ];
    const root = ["/v0.1/servers", "/v0.1/servers?version=latest", "/x/search?q=tool", "/x/changes"];
    const beforeGroup = await snapshot(inGroup, auth);
    const beforeRoot = await snapshot(root);
    expect((await groupPublish("etagw-team", alice, serverJson("com.etagwteam/tool", "1.1.0"))).status).toBe(200);
    await expectChanged(beforeGroup, inGroup, [], auth);
    await expectChanged(beforeRoot, [], root);
  });
});
