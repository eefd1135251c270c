// Reading the audit log: GET /x/admin/audit (global maintainers: everything),
// GET /x/admin/auth-failures (global maintainers: failed token exchanges per hour) and
// GET /x/moderation-log (public: decisions only, never who reported).
import type { IRequest } from "itty-router";
import { parseRfc3339, formatRfc3339 } from "../../domain/timestamps.ts";
import {
  FAILURE_HOUR_MICROS,
  listAudit,
  listAuthFailures,
  listDecisions,
  type StoredAuditEntry,
  type StoredAuthFailures,
} from "../../storage/d1-audit.ts";
import { readLimitParam } from "../list-params.ts";
import { pageBody, readPage, throwIfInvalid } from "../paging.ts";
import type { ProblemDetail } from "../../errors.ts";
import { json } from "../responses.ts";
import { maintainerOf, requireGlobal } from "./admin-auth.ts";

function renderAuditEntry(entry: StoredAuditEntry) {
  return {
    id: String(entry.id),
    namespace: entry.namespace,
    seq: entry.seq,
    time: formatRfc3339(entry.at),
    actor: { method: entry.actorMethod, subject: entry.actorSubject },
    action: entry.action,
    target: { name: entry.name, version: entry.version },
    outcome: entry.outcome,
    ...(entry.reason === null ? {} : { reason: entry.reason }),
    requestId: entry.requestId,
    ...(entry.detail === null ? {} : { detail: entry.detail }),
  };
}

/** GET /x/admin/audit?namespace=&actor=&action=&since=&cursor=&limit= */
export async function listAuditLog(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const maintainer = await maintainerOf(request, env);
  requireGlobal(maintainer, "Reading the audit trail");
  const params = url.searchParams;
  const errors: ProblemDetail[] = [];
  const page = readPage(params, errors, 100, 1000);
  const sinceRaw = params.get("since") || undefined;
  const since = sinceRaw === undefined ? undefined : parseRfc3339(sinceRaw);
  if (sinceRaw !== undefined && since === undefined) {
    errors.push({ message: "expected an RFC 3339 date-time", location: "query.since", value: sinceRaw });
  }
  throwIfInvalid(errors);
  const filter = (key: string) => params.get(key) || undefined;
  const entries = await listAudit(env.DB, {
    namespace: filter("namespace"),
    actor: filter("actor"),
    action: filter("action"),
    since,
    afterId: page.after,
    limit: page.limit,
  });
  return json(pageBody("entries", entries, page.limit, (e) => e.id, renderAuditEntry));
}

function renderAuthFailures(row: StoredAuthFailures) {
  return {
    hour: formatRfc3339(row.hour),
    method: row.method,
    status: row.status,
    count: row.count,
    audited: row.audited,
    lastReason: row.lastReason,
    lastClaimed: row.lastClaimed,
    lastAt: formatRfc3339(row.lastAt),
  };
}

/**
 * GET /x/admin/auth-failures?since=&limit=: failed token exchanges counted per hour, method and
 * status (newest hour first; `since` defaults to 24 hours ago). Beyond the hourly bound
 * (AUTH_FAILURE_AUDIT_PER_HOUR) failures have no audit row of their own: this is where an
 * operator sees them all.
 */
export async function listAuthFailureCounts(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const maintainer = await maintainerOf(request, env);
  requireGlobal(maintainer, "Reading the failed token exchanges");
  const params = url.searchParams;
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(params, errors, { defaultLimit: 200, maxLimit: 1000 });
  const sinceRaw = params.get("since") || undefined;
  const since = sinceRaw === undefined ? Date.now() * 1000 - 24 * FAILURE_HOUR_MICROS : parseRfc3339(sinceRaw);
  if (since === undefined) {
    errors.push({ message: "expected an RFC 3339 date-time", location: "query.since", value: sinceRaw });
  }
  throwIfInvalid(errors);
  // Hours that started before `since` but end after it count too.
  const fromHour = Math.floor((since ?? 0) / FAILURE_HOUR_MICROS) * FAILURE_HOUR_MICROS;
  const rows = await listAuthFailures(env.DB, fromHour, limit);
  return json({ failures: rows.map(renderAuthFailures), metadata: { count: rows.length } });
}

/** One decision as the public sees it: when, what, on what, and the message. */
function renderDecision(entry: StoredAuditEntry) {
  const detail = entry.detail ?? {};
  const base = { id: String(entry.id), time: formatRfc3339(entry.at) };
  if (entry.action === "resolve") {
    return {
      ...base,
      action: detail.action,
      target: { kind: "server", value: entry.name },
      message: detail.message ?? null,
    };
  }
  return {
    ...base,
    action: entry.action === "denylist-add" ? "denylist" : "undenylist",
    target: { kind: detail.kind, value: detail.value },
    message: detail.reason ?? null,
  };
}

/** GET /x/moderation-log?cursor=&limit= */
export async function listModerationLog(_request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const errors: ProblemDetail[] = [];
  const page = readPage(url.searchParams, errors);
  throwIfInvalid(errors);
  const decisions = await listDecisions(env.DB, page.after ?? 0, page.limit);
  return json(pageBody("decisions", decisions, page.limit, (e) => e.id, renderDecision));
}
