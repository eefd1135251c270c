// GET /x/moderation-log: public, paged, each decision's time, target, action and message;
// never who reported, nor who decided.
import { describe, expect, it } from "vitest";
import { denylistAdd, denylistRemove, maintainerToken, report, resolve } from "./helpers/moderation.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.moderation-log";

async function allDecisions() {
  const out: any[] = [];
  let cursor = "";
  for (;;) {
    const page = await apiJson(`/x/moderation-log?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    out.push(...page.body.decisions);
    if (!page.body.metadata.nextCursor) return out;
    cursor = page.body.metadata.nextCursor;
  }
}

describe("the public moderation log", async () => {
  const admin = await maintainerToken();
  const publisher = await tokenFor(publishAll(`${NS}/*`));
  await publish(publisher, serverJson(`${NS}/tool`, "1.0.0"));
  const reporterToken = await tokenFor([], "github-at", "whistleblower");
  const filed = await report(
    { name: `${NS}/tool`, reason: "malicious", details: "my private evidence" },
    { token: reporterToken },
  );
  await report({ name: `${NS}/tool`, reason: "spam" }, { ip: "198.51.100.77" });
  await resolve(admin, filed.body.id, { action: "deprecate", message: "Under investigation by the maintainers." });
  await denylistAdd(admin, { kind: "remote-host", value: "phish.moderation-log.example", reason: "Phishing" });
  await denylistRemove(admin, { kind: "remote-host", value: "phish.moderation-log.example" });

  it("lists each decision with time, action, target and message, in order, across pages", async () => {
    const mine = (await allDecisions()).filter((d) => JSON.stringify(d.target).includes("moderation-log"));
    expect(mine.map(({ action, target, message }) => ({ action, target, message }))).toEqual([
      {
        action: "deprecate",
        target: { kind: "server", value: `${NS}/tool` },
        message: "Under investigation by the maintainers.",
      },
      {
        action: "denylist",
        target: { kind: "remote-host", value: "phish.moderation-log.example" },
        message: "Phishing",
      },
      {
        action: "undenylist",
        target: { kind: "remote-host", value: "phish.moderation-log.example" },
        message: "Phishing",
      },
    ]);
    for (const d of mine) expect(Date.parse(d.time)).toBeGreaterThan(0);
  });

  it("never shows reporters, report details or the deciding maintainer, and needs no token", async () => {
    const text = await (await api("/x/moderation-log?limit=500")).text();
    for (const secret of [
      "whistleblower",
      "my private evidence",
      "198.51.100.77",
      "moderator@example.test",
      "reporter",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("refuses a malformed cursor (422)", async () => {
    expect((await api("/x/moderation-log?cursor=-1")).status).toBe(422);
  });
});
