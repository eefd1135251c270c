// The change feed of a view shows exactly that view: a private group's changes only in its own
// feed, which also carries the public changes it includes; the public feed never shows them, not
// by name, count or cursor (its answers are byte-identical to those of a catalogue without them,
// and its cursors count public changes only). A reader of a group's feed ends up with what the
// group's list shows. A private group's feed answers an outsider as an unknown group does, even
// for a bad cursor. A row moved into a group by hand leaves the public feed ("withdraw") and
// enters the group's; a deleted group's feed goes with it.
import { beforeAll, describe, expect, it } from "vitest";
import { includeFingerprint } from "../worker/src/domain/change-feed.ts";
import { pickLatest } from "../worker/src/domain/version-order.ts";
import { parseRfc3339 } from "../worker/src/domain/timestamps.ts";
import { createGroup, deleteGroup, orgAdminToken, patchGroup } from "./helpers/groups.ts";
import { createWriteGroup, editAt, groupPublish, member, statusAt } from "./helpers/group-writes.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";
import { drainFeed, feedPage, keyOf, OFFICIAL } from "./helpers/change-feed.ts";
import { env } from "cloudflare:workers";

const PRIVATE = "feed-secret";
const PNS = "com.zzfeedsecret";
const MARK = "zzfeedsecret";
const CURATED = "feed-curated";
const CNS = "com.feed-curated";
const PUBLIC_NS = "com.feed-open";

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
/** Tokens made in beforeAll. */
const tokens = {} as Record<"publisher" | "vera" | "pia" | "cal" | "outsider", string>;

/** Every page of the feed at `base` with page sizes 1, 3 and 100, as raw answers. */
async function rawFeed(base: string, init?: RequestInit): Promise<string[]> {
  const answers: string[] = [];
  for (const limit of [1, 3, 100]) {
    let after = "0";
    for (let page = 0; page < 1000; page++) {
      const response = await api(`${base}/x/changes?after=${after}&limit=${limit}`, init);
      const text = await response.text();
      answers.push(`${response.status} ${text}`);
      const body = JSON.parse(text);
      after = body.metadata.nextCursor;
      if (!body.metadata.more) break;
    }
  }
  return answers;
}

let publicBefore: string[];

beforeAll(async () => {
  tokens.publisher = await tokenFor(publishAll(`${PUBLIC_NS}/*`), "github-at", "opal");
  for (const slug of ["alpha", "beta", "gamma"]) {
    const published = await publish(tokens.publisher, serverJson(`${PUBLIC_NS}/${slug}`, "1.0.0"));
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  }
  await createWriteGroup({
    name: PRIVATE,
    namespaces: [PNS],
    include: [`${PUBLIC_NS}/alpha`],
    members: { "github:vera": "viewer", "github:pia": "manager" },
  });
  await createWriteGroup({
    name: CURATED,
    visibility: "public",
    namespaces: [CNS],
    include: [`${PUBLIC_NS}/beta`],
    members: { "github:cal": "publisher", "github:pia": "viewer" },
  });
  tokens.vera = await member("vera");
  tokens.pia = await member("pia");
  tokens.cal = await member("cal");
  tokens.outsider = await member("olga");
  publicBefore = await rawFeed("");

  // Private changes of every kind, and a curated group's own publish.
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
    const published = await groupPublish(PRIVATE, tokens.pia, serverJson(`${PNS}/${MARK}-tool`, version));
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  }
  const base = `/groups/${PRIVATE}`;
  expect(
    (await statusAt(base, tokens.pia, `${PNS}/${MARK}-tool`, "1.0.0", { status: "deprecated", statusMessage: MARK }))
      .status,
  ).toBe(200);
  expect((await statusAt(base, tokens.pia, `${PNS}/${MARK}-tool`, "2.0.0", { status: "deleted" })).status).toBe(200);
  const edited = serverJson(`${PNS}/${MARK}-tool`, "1.1.0", { description: `${MARK} edited` });
  expect((await editAt(base, await orgAdminToken(), `${PNS}/${MARK}-tool`, "1.1.0", edited)).status).toBe(200);
  expect((await groupPublish(CURATED, tokens.cal, serverJson(`${CNS}/own`, "1.0.0"))).status).toBe(200);
});

