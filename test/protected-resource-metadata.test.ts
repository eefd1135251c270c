// RFC 9728: /.well-known/oauth-protected-resource[/groups/{group}] tells OAuth-capable clients
// which issuer's tokens we accept (without revealing which groups exist), and every 401 under
// /x/ and /groups/ points at the right document (§5.1); the official API's 401s stay as upstream.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accessEnv, apiWith, bearer, seedGroup } from "./helpers/oidc-access.ts";
import { api, apiJson, ORIGIN, serverJson } from "./helpers/registry.ts";

const METADATA = `${ORIGIN}/.well-known/oauth-protected-resource`;

function document(resource: string, authorizationServers: string[]) {
  return {
    resource,
    authorization_servers: authorizationServers,
    bearer_methods_supported: ["header"],
    resource_name: "MCP Registry",
    resource_documentation: `${ORIGIN}/docs`,
  };
}

describe("GET /.well-known/oauth-protected-resource", () => {
  it("names no authorization server while access tokens are off", async () => {
    const { status, body, response } = await apiJson("/.well-known/oauth-protected-resource");
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(body).toEqual(document(ORIGIN, []));
  });

  it("names the organisation's issuer while they are on", async () => {
    const response = await apiWith(accessEnv(), "/.well-known/oauth-protected-resource");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(document(ORIGIN, [env.OIDC_ISSUER]));
  });

  it("answers HEAD like GET", async () => {
    const response = await api("/.well-known/oauth-protected-resource", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });
});

describe("GET /.well-known/oauth-protected-resource/groups/{group}", () => {
  it("answers the same for a private group and for no group at all", async () => {
    await seedGroup("prm-secret", "private", {});
    const existing = await apiWith(accessEnv(), "/.well-known/oauth-protected-resource/groups/prm-secret");
    const absent = await apiWith(accessEnv(), "/.well-known/oauth-protected-resource/groups/prm-nothing");
    expect(existing.status).toBe(200);
    expect(absent.status).toBe(200);
    expect(existing.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await existing.json()).toEqual(document(`${ORIGIN}/groups/prm-secret`, [env.OIDC_ISSUER]));
    expect(await absent.json()).toEqual(document(`${ORIGIN}/groups/prm-nothing`, [env.OIDC_ISSUER]));
  });

  it.each(["Upper", "-dash", "x".repeat(64), "a_b", "%61cme"])(
    "answers %j, no group name, as an unknown path",
    async (name) => {
      const { status, body } = await apiJson(`/.well-known/oauth-protected-resource/groups/${name}`);
      expect(status).toBe(404);
      expect(body.detail).toMatch(/^Endpoint not found/);
    },
  );
});

describe("WWW-Authenticate on 401", () => {
  it("points /x/ routes at the registry's document", async () => {
    const anonymous = await api("/x/admin/audit");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${METADATA}"`);
    const bad = await api("/x/admin/audit", bearer("not-a-token"));
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${METADATA}", error="invalid_token"`);
  });

  it("points a group's routes at the group's document, whether or not the group exists", async () => {
    await seedGroup("prm-private", "private", {});
    for (const group of ["prm-private", "prm-missing"]) {
      const response = await api(`/groups/${group}/v0.1/servers`, bearer("not-a-token"));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="${METADATA}/groups/${group}", error="invalid_token"`,
      );
      const body: any = await response.json();
      expect(body).toMatchObject({ status: 401, detail: "Invalid or expired Registry JWT token" });
    }
  });

  it("leaves the official API's 401s and refused token exchanges as they are", async () => {
    const publish = await api("/v0.1/publish", {
      method: "POST",
      headers: { authorization: "Bearer not-a-token", "content-type": "application/json" },
      body: JSON.stringify(serverJson("io.github.prm/demo", "1.0.0")),
    });
    expect(publish.status).toBe(401);
    expect(publish.headers.has("www-authenticate")).toBe(false);
    const exchange = await api("/groups/prm-private/v0.1/auth/oidc", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ oidc_token: "not-a-token" }),
    });
    expect(exchange.status).toBe(401);
    expect(exchange.headers.has("www-authenticate")).toBe(false);
  });
});
