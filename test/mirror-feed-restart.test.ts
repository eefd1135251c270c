// An upstream change feed that answers 410 to the source's cursor (a group feed whose includes
// changed; a registry restored from a backup or reset, whose head is now behind the cursor) asks
// its readers to read it again from after=0. A source in feed mode does so in the same step,
// instead of failing forever: the history read again changes nothing it already holds (a state
// no newer than the one held is not applied), and what is new arrives.
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { stubFetch } from "./helpers/fetch-stub.ts";
import { registerSource, sourceState, stepOnce } from "./helpers/mirror.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";

const BASE = "https://restart.upstream.test";
const at = (day: number) => Date.UTC(2025, 5, day) * 1000;

/** The upstream as it was, and as it is after a restore from an older backup plus one new version. */
const before = new FakeUpstream(BASE, { feed: true });
const restored = new FakeUpstream(BASE, { feed: true });
let current = before;
const asked: string[] = [];

/** The upstream's feed head (the cursor a reader at its end holds). */
function headOf(upstream: FakeUpstream): number {
  const page = JSON.parse(upstream.feedPage(new URLSearchParams({ after: "0", limit: "1000" })).body);
  return Number(page.metadata.nextCursor);
}

/** GET /x/changes as a deployment of ours answers a cursor ahead of its head: 410. */
function serveFeed(request: Request): Promise<Response> | Response {
  const after = new URL(request.url).searchParams.get("after") ?? "0";
  asked.push(after);
  if (Number(after) > headOf(current)) {
    return Response.json(
      {
        title: "Gone",
        status: 410,
        detail:
          "This cursor is ahead of the feed's end (the registry was restored or reset): read its feed again from after=0",
      },
      { status: 410, headers: { "content-type": "application/problem+json" } },
    );
  }
  return current.handle(request);
}

const detail = async (name: string) =>
  apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/1.0.0`).then((r) => ({
    ...r,
    official: r.status === 200 ? official(r.body) : undefined,
  }));

describe("an upstream feed that answers 410 to the source's cursor", () => {
  let id: string;

  beforeAll(async () => {
    stubFetch({ [`${BASE}/x/changes`]: serveFeed, [`${BASE}/v0.1/servers`]: (r) => current.handle(r) });
    before.publish(serverJson("com.restart/tool-a", "1.0.0") as never, at(1));
    before.publish(serverJson("com.restart/tool-b", "1.0.0") as never, at(2));
    before.setStatus("com.restart/tool-a", "1.0.0", "deprecated", "use b");
    id = await registerSource({ url: BASE, into: "public" });
    await stepOnce(id, 5);
    expect(await sourceState(id)).toMatchObject({ mode: "feed", position: "3", caughtUp: true, lastError: null });

    // Restored from a backup taken before a's deprecation, then c published: head 2, behind "3".
    restored.publish(serverJson("com.restart/tool-a", "1.0.0") as never, at(1));
    restored.publish(serverJson("com.restart/tool-c", "1.0.0") as never, at(4));
    current = restored;
    asked.length = 0;
    await stepOnce(id, 5);
  });

  it("reads the feed again from after=0 in the same step, and stands at the new head", async () => {
    expect(asked).toEqual(["3", "0"]);
    expect(await sourceState(id)).toMatchObject({
      mode: "feed",
      position: "2",
      caughtUp: true,
      lastError: null,
      counts: { added: 3, updated: 0, unchanged: 1, skipped: 0 },
    });
  });

  it("mirrors what is new and moves nothing back", async () => {
    expect((await detail("com.restart/tool-c")).status).toBe(200);
    expect((await detail("com.restart/tool-a")).official).toMatchObject({
      status: "deprecated",
      statusMessage: "use b",
    });
    expect((await detail("com.restart/tool-b")).status).toBe(200);
  });

  it("resumes normally afterwards", async () => {
    restored.publish(serverJson("com.restart/tool-d", "1.0.0") as never, at(5));
    asked.length = 0;
    await stepOnce(id, 5);
    expect(asked).toEqual(["2"]);
    expect(await sourceState(id)).toMatchObject({ position: "3", lastError: null, counts: { added: 4 } });
  });
});
