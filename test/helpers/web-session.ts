// Helpers for the pages' session and failure paths: a registry token that expired (as every one
// does after 5 minutes), and a page through the Worker's real entry with other bindings.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { signEdDSA } from "../../worker/src/auth/jwt.ts";
import { signingKeys } from "../../worker/src/auth/signing-key.ts";
import worker from "../../worker/src/index.ts";
import { nowSeconds } from "./auth-fixtures.ts";
import { ORIGIN } from "./registry.ts";
import type { Page } from "./web.ts";

/** A registry token of github:<login>, signed with the registry's key, expired a minute ago. */
export async function expiredRegistryToken(login: string): Promise<string> {
  const now = nowSeconds();
  return signEdDSA((await signingKeys(env)).privateKey, {
    iss: "mcp-registry",
    iat: now - 360,
    nbf: now - 360,
    exp: now - 60,
    auth_method: "github-at",
    auth_method_sub: login,
    permissions: [],
  });
}

/** A page through the Worker's fetch entry with some bindings replaced (a failing D1, say). */
export async function pageWith(faulty: Partial<Env>, path: string, init: RequestInit = {}): Promise<Page> {
  const request = new Request(`${ORIGIN}${path}`, { redirect: "manual", ...init }) as Parameters<
    typeof worker.fetch
  >[0];
  const response = await worker.fetch(request, { ...env, ...faulty } as Env, createExecutionContext());
  const html = await response.text();
  return { status: response.status, response, headers: response.headers, html };
}
