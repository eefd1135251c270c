// Test helpers for writes through group views: groups, claims and members inserted straight into
// D1 (what the governance API writes), and the write calls under /groups/{group}/.
import { env } from "cloudflare:workers";
import type { AdmissionPolicy } from "../../worker/src/domain/groups.ts";
import { forgetGovernance } from "../../worker/src/storage/governance-cache.ts";
import { editAll, tokenFor } from "./publishing.ts";
import { apiJson } from "./registry.ts";

export interface WriteGroup {
  name: string;
  visibility?: "private" | "public";
  namespaces?: string[];
  include?: string[];
  requireApproval?: boolean;
  policy?: AdmissionPolicy | null;
  members?: Record<string, "viewer" | "publisher" | "manager">;
}

/** Inserts a group, its claims and its members, and makes this isolate see them at once. */
export async function createWriteGroup(group: WriteGroup): Promise<void> {
  const now = Date.now() * 1000;
  const statements = [
    env.DB.prepare(
      `INSERT INTO groups (name, title, visibility, include_patterns, require_approval, policy, created_at, created_by, updated_at)
       VALUES (?, NULL, ?, ?, ?, ?, ?, 'test', ?)`,
    ).bind(
      group.name,
      group.visibility ?? "private",
      JSON.stringify(group.include ?? []),
      group.requireApproval ? 1 : 0,
      group.policy ? JSON.stringify(group.policy) : null,
      now,
      now,
    ),
    ...(group.namespaces ?? []).map((namespace) =>
      env.DB.prepare("INSERT INTO group_namespaces (namespace, group_name) VALUES (?, ?)").bind(
        namespace.toLowerCase(),
        group.name,
      ),
    ),
    ...Object.entries(group.members ?? {}).map(([member, role]) =>
      env.DB.prepare(
        "INSERT INTO group_members (group_name, member, role, added_at, added_by) VALUES (?, ?, ?, ?, 'test')",
      ).bind(group.name, member, role, now),
    ),
  ];
  await env.DB.batch(statements);
  forgetGovernance();
}

/** Changes a group's approval requirement or policy (and its configuration version). */
export async function configureGroup(
  name: string,
  change: { requireApproval?: boolean; policy?: AdmissionPolicy | null },
): Promise<void> {
  if (change.requireApproval !== undefined) {
    await env.DB.prepare("UPDATE groups SET require_approval = ?, updated_at = updated_at + 1 WHERE name = ?")
      .bind(change.requireApproval ? 1 : 0, name)
      .run();
  }
  if (change.policy !== undefined) {
    await env.DB.prepare("UPDATE groups SET policy = ?, updated_at = updated_at + 1 WHERE name = ?")
      .bind(change.policy === null ? null : JSON.stringify(change.policy), name)
      .run();
  }
  forgetGovernance();
}

/** A registry token proving github:<login>, without any registry permission. */
export const member = (login: string) => tokenFor([], "github-at", login);

/** An organisation administrator: edit on "*" through a registry token. */
export const orgAdmin = () => tokenFor(editAll("*"), "oidc", "admin@example.test");

function init(method: string, token: string | undefined, body?: unknown): RequestInit {
  return {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      "content-type": "application/json",
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  };
}

/** POST /groups/{group}{prefix}/publish. */
export const groupPublish = (group: string, token: string | undefined, body: unknown, prefix = "/v0") =>
  apiJson(`/groups/${group}${prefix}/publish`, init("POST", token, body));

/** PATCH a version's (or, without version, every version's) status, at the root or under a group. */
export function statusAt(base: string, token: string, name: string, version: string | undefined, body: unknown) {
  const path =
    version === undefined
      ? `${base}/v0/servers/${encodeURIComponent(name)}/status`
      : `${base}/v0/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/status`;
  return apiJson(path, init("PATCH", token, body));
}

/** PUT a version's server.json, at the root ("") or under a group ("/groups/g"). */
export const editAt = (base: string, token: string, name: string, version: string, body: unknown) =>
  apiJson(
    `${base}/v0/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`,
    init("PUT", token, body),
  );

/** GET /x/admin/groups/{group}/pending. */
export const listPendingOf = (group: string, token: string, query = "") =>
  apiJson(`/x/admin/groups/${group}/pending${query}`, init("GET", token));

/** POST /x/admin/groups/{group}/pending/{name}/{version}. */
export const decide = (group: string, token: string, name: string, version: string, body: unknown) =>
  apiJson(
    `/x/admin/groups/${group}/pending/${encodeURIComponent(name)}/${encodeURIComponent(version)}`,
    init("POST", token, body),
  );

/** The stored rows of a name: its versions' groups and its summary row's group. */
export async function storedGroups(name: string) {
  const versions = await env.DB.prepare(
    "SELECT version, group_name FROM server_versions WHERE name = ? ORDER BY version",
  )
    .bind(name)
    .all<{ version: string; group_name: string | null }>();
  const summary = await env.DB.prepare("SELECT group_name, version_count FROM servers WHERE name = ?")
    .bind(name)
    .first<{ group_name: string | null; version_count: number }>();
  return { versions: versions.results, summary };
}

/** The audit rows of a stream, oldest first. */
export async function auditRows(stream: string) {
  const { results } = await env.DB.prepare(
    "SELECT seq, actor_method, actor_subject, action, name, version, outcome, reason, detail FROM audit_log WHERE namespace = ? ORDER BY seq",
  )
    .bind(stream)
    .all<{
      seq: number;
      actor_method: string;
      actor_subject: string;
      action: string;
      name: string | null;
      version: string | null;
      outcome: string;
      reason: string | null;
      detail: string | null;
    }>();
  return results;
}
