// The token-exchange endpoints are reachable under both prefixes through the router, and a
// token from /auth/none publishes only into the anonymous namespace.
import { describe, expect, it } from "vitest";
import { apiJson, serverJson } from "./helpers/registry.ts";
import { publish } from "./helpers/publishing.ts";

describe("auth routes", () => {
  it.each(["/v0", "/v0.1"])("%s/auth/none issues a 5-minute anonymous token", async (prefix) => {
    const { status, body } = await apiJson(`${prefix}/auth/none`, { method: "POST" });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["expires_at", "registry_token"]);
    expect(body.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(290);
    const ok = await publish(
      body.registry_token,
      serverJson(`io.modelcontextprotocol.anonymous/route${prefix.length}`, "1.0.0"),
    );
    expect(ok.status).toBe(200);
    const denied = await publish(body.registry_token, serverJson("com.example/route", "1.0.0"));
    expect(denied.status).toBe(403);
  });

  it("answers 422 for a missing body field and 401 for a failed exchange", async () => {
    const missing = await apiJson("/v0.1/auth/github-oidc", { method: "POST", body: "{}" });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toMatchObject({
      message: "expected required property oidc_token to be present",
      location: "body",
    });
    const failed = await apiJson("/v0.1/auth/github-oidc", {
      method: "POST",
      body: JSON.stringify({ oidc_token: "x.y.z" }),
    });
    expect(failed.status).toBe(401);
    expect(failed.body.detail).toBe("Token exchange failed");
  });
});
