// Write routes whose path names something no server can have (a name outside the body model's
// pattern or lengths, an over-long version): answered as the miss (or missing permission) it is,
// without an audit row and without reaching a writer, so a path can neither pick an audit stream
// ("~moderation", "~auth") nor fill the trail with kilobytes of input.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { patchStatus, publishAll, putVersion, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";

const auditRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())!.n;

it.each([
  ["a stream name", "~moderation", undefined],
  ["the auth stream", "~auth/x", "1.0.0"],
  ["a 16 KB name", `com.example/${"n".repeat(16_000)}`, "1.0.0"],
  ["a 16 KB version", "com.example/tool", "v".repeat(16_000)],
  ["a name without '/'", "com.example", undefined],
])("a status change on %s is a 404 and writes no audit row", async (_what, name, version) => {
  const token = await tokenFor(publishAll("*"));
  const before = await auditRows();
  const res = await patchStatus(token, name, version, { status: "deprecated" });
  expect(res.status).toBe(404);
  expect(res.body.detail).toBe(version === undefined ? "Server not found" : "Server version not found");
  expect(await auditRows()).toBe(before);
});

it("without permission it is still the 403 a real name gets, and not audited", async () => {
  const token = await tokenFor(publishAll("io.other/*"));
  const before = await auditRows();
  const res = await patchStatus(token, "~moderation", undefined, { status: "deprecated" });
  expect(res.status).toBe(403);
  expect(await auditRows()).toBe(before);
});

it("an admin edit of a 16 KB version is a 404 and writes no audit row", async () => {
  const token = await tokenFor([{ action: "edit", resource: "*" }]);
  const before = await auditRows();
  const version = "v".repeat(16_000);
  const res = await putVersion(token, "com.example/tool", version, serverJson("com.example/tool", "1.0.0"));
  expect(res.status).toBe(404);
  expect(await auditRows()).toBe(before);
});
