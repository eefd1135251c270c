// Abuse limits of the token exchanges (POST /auth/*), with RATE_LIMIT_AUTH as wrangler.toml
// deploys it: per client address before the body is read (failed exchanges count), and per
// proven identity once an exchange succeeds. A refused exchange issues no token and appends
// nothing to the "~auth" audit stream.
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditOf } from "../helpers/moderation.ts";
import { apiJson } from "../helpers/registry.ts";
import { jsonResponse, stubFetch } from "../helpers/auth-fixtures.ts";
import { configured, expectLimited, fromAddress, roomInWindow } from "./helpers.ts";

const { limit, period } = configured("RATE_LIMIT_AUTH");

afterEach(() => {
  vi.restoreAllMocks();
});

function exchange(path: string, ip: string, body?: unknown) {
  return apiJson(`/v0.1/auth/${path}`, {
    method: "POST",
    headers: fromAddress(ip, { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const staleProof = () => ({
  domain: "limits.example",
  timestamp: new Date(Date.now() - 3_600_000).toISOString(),
  signed_timestamp: "AAAA",
});

/** GitHub answers with the login named by the presented token ("gho_<login>"). */
function stubGitHub() {
  stubFetch({
    "https://api.github.com/user": (request) =>
      jsonResponse({ login: request.headers.get("authorization")!.replace(/^Bearer gho_/, ""), id: 1 }),
    "https://api.github.com/user/memberships/orgs": () => jsonResponse([]),
  });
}

describe("token exchange limits", () => {
  it("per address: failed exchanges count; the next exchange is 429, unaudited; others unaffected", async () => {
    await roomInWindow(period, 10_000);
    const ip = "198.18.10.1";
    for (let i = 0; i < limit; i++) expect((await exchange("dns", ip, staleProof())).status).toBe(401);
    const rows = (await auditOf("~auth")).length;
    expectLimited(await exchange("dns", ip, staleProof()), period);
    expectLimited(await exchange("none", ip), period);
    expectLimited(await exchange("http", ip, "not even json"), period);
    expect(await auditOf("~auth")).toHaveLength(rows);
    expect((await exchange("dns", "198.18.10.2", staleProof())).status).toBe(401);
  });

  it("per identity: after `limit` tokens for one login, the next is refused from any address", async () => {
    await roomInWindow(period, 10_000);
    stubGitHub();
    for (let i = 0; i < limit; i++) {
      const res = await exchange("github-at", `198.18.11.${i + 1}`, { github_token: "gho_limited-login" });
      expect(res.status).toBe(200);
    }
    const rows = (await auditOf("~auth")).length;
    const refused = await exchange("github-at", "198.18.12.1", { github_token: "gho_limited-login" });
    expectLimited(refused, period);
    expect(refused.body.registry_token).toBeUndefined();
    expect(await auditOf("~auth")).toHaveLength(rows);
    const other = await exchange("github-at", "198.18.12.1", { github_token: "gho_other-login" });
    expect(other.status).toBe(200);
    expect((await auditOf("~auth")).at(-1)).toMatchObject({ actorSubject: "other-login", outcome: "ok" });
  });
});
