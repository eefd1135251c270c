// Identifiers taken from input are bounded (issue 9): a server.json `version` is at most 255 code
// points (the schema's maxLength) wherever a server.json is read; a report names a legal server
// name and version; and a path name or version longer than any legal one is not found at once,
// without a KV or D1 lookup.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../worker/src/http/router.ts";
import { importEntries } from "../worker/src/writes/import-entries.ts";
import { ORIGIN, apiJson, serverJson } from "./helpers/registry.ts";
import { editAll, publish, publishAll, putVersion, tokenFor } from "./helpers/publishing.ts";
import { report } from "./helpers/moderation.ts";

const NS = "com.identifier-lengths";
const NAME = `${NS}/tool`;

const tooLong = { message: "expected length <= 255", location: "body.version" };

describe("server.json version length", async () => {
  const owner = await tokenFor(publishAll(`${NS}/*`));
  const admin = await tokenFor(editAll("*"));

  it("publish refuses 256 code points and accepts 255", async () => {
    const refused = await publish(owner, serverJson(NAME, "1".repeat(256)));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ ...tooLong, value: "1".repeat(256) }]);
    // Code points, not UTF-16 units: 255 astral characters are 510 units.
    expect((await publish(owner, serverJson(NAME, "𝔸".repeat(255)))).status).toBe(200);
    expect((await publish(owner, serverJson(NAME, "𝔸".repeat(256)))).status).toBe(422);
    expect((await publish(owner, serverJson(NAME, "1".repeat(255)))).status).toBe(200);
  });

  it("validate and the admin edit refuse it too", async () => {
    const long = "2".repeat(256);
    const validated = await apiJson("/v0/validate", { method: "POST", body: JSON.stringify(serverJson(NAME, long)) });
    expect(validated.status).toBe(422);
    expect(validated.body.errors).toEqual([{ ...tooLong, value: long }]);
    const edited = await putVersion(admin, NAME, "1".repeat(255), serverJson(NAME, long));
    expect(edited.status).toBe(422);
    expect(edited.body.errors).toEqual([{ ...tooLong, value: long }]);
  });

  it("import rejects it", async () => {
    const result = await importEntries(env, [
      { source: "long", server: serverJson(`${NS}/imported`, "3".repeat(256)) },
      { source: "ok", server: serverJson(`${NS}/imported`, "3".repeat(255)) },
    ]);
    expect(result.inserted).toBe(1);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ source: "long" });
    expect(result.rejected[0]!.reasons.join(" ")).toContain("expected length <= 255");
  });
});

describe("report identifiers", async () => {
  const owner = await tokenFor(publishAll(`${NS}/*`));
  await publish(owner, serverJson(`${NS}/reported`, "1.0.0"));

  it.each([
    ["a name over 200 characters", { name: `${NS}/${"a".repeat(200)}`, reason: "spam" }, "body.name"],
    ["a name that is no server name", { name: "no slash here", reason: "spam" }, "body.name"],
    [
      "a version over 255 characters",
      { name: `${NS}/reported`, version: "1".repeat(256), reason: "spam" },
      "body.version",
    ],
  ])("refuses %s with 422", async (_label, body, location) => {
    const res = await report(body, { ip: "203.0.113.50" });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.location)).toContain(location);
  });

  it("still files a report on a legal name and version", async () => {
    const res = await report({ name: `${NS}/reported`, version: "1.0.0", reason: "spam" }, { ip: "203.0.113.51" });
    expect(res.status).toBe(201);
  });
});

describe("path parameters longer than any legal value", () => {
  /** The Worker's handler over bindings that fail on any use: proves nothing was looked up. */
  async function withoutStorage(path: string) {
    const refuse = new Proxy(
      {},
      {
        get() {
          throw new Error("storage touched");
        },
      },
    );
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const response = await handleRequest(
      new Request(`${ORIGIN}${path}`),
      { ...env, DB: refuse, CACHE: refuse } as unknown as Env,
      ctx,
    );
    return { status: response.status, body: (await response.json()) as any };
  }

  const longName = encodeURIComponent(`${NS}/${"n".repeat(200)}`);
  const longVersion = encodeURIComponent("9".repeat(256));

  it.each([
    `/v0.1/servers/${longName}/versions`,
    `/v0.1/servers/${longName}/versions/latest`,
    `/v0.1/servers/${encodeURIComponent(NAME)}/versions/${longVersion}`,
    `/v0/servers/${encodeURIComponent("𝔸".repeat(201))}/versions`,
  ])("GET %s answers 404 without touching KV or D1", async (path) => {
    expect(await withoutStorage(path)).toEqual({
      status: 404,
      body: { title: "Not Found", status: 404, detail: "Server not found" },
    });
  });

  it("checks the query first, as before", async () => {
    const { status } = await withoutStorage(`/v0.1/servers/${longName}/versions?include_deleted=maybe`);
    expect(status).toBe(422);
  });

  it("still finds legal names and versions of the maximum length", async () => {
    const name = `${NS}/${"m".repeat(200 - NS.length - 1)}`;
    const owner = await tokenFor(publishAll(`${NS}/*`));
    const server = serverJson(name, "8".repeat(255), { description: "Longest legal name" });
    expect((await publish(owner, server)).status).toBe(200);
    const found = await apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/${"8".repeat(255)}`);
    expect(found.status).toBe(200);
    expect(found.body.server.version).toBe("8".repeat(255));
  });
});
