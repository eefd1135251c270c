// A source's include and exclude patterns choose the upstream names it mirrors: a name is
// written when an include pattern matches it (no includes: every name) and no exclude pattern
// does. Names left out are not mirrored and not reported as skips (the administrator chose them).
import { beforeAll, describe, expect, it } from "vitest";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { registerSource, serveUpstreams, sourceState, stepOnce } from "./helpers/mirror.ts";
import { serverJson, walkList } from "./helpers/registry.ts";

const upstream = new FakeUpstream("https://patterns.upstream.test");

describe("include and exclude patterns", () => {
  let id: string;
  beforeAll(async () => {
    serveUpstreams(upstream);
    const names = ["com.want/alpha", "com.want/beta", "com.wanted/extra", "io.github.x/wanted", "com.other/c"];
    names.forEach((name, i) => upstream.publish(serverJson(name, "1.0.0") as never, Date.UTC(2025, 0, i + 1) * 1000));
    id = await registerSource({
      url: upstream.base,
      into: "public",
      include: ["com.want/*", "com.wanted/extra", "io.github.x/wanted"],
      exclude: ["com.want/beta", "io.github.*"],
    });
    await stepOnce(id, 5);
  });

  it("mirrors the included names that are not excluded", async () => {
    const { items } = await walkList("", 100);
    expect(items.map((i) => i.server.name)).toEqual(["com.want/alpha", "com.wanted/extra"]);
    expect(await sourceState(id)).toMatchObject({ caughtUp: true, counts: { added: 2, skipped: 0 }, recentSkips: [] });
  });
});