describe("the public feed", () => {
  it("answers byte for byte as before any private change, and counts only public changes", async () => {
    expect(await rawFeed("")).toEqual(publicBefore);
    expect(await rawFeed("", bearer(tokens.pia))).toEqual(publicBefore);
    // The next public change takes the next public position: nothing counted the others.
    const { next } = await drainFeed("");
    expect((await publish(tokens.publisher, serverJson(`${PUBLIC_NS}/delta`, "1.0.0"))).status).toBe(200);
    const after = await drainFeed("", { after: next });
    expect(after.changes.map((c) => [keyOf(c), c.cursor])).toEqual([
      [`${PUBLIC_NS}/delta@1.0.0`, String(Number(next) + 1)],
    ]);
    expect(JSON.stringify(await drainFeed(""))).not.toContain(MARK);
    expect(JSON.stringify(await drainFeed(""))).not.toContain(CNS);
  });
});

describe("a group's feed", () => {
  it("shows the group's own changes and its included public ones, nothing else", async () => {
    const { changes } = await drainFeed(`/groups/${PRIVATE}`, { init: bearer(tokens.vera) });
    expect(changes.map((c) => [keyOf(c), c.action])).toEqual([
      [`${PUBLIC_NS}/alpha@1.0.0`, "publish"],
      [`${PNS}/${MARK}-tool@1.0.0`, "publish"],
      [`${PNS}/${MARK}-tool@1.1.0`, "publish"],
      [`${PNS}/${MARK}-tool@2.0.0`, "publish"],
      [`${PNS}/${MARK}-tool@1.0.0`, "status"],
      [`${PNS}/${MARK}-tool@2.0.0`, "delete"],
      [`${PNS}/${MARK}-tool@1.1.0`, "edit"],
    ]);
    const curated = await drainFeed(`/groups/${CURATED}`);
    expect(curated.changes.map(keyOf)).toEqual([`${PUBLIC_NS}/beta@1.0.0`, `${CNS}/own@1.0.0`]);
    expect(JSON.stringify(curated)).not.toContain(MARK);
    // A group's cursors count its own changes and public ones (which anyone may count).
    const includes = includeFingerprint([`${PUBLIC_NS}/beta`]);
    expect(curated.changes.map((c) => c.cursor)).toEqual([`2.0.${includes}`, `3.1.${includes}`]);
  });

  it("leaves its reader with what the group's list shows (isLatest recomputed by the official rule)", async () => {
    const base = `/groups/${PRIVATE}`;
    const { changes } = await drainFeed(base, { limit: 2, init: bearer(tokens.vera) });
    const state = new Map<string, any>();
    for (const change of changes) {
      if (change.action === "withdraw") state.delete(keyOf(change));
      else state.set(keyOf(change), { server: change.server, official: change._meta[OFFICIAL] });
    }
    const byName = new Map<string, string[]>();
    for (const key of state.keys()) byName.set(key.split("@")[0]!, [...(byName.get(key.split("@")[0]!) ?? []), key]);
    for (const keys of byName.values()) {
      const candidates = keys.map((key) => ({
        version: key.split("@")[1]!,
        publishedAt: parseRfc3339(state.get(key).official.publishedAt)!,
        deleted: state.get(key).official.status === "deleted",
      }));
      const latest = pickLatest(candidates);
      keys.forEach((key, i) => (state.get(key).official = { ...state.get(key).official, isLatest: i === latest }));
    }
    const listed = await apiJson(`${base}/v0.1/servers?include_deleted=true&limit=100`, bearer(tokens.vera));
    const fromList = new Map(
      listed.body.servers.map((s: any) => [keyOf(s.server), { server: s.server, official: s._meta[OFFICIAL] }]),
    );
    expect(Object.fromEntries(state)).toEqual(Object.fromEntries(fromList));
  });

  it("answers an outsider as an unknown group does, whatever the cursor", async () => {
    const unknown = "zz-feed-nothere";
    for (const init of [{}, bearer(tokens.outsider), bearer(tokens.cal)]) {
      for (const query of ["", "?after=0&limit=5", "?after=not-a-cursor", "?limit=0", "?after=1.1"]) {
        const mine = await api(`/groups/${PRIVATE}/x/changes${query}`, init);
        const other = await api(`/groups/${unknown}/x/changes${query}`, init);
        const [mineText, otherText] = [await mine.text(), await other.text()];
        expect(mine.status, query).toBe(404);
        expect(mineText.replaceAll(PRIVATE, unknown)).toBe(otherText);
        expect(mineText).not.toContain(MARK);
      }
    }
  });

  it("a cursor from before the group's includes changed answers 410; the feed read again shows the new view", async () => {
    const base = `/groups/${CURATED}`;
    const { next } = await drainFeed(base);
    const admin = await orgAdminToken();
    const patched = await patchGroup(CURATED, { include: [`${PUBLIC_NS}/beta`, `${PUBLIC_NS}/delta`] }, admin);
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const stale = await apiJson(`${base}/x/changes?after=${next}`);
    expect(stale.status).toBe(410);
    expect(stale.response.headers.get("content-type")).toBe("application/problem+json");
    expect(stale.body.detail).toContain("after=0");
    // Read again: the newly included server's history is there, in its place.
    const again = await drainFeed(base);
    expect(again.changes.map(keyOf)).toEqual([
      `${PUBLIC_NS}/beta@1.0.0`,
      `${CNS}/own@1.0.0`,
      `${PUBLIC_NS}/delta@1.0.0`,
    ]);
    expect(await feedPage(base, again.next, 5)).toMatchObject({ changes: [], metadata: { more: false } });
    // Back to the old includes: the old cursor resumes again.
    expect((await patchGroup(CURATED, { include: [`${PUBLIC_NS}/beta`] }, admin)).status).toBe(200);
    expect((await feedPage(base, next, 5)).changes).toEqual([]);
  });

  it("a row moved into a group by hand leaves the public feed and enters the group's", async () => {
    const name = `${PUBLIC_NS}/gamma`;
    const [publicAt, groupAt] = [(await drainFeed("")).next, (await drainFeed(`/groups/${CURATED}`)).next];
    await env.DB.prepare("UPDATE server_versions SET group_name = ? WHERE name = ?").bind(CURATED, name).run();
    const left = await drainFeed("", { after: publicAt });
    expect(left.changes.map((c) => [keyOf(c), c.action, c.server])).toEqual([[`${name}@1.0.0`, "withdraw", undefined]]);
    const entered = await drainFeed(`/groups/${CURATED}`, { after: groupAt });
    expect(entered.changes.map((c) => [keyOf(c), c.action])).toEqual([[`${name}@1.0.0`, "publish"]]);
    expect(entered.changes[0].server).toEqual(serverJson(name, "1.0.0"));
    // And back: the group's feed says it left, the public feed that it is back.
    await env.DB.prepare("UPDATE server_versions SET group_name = NULL WHERE name = ?").bind(name).run();
    const back = await drainFeed("", { after: left.next });
    expect(back.changes.map((c) => [keyOf(c), c.action])).toEqual([[`${name}@1.0.0`, "publish"]]);
    const gone = await drainFeed(`/groups/${CURATED}`, { after: entered.next });
    expect(gone.changes.map((c) => [keyOf(c), c.action])).toEqual([[`${name}@1.0.0`, "withdraw"]]);
  });

  it("a deleted group's feed goes with it: a new group of that name starts empty", async () => {
    const admin = await orgAdminToken();
    expect((await deleteGroup(PRIVATE, admin, "?purge=true")).status).toBe(200);
    expect((await feedPage(`/groups/${CURATED}`, "0", 100)).changes.length).toBeGreaterThan(0);
    const created = await createGroup({ name: PRIVATE, visibility: "public", namespaces: [PNS] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { changes, next } = await drainFeed(`/groups/${PRIVATE}`);
    expect(changes).toEqual([]);
    expect(next).toBe(`${(await drainFeed("")).next}.0.${includeFingerprint([])}`);
  });
});
