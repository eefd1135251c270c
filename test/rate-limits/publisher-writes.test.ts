// Abuse limits of the publisher writes (POST /publish, PATCH …/status, PUT …/versions/{v}), with
// RATE_LIMIT_PUBLISH as wrangler.toml deploys it: per client address (IPv6 by its /64), counted
// before the body is read, and per token subject, counted right after authentication. A refused
// write stores nothing and leaves no audit row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditOf } from "../helpers/moderation.ts";
import { apiJson, serverJson } from "../helpers/registry.ts";
import { publishAll, tokenFor, type Grant } from "../helpers/publishing.ts";
import { configured, expectLimited, fromAddress, roomInWindow } from "./helpers.ts";

const NS = "com.limits-publish";
const { limit, period } = configured("RATE_LIMIT_PUBLISH");

function send(method: string, path: string, ip: string, token: string | undefined, body?: unknown) {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return apiJson(path, {
    method,
    headers: fromAddress(ip, { "content-type": "application/json", ...auth }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const publishFrom = (ip: string, token: string, name: string, version: string) =>
  send("POST", "/v0.1/publish", ip, token, serverJson(name, version));

const versionPath = (name: string, version: string) =>
  `/v0.1/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;

async function stored(name: string, version: string) {
  return env.DB.prepare("SELECT status, server_json FROM server_versions WHERE name = ? AND version = ?")
    .bind(name, version)
    .first<{ status: string; server_json: string }>();
}

const publisher = (subject: string, extra: Grant[] = []) =>
  tokenFor([...publishAll(`${NS}/*`), ...extra], "github-at", subject);

describe("publisher write limits", () => {
  it("per address: the next write is 429 with Retry-After, before its body is read; nothing stored", async () => {
    await roomInWindow(period, 10_000);
    const ip = "198.18.0.1";
    const name = `${NS}/by-address`;
    for (let i = 0; i < limit; i++) {
      // Different subjects: only the address is shared.
      expect((await publishFrom(ip, await publisher(`address-${i}`), name, `1.0.${i}`)).status).toBe(200);
    }
    const rows = (await auditOf(NS)).length;
    const token = await publisher("address-last");
    expectLimited(await publishFrom(ip, token, name, "2.0.0"), period);
    // No body and no token: still 429, the address is checked first.
    expectLimited(await send("POST", "/v0.1/publish", ip, undefined), period);
    expect(await stored(name, "2.0.0")).toBeNull();
    expect(await auditOf(NS)).toHaveLength(rows);
    // Another address is counted on its own.
    expect((await publishFrom("198.18.0.2", token, name, "2.0.0")).status).toBe(200);
  });

  it("groups IPv6 addresses by their /64", async () => {
    await roomInWindow(period, 10_000);
    for (let i = 0; i < limit; i++) {
      // Bodiless requests are refused (400) after the address check, and count.
      expect((await send("POST", "/v0.1/publish", `2001:db8:aa:1::${(i + 1).toString(16)}`, undefined)).status).toBe(
        400,
      );
    }
    const token = await publisher("ipv6");
    const name = `${NS}/by-block`;
    expectLimited(await publishFrom("2001:db8:aa:1:ffff:ffff:ffff:fffe", token, name, "1.0.0"), period);
    expectLimited(await publishFrom("2001:0DB8:00AA:0001:0:0:0:abcd", token, name, "1.0.0"), period);
    expect(await stored(name, "1.0.0")).toBeNull();
    expect((await publishFrom("2001:db8:aa:2::1", token, name, "1.0.0")).status).toBe(200);
  });

  it("per subject: publishes, status changes and edits share the count; refused ones change nothing", async () => {
    await roomInWindow(period, 10_000);
    const name = `${NS}/by-subject`;
    const token = await publisher("busy-maintainer", [{ action: "edit", resource: `${NS}/*` }]);
    const ip = (i: number) => `198.18.1.${i + 1}`;
    for (let i = 0; i < limit - 2; i++) {
      expect((await publishFrom(ip(i), token, name, `1.0.${i}`)).status).toBe(200);
    }
    const status = { status: "deprecated", statusMessage: "use 1.0.1" };
    expect((await send("PATCH", `${versionPath(name, "1.0.0")}/status`, ip(100), token, status)).status).toBe(200);
    const edited = serverJson(name, "1.0.1", { description: "edited once" });
    expect((await send("PUT", versionPath(name, "1.0.1"), ip(101), token, edited)).status).toBe(200);

    const rows = (await auditOf(NS)).length;
    const fresh = "198.18.2.1";
    expectLimited(await publishFrom(fresh, token, name, "2.0.0"), period);
    const deleted = { status: "deleted", statusMessage: "gone" };
    expectLimited(await send("PATCH", `${versionPath(name, "1.0.2")}/status`, fresh, token, deleted), period);
    expectLimited(
      await send("PATCH", `/v0.1/servers/${encodeURIComponent(name)}/status`, fresh, token, deleted),
      period,
    );
    const again = serverJson(name, "1.0.1", { description: "edited twice" });
    expectLimited(await send("PUT", versionPath(name, "1.0.1"), fresh, token, again), period);

    expect(await stored(name, "2.0.0")).toBeNull();
    expect((await stored(name, "1.0.2"))?.status).toBe("active");
    expect(JSON.parse((await stored(name, "1.0.1"))!.server_json).description).toBe("edited once");
    expect(await auditOf(NS)).toHaveLength(rows);
    // Another subject from the same (fresh) address is counted on its own.
    expect((await publishFrom(fresh, await publisher("someone-else"), name, "2.0.0")).status).toBe(200);
  });
});
