// The cron finishes denylist sweeps: an entry whose matches are still visible (a request
// interrupted mid-sweep, a publish that raced the entry) is applied by the next scheduled run,
// through the namespace writers, audited as the cron; a second run changes nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweepDenylist } from "../worker/src/cron/sweep-denylist.ts";
import { auditOf } from "./helpers/moderation.ts";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor, withRemote } from "./helpers/publishing.ts";

const NS = "com.cron-sweep";

describe("the denylist cron sweep", () => {
  it("deletes matches a request left behind, once", async () => {
    const token = await tokenFor(publishAll(`${NS}/*`));
    expect(
      (await publish(token, withRemote(`${NS}/remote`, "1.0.0", "https://mcp.left-behind.example/x"))).status,
    ).toBe(200);
    expect((await publish(token, serverJson(`${NS}/clean`, "1.0.0"))).status).toBe(200);
    // As if the request that added the entry died before sweeping.
    await env.DB.prepare("INSERT INTO denylist (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)")
      .bind("remote-host", "left-behind.example", "Credential phishing", Date.now() * 1000, "oidc:moderator")
      .run();

    await sweepDenylist(env);
    const rows = await auditOf(NS);
    expect(rows.at(-1)).toMatchObject({
      action: "denylist-sweep",
      name: `${NS}/remote`,
      actorMethod: "system",
      actorSubject: "cron",
      outcome: "ok",
    });
    const gone = await apiJson(
      `/v0.1/servers/${encodeURIComponent(`${NS}/remote`)}/versions/1.0.0?include_deleted=true`,
    );
    expect(gone.body._meta["io.modelcontextprotocol.registry/official"]).toMatchObject({
      status: "deleted",
      statusMessage: expect.stringContaining("Credential phishing"),
    });
    expect((await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/clean`)}/versions/1.0.0`)).status).toBe(200);

    await sweepDenylist(env);
    expect(await auditOf(NS)).toHaveLength(rows.length);
  });
});
