// Under /groups/{group}/ a route answers exactly as at the root: handlers see the inner path, so
// a switched-off exchange, an unknown route or a wrong method get the root's answer, for any
// group name (token exchanges do not look the group up at all).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiWith } from "./helpers/oidc-access.ts";

const switchedOff = { ...env, OIDC_ENABLED: "false", ENABLE_ANONYMOUS_AUTH: "false" };

async function answer(path: string, init?: RequestInit) {
  const response = await apiWith(switchedOff, path, init);
  return { status: response.status, body: await response.text(), allow: response.headers.get("allow") };
}

describe("routes under a group's prefix", () => {
  it("answer a switched-off exchange as the root does, whatever the group", async () => {
    for (const exchange of ["/v0/auth/oidc", "/v0.1/auth/none"]) {
      const root = await answer(exchange, { method: "POST" });
      expect(root.status).toBe(404);
      for (const group of ["no-such-group", "a"]) {
        expect(await answer(`/groups/${group}${exchange}`, { method: "POST" })).toEqual(root);
      }
    }
  });

  it("answer a wrong method of an exchange with the root's 405 and Allow", async () => {
    const root = await answer("/v0/auth/github-at", { method: "GET" });
    expect(root.status).toBe(405);
    expect(await answer("/groups/no-such-group/v0/auth/github-at", { method: "GET" })).toEqual(root);
  });
});
