// Test helpers for moderation: reports from distinct addresses, maintainer calls, audit rows.
import { env } from "cloudflare:workers";
import { listStream } from "../../worker/src/storage/d1-audit.ts";
import { apiJson } from "./registry.ts";
import { editAll, tokenFor } from "./publishing.ts";

/** A global maintainer's token (edit on "*"). */
export const maintainerToken = () => tokenFor(editAll("*"), "oidc", "moderator@example.test");

function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** POST /x/reports from an address (anonymous) or with a registry token. */
export function report(body: unknown, from: { ip?: string; token?: string } = {}) {
  const headers = { ...bearer(from.token), ...(from.ip === undefined ? {} : { "cf-connecting-ip": from.ip }) };
  return apiJson("/x/reports", jsonInit("POST", body, headers));
}

/** Reports from `count` different anonymous addresses. */
export async function reportsFromCrowd(name: string, count: number, prefix = "198.51.100.") {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await report({ name, reason: "spam" }, { ip: `${prefix}${i + 1}` }));
  return results;
}

export function resolve(token: string, id: string, body: unknown) {
  return apiJson(`/x/admin/reports/${encodeURIComponent(id)}/resolve`, jsonInit("POST", body, bearer(token)));
}

export function adminGet(token: string | undefined, path: string) {
  return apiJson(path, { headers: bearer(token) });
}

export function denylistAdd(token: string, body: unknown) {
  return apiJson("/x/admin/denylist", jsonInit("POST", body, bearer(token)));
}

export function denylistRemove(token: string, body: unknown) {
  return apiJson("/x/admin/denylist", jsonInit("DELETE", body, bearer(token)));
}

/** Audit rows of one stream, in sequence order. */
export const auditOf = (stream: string) => listStream(env.DB, stream);

/** Our moderation `_meta` entry of a rendered ServerResponse, if any. */
export const moderationMeta = (item: any) => item._meta["dev.mcp-registry-workers/moderation"];
