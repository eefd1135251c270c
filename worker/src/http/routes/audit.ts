// Reading the audit log: GET /x/admin/audit (global maintainers: everything) and
// GET /x/moderation-log (public: decisions only, never who reported).
import type { IRequest } from "itty-router";
import { parseRfc3339, formatRfc3339 } from "../../domain/timestamps.ts";
import { listAudit, listDecisions, type StoredAuditEntry } from "../../storage/d1-audit.ts";
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
