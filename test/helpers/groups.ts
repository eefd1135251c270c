// Test helpers for the governance API over HTTP: an organisation administrator's token, tokens
// for github users, and the /x/admin/groups and /x/tokens calls, each answering {status, body}.
import { env } from "cloudflare:workers";
import { listStream } from "../../worker/src/storage/d1-audit.ts";
import { editAll, tokenFor } from "./publishing.ts";
import { apiJson } from "./registry.ts";

/** An organisation administrator's registry token (edit on "*"), as /auth/oidc would issue it. */
export const orgAdminToken = (subject = "admin@example.test") => tokenFor(editAll("*"), "oidc", subject);

/** A registry token proving github:<login>, without registry permissions. */
export const githubToken = (login: string) => tokenFor([], "github-at", login);

/** A name no other test of the file uses (storage is shared within a file). */
let counter = 0;
export function uniqueGroupName(prefix = "g"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

function init(method: string, token: string | undefined, body?: unknown): RequestInit {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  };
}

const groupPath = (group: string) => `/x/admin/groups/${encodeURIComponent(group)}`;

/** POST /x/admin/groups (as an organisation administrator unless `token` is given). */
export async function createGroup(body: unknown, token?: string) {
  return apiJson("/x/admin/groups", init("POST", token ?? (await orgAdminToken()), body));
}

export const listGroups = (token?: string) => apiJson("/x/admin/groups", init("GET", token));
export const getGroup = (group: string, token?: string) => apiJson(groupPath(group), init("GET", token));
export const patchGroup = (group: string, body: unknown, token: string) =>
  apiJson(groupPath(group), init("PATCH", token, body));
export const deleteGroup = (group: string, token: string, query = "") =>
  apiJson(`${groupPath(group)}${query}`, init("DELETE", token));

export const listMembers = (group: string, token: string) => apiJson(`${groupPath(group)}/members`, init("GET", token));

/** PUT …/members/{member} {role} (as an organisation administrator unless `token` is given). */
export async function putMember(group: string, member: string, role: string, token?: string) {
  return apiJson(
    `${groupPath(group)}/members/${encodeURIComponent(member)}`,
    init("PUT", token ?? (await orgAdminToken()), { role }),
  );
}

export const removeMember = (group: string, member: string, token: string) =>
  apiJson(`${groupPath(group)}/members/${encodeURIComponent(member)}`, init("DELETE", token));

/** POST /x/tokens. */
export const createToken = (body: unknown, token: string) => apiJson("/x/tokens", init("POST", token, body));
export const listTokens = (token: string, query = "") => apiJson(`/x/tokens${query}`, init("GET", token));
export const revokeToken = (id: string, token: string) =>
  apiJson(`/x/tokens/${encodeURIComponent(id)}`, init("DELETE", token));

/** GET /x/admin/groups/{group} with `token`: 200 when it may read the group, 404 when not. */
export async function readsGroup(group: string, token: string): Promise<number> {
  return (await getGroup(group, token)).status;
}

/** A private group created by an administrator, with members given their roles. */
export async function groupWithMembers(
  name: string,
  members: Record<string, "viewer" | "publisher" | "manager"> = {},
  extra: Record<string, unknown> = {},
) {
  const created = await createGroup({ name, visibility: "private", ...extra });
  if (created.status !== 201) throw new Error(`group ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  for (const [member, role] of Object.entries(members)) {
    const put = await putMember(name, member, role);
    if (put.status !== 201) throw new Error(`member ${member}: ${put.status} ${JSON.stringify(put.body)}`);
  }
  return created.body;
}

/** A personal token of `login` (who signs in with GitHub) with `access`. */
export async function personalToken(login: string, access: { group: string; role: string }[]) {
  const created = await createToken({ name: `${login}'s token`, kind: "personal", access }, await githubToken(login));
  if (created.status !== 201) throw new Error(`PAT for ${login}: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body as { id: string; token: string };
}

/** Audit rows of a group's stream, in sequence order. */
export const groupAudit = (group: string) => listStream(env.DB, `~group:${group}`);
