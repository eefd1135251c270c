// Test helpers for the write endpoints: registry tokens and authenticated requests.
import { env } from "cloudflare:workers";
import { issueRegistryToken } from "../../worker/src/auth/registry-token.ts";
import { apiJson, serverJson } from "./registry.ts";

export type Grant = { action: "publish" | "edit"; resource: string };

/** A registry token signed with the test key. */
export async function tokenFor(permissions: Grant[], method = "none", subject = "tester"): Promise<string> {
  const { registry_token } = await issueRegistryToken(env, method as never, subject, permissions);
  return registry_token;
}

export const publishAll = (resource: string): Grant[] => [{ action: "publish", resource }];
export const editAll = (resource: string): Grant[] => [{ action: "edit", resource }];

/** POST /v0.1/publish with a bearer token. */
export function publish(token: string, body: unknown, prefix = "/v0.1") {
  return apiJson(`${prefix}/publish`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function patchStatus(token: string, name: string, version: string | undefined, body: unknown) {
  const path =
    version === undefined
      ? `/v0.1/servers/${encodeURIComponent(name)}/status`
      : `/v0.1/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/status`;
  return apiJson(path, {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function putVersion(token: string, name: string, version: string, body: unknown) {
  return apiJson(`/v0.1/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** A server.json with one remote. */
export function withRemote(name: string, version: string, url: string) {
  return serverJson(name, version, { remotes: [{ type: "streamable-http", url }] });
}
