// A denylist entry whose sweep meets a namespace writer that cannot reach D1: the entry is
// committed and blocks publishing at once, every other namespace is swept, the answer says the
// sweep is incomplete (201, not a 500), and the cron finishes it once the writer recovers.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { sweepDenylist } from "../worker/src/cron/sweep-denylist.ts";
import { D1_OUTAGES, failingD1, swapObjectEnv } from "./helpers/faults.ts";
import { denylistAdd, maintainerToken } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";

const HOST = "mcp.sweep-outage.example";
const remote = (name: string) =>
  serverJson(name, "1.0.0", { remotes: [{ type: "streamable-http", url: `https://${HOST}/${name}` }] });
/** The stored status (from D1: the cron's sweep reaches the caches only with the clock's flush). */
const status = async (name: string) =>
  (await env.DB.prepare("SELECT status FROM server_versions WHERE name = ?").bind(name).first<{ status: string }>())
    ?.status;

it("answers 201 with sweepComplete: false, sweeps the healthy namespaces, and the cron finishes the rest", async () => {
  const token = await tokenFor(publishAll("*"));
  expect((await publish(token, remote("com.sweep-ok/tool"))).status).toBe(200);
  expect((await publish(token, remote("com.sweep-down/tool"))).status).toBe(200);

  const restore = await swapObjectEnv(env.STREAM_WRITER.getByName("com.sweep-down"), { DB: failingD1(D1_OUTAGES[0]) });
  let added: Awaited<ReturnType<typeof denylistAdd>>;
  try {
    added = await denylistAdd(await maintainerToken(), { kind: "remote-host", value: HOST, reason: "outage test" });
  } finally {
    await restore();
  }
  expect(added.status).toBe(201);
  expect(added.body.sweepComplete).toBe(false);
  expect(added.body.deleted).toEqual({ "com.sweep-ok/tool": ["1.0.0"] });
  expect(await status("com.sweep-ok/tool")).toBe("deleted");
  expect(await status("com.sweep-down/tool")).toBe("active");
  // The entry already blocks publishing there.
  expect(
    (
      await publish(
        token,
        serverJson("com.sweep-down/other", "1.0.0", { remotes: [{ type: "sse", url: `https://${HOST}/x` }] }),
      )
    ).status,
  ).toBe(403);

  await sweepDenylist(env);
  expect(await status("com.sweep-down/tool")).toBe("deleted");
});
