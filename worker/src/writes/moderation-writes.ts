// The moderation writes of one stream: reports, resolutions, denylist entries and the sweeps
// that apply them, and audit-only records of refused attempts. Like server-writes.ts, each
// step is one D1 batch with its audit row, run by the stream's Durable Object one at a time.
import { actorKey } from "../domain/actor.ts";
import { claimKey } from "../domain/groups.ts";
import {
  denylistMatches,
  denylistStatusMessage,
  serverNameKey,
  type DenylistEntry,
  type DenylistKey,
} from "../domain/denylist.ts";
import {
  addedWeight,
  rateLimitRetryAfter,
  reachesReview,
  REPORT_WINDOW_MICROS,
  resolutionStatusChange,
  type ModerationConfig,
  type ResolveAction,
} from "../domain/moderation.ts";
import type { ServerJson } from "../domain/server-json/index.ts";
import type { VersionRecord } from "../domain/server-response.ts";
import { namespaceOf, type StatusChange } from "../domain/write-rules.ts";
import {
  auditedAuthFailures,
  countAuthFailureStatement,
  FAILURE_HOUR_MICROS,
  type AuditEntry,
} from "../storage/d1-audit.ts";
import { getServerVersions } from "../storage/d1-catalog.ts";
import { claimsOf } from "../storage/d1-governance.ts";
import { feedCauseStatements } from "../storage/d1-feed.ts";
import {
  deleteDenylistStatement,
  deleteReviewMarkStatement,
  denylistCandidates,
  getDenylistEntry,
  getReport,
  insertDenylistStatement,
  insertReportStatement,
  insertReviewMarkStatement,
  isReportLimitViolation,
  openReportIds,
  readReportContext,
  reporterWindow,
  resolveReportsStatement,
  type NewReport,
} from "../storage/d1-moderation.ts";
import { changeStatuses, statusChangeDetail, statusChangeStatements } from "./server-writes.ts";
import {
  auditEntry,
  commit,
  refusal,
  refuse,
  type AuditFacts,
  type WriteContext,
  type WriteOutcome,
} from "./write-context.ts";

/** A report as the route hands it over: the writer assigns id, time and weight. */
export interface ReportFiling {
  name: string;
  version: string | null;
  reason: NewReport["reason"];
  details: string | null;
  /** "token" holders count for more than reporters known only by address. */
  reporterKind: "token" | "address";
}

export interface FiledReport {
  id: string;
  underReview: boolean;
}

function tooManyReports(config: ModerationConfig, retryAfter: number): WriteOutcome<never> {
  const detail = `Too many reports: at most ${config.reportsPerHour} per hour; try again in ${retryAfter} s`;
  return refusal(429, detail, undefined, { "retry-after": String(retryAfter) });
}

/**
 * Files a report: 404 for servers (or versions) that are unknown, deleted or private (a group's:
 * reports are public, so these are answered as absent), 429 over the
 * reporter's hourly limit, otherwise stored with its weight; the target is marked under review
 * when its weighted open count reaches the threshold. Refusals are not audited: anyone may
 * report, so recording refusals would let anyone fill the audit log.
 *
 * The limit spans namespaces, whose writers run concurrently: the read below refuses the
 * common case cheaply, and the insert itself enforces the limit exactly (its batch aborts when
 * another writer took the reporter's last slot in between; see insertReportStatement).
 */
export async function fileReport(
  ctx: WriteContext,
  filing: ReportFiling,
  config: ModerationConfig,
): Promise<WriteOutcome<FiledReport>> {
  const db = ctx.env.DB;
  const reporter = actorKey(ctx.actor);
  const windowStart = ctx.now - REPORT_WINDOW_MICROS;
  const state = await readReportContext(db, filing, reporter, windowStart);
  if (state.visibleVersions === 0) {
    return refusal(404, filing.version === null ? "Server not found" : "Server version not found");
  }
  const retryAfter = rateLimitRetryAfter(state.recentReports, state.oldestRecent, ctx.now, config.reportsPerHour);
  if (retryAfter !== undefined) return tooManyReports(config, retryAfter);
  const weight = filing.reporterKind === "token" ? config.tokenWeight : config.anonymousWeight;
  const after = state.openWeight + addedWeight(state.reporterWeight, weight);
  const marks = !state.underReview && reachesReview(state.openWeight, after, config.reviewThreshold);
  const report: NewReport = {
    id: crypto.randomUUID(),
    name: filing.name,
    version: filing.version,
    reason: filing.reason,
    details: filing.details,
    reporter,
    weight,
    createdAt: ctx.now,
  };
  const entry = auditEntry(ctx, {
    action: "report",
    name: filing.name,
    version: filing.version,
    detail: {
      reportId: report.id,
      reason: filing.reason,
      weight,
      targetWeight: after,
      ...(marks ? { underReview: true } : {}),
    },
  });
  const insert = insertReportStatement(db, report, { start: windowStart, limit: config.reportsPerHour });
  try {
    await commit(
      ctx,
      [insert, ...(marks ? [insertReviewMarkStatement(db, filing.name, ctx.now)] : [])],
      [entry],
      marks ? [filing.name] : [],
    );
  } catch (err) {
    if (!isReportLimitViolation(err)) throw err;
    // Nothing was written; the reporter's window as it is now gives the wait.
    const recent = await reporterWindow(db, reporter, windowStart);
    const wait = rateLimitRetryAfter(recent.count, recent.oldest, ctx.now, config.reportsPerHour);
    return tooManyReports(config, wait ?? Math.ceil(REPORT_WINDOW_MICROS / 1_000_000));
  }
  return { ok: true, value: { id: report.id, underReview: marks || state.underReview } };
}

export interface Resolution {
  action: ResolveAction;
  message: string;
  /** The resolver's edit patterns when scoped (null: global): what a denylist entry may reach. */
  scope?: readonly string[] | null;
}

export interface ResolvedReports {
  name: string;
  resolved: string[];
  changed: VersionRecord[];
}

/**
 * Resolves a report and every other open report of the same server with one decision:
 * dismiss, deprecate or delete every version (the message becomes their statusMessage), or
 * denylist the server (delete, plus a denylist entry). Clears the review mark.
 */
export async function resolveReport(
  ctx: WriteContext,
  reportId: string,
  resolution: Resolution,
): Promise<WriteOutcome<ResolvedReports>> {
  const db = ctx.env.DB;
  const report = await getReport(db, reportId);
  const facts: AuditFacts = {
    action: "resolve",
    name: report?.name ?? null,
    detail: { reportId, action: resolution.action, message: resolution.message },
  };
  if (!report || namespaceOf(report.name) !== ctx.stream) return refuse(ctx, facts, 404, "Report not found");
  if (report.status !== "open") return refuse(ctx, facts, 409, "Report already resolved");
  const name = report.name;
  const resolved = await openReportIds(db, name);
  const decision = [
    resolveReportsStatement(db, name, ctx.now, resolution.action, resolution.message),
    deleteReviewMarkStatement(db, name),
  ];
  const versions = await getServerVersions(db, name);
  // Reports reach public servers only, so this is a safeguard: the decision's visibility in
  // the public moderation log is fixed now, whatever later happens to the server.
  const isPrivate = versions.some((v) => (v.group ?? null) !== null);
  const fullFacts = { ...facts, detail: { ...facts.detail, reports: resolved, ...privateFlag(isPrivate) } };
  const statusAction = resolution.action === "denylist" ? "delete" : resolution.action;
  const changes = new Map<string, StatusChange>();
  for (const v of versions) {
    const change = resolutionStatusChange(statusAction, resolution.message, v);
    if (change) changes.set(v.version, change);
  }
  if (resolution.action === "denylist") {
    decision.push(
      insertDenylistStatement(db, {
        kind: "server",
        value: serverNameKey(name),
        reason: resolution.message,
        scope: resolution.scope ?? null,
        createdAt: ctx.now,
        createdBy: actorKey(ctx.actor),
      }),
    );
  }
  if (changes.size === 0) {
    await commit(ctx, decision, [auditEntry(ctx, fullFacts)], [name]);
    return { ok: true, value: { name, resolved, changed: [] } };
  }
  const outcome = await changeStatuses(ctx, name, versions, changes, fullFacts, decision);
  if (!outcome.ok) return outcome;
  return { ok: true, value: { name, resolved, changed: outcome.value.changed } };
}

/**
 * Deletes every version among `candidates` that the entry matches, in one batch with one
 * "denylist-sweep" audit row per server it removed versions of.
 */
async function deleteMatches(
  ctx: WriteContext,
  entry: DenylistEntry,
  candidates: readonly VersionRecord[],
): Promise<Record<string, string[]>> {
  const matched = new Map<string, Set<string>>();
  for (const v of candidates) {
    if (!denylistMatches(entry, JSON.parse(v.serverJson) as ServerJson)) continue;
    matched.set(v.name, (matched.get(v.name) ?? new Set()).add(v.version));
  }
  const change: StatusChange = { status: "deleted", statusMessage: denylistStatusMessage(entry) };
  const statements: D1PreparedStatement[] = [];
  const entries: AuditEntry[] = [];
  const deleted: Record<string, string[]> = {};
  for (const [name, matchedVersions] of matched) {
    const versions = await getServerVersions(ctx.env.DB, name);
    const changes = new Map([...matchedVersions].map((version) => [version, change]));
    statements.push(...statusChangeStatements(ctx.env.DB, versions, changes, ctx.now).statements);
    deleted[name] = [...matchedVersions];
    const detail = { kind: entry.kind, value: entry.value, ...statusChangeDetail(changes) };
    entries.push(auditEntry(ctx, { action: "denylist-sweep", name, detail }, entries.length));
  }
  if (entries.length === 0) return deleted;
  // The change feed tells these deletions by the sweep from a maintainer's.
  const [markCause, clearCause] = feedCauseStatements(ctx.env.DB, "denylist-sweep");
  await commit(ctx, [markCause, ...statements, clearCause], entries, matched.keys());
  return deleted;
}

/**
 * The audit detail that keeps a decision out of the public moderation log for good: its
 * visibility is decided when it is written, so a later claim does not hide a public decision
 * (which would tell that the namespace was claimed) and a release or purge does not reveal a
 * private one. Public rows carry nothing (as all rows written before the flag).
 */
function privateFlag(isPrivate: boolean): { private?: true } {
  return isPrivate ? { private: true } : {};
}

/**
 * Whether a denylist entry is about a private server or namespace: its namespace is claimed by a
 * group now. A claim committed by the group's writer while this decision is being written orders
 * as if after it (the decision was made about a public target).
 */
async function privateTarget(db: D1Database, key: DenylistKey): Promise<boolean> {
  if (key.kind !== "server" && key.kind !== "namespace") return false;
  return (await claimsOf(db, [claimKey(key.value)])).length > 0;
}

/**
 * Adds a denylist entry (in the moderation stream): from its commit on, publishes that match
 * are refused. The matching versions are deleted by sweeps, namespace by namespace.
 */
export async function addDenylistEntry(ctx: WriteContext, entry: DenylistEntry): Promise<WriteOutcome<DenylistEntry>> {
  const db = ctx.env.DB;
  const scope = entry.scope ?? null;
  const facts: AuditFacts = {
    action: "denylist-add",
    name: entry.value,
    detail: { kind: entry.kind, value: entry.value, reason: entry.reason, ...(scope === null ? {} : { scope }) },
  };
  if (await getDenylistEntry(db, entry))
    return refuse(ctx, facts, 409, `${entry.kind} ${entry.value} is already denylisted`);
  const stored = { ...entry, scope, createdAt: ctx.now, createdBy: actorKey(ctx.actor) };
  const decided = { ...facts, detail: { ...facts.detail, ...privateFlag(await privateTarget(db, entry)) } };
  await commit(ctx, [insertDenylistStatement(db, stored)], [auditEntry(ctx, decided)]);
  return { ok: true, value: entry };
}

/**
 * What to remove: the canonical key and, for a global maintainer, the value exactly as sent
 * (`storedValue`), tried when the key is not stored: rows from before the canonical forms
 * (migration 0004) that SQL could not bring into them.
 */
export interface DenylistRemoval extends DenylistKey {
  storedValue?: string;
}

/** Removes a denylist entry: publishing matches is allowed again; nothing is restored. */
export async function removeDenylistEntry(
  ctx: WriteContext,
  removal: DenylistRemoval,
): Promise<WriteOutcome<{ entry: DenylistEntry }>> {
  const db = ctx.env.DB;
  const key: DenylistKey = { kind: removal.kind, value: removal.value };
  const facts: AuditFacts = {
    action: "denylist-remove",
    name: key.value,
    detail: { kind: key.kind, value: key.value },
  };
  let existing = await getDenylistEntry(db, key);
  const { storedValue } = removal;
  if (!existing && storedValue !== undefined && storedValue !== key.value) {
    existing = await getDenylistEntry(db, { kind: key.kind, value: storedValue });
  }
  if (!existing) return refuse(ctx, facts, 404, `${key.kind} ${key.value} is not denylisted`);
  const removed = { ...facts, name: existing.value, detail: { kind: key.kind, value: existing.value } };
  const isPrivate = await privateTarget(db, existing);
  await commit(
    ctx,
    [deleteDenylistStatement(db, existing)],
    [
      auditEntry(ctx, {
        ...removed,
        detail: { ...removed.detail, reason: existing.reason, ...privateFlag(isPrivate) },
      }),
    ],
  );
  return { ok: true, value: { entry: existing } };
}

/**
 * Applies a stored denylist entry to this namespace: deletes every matching version that is
 * still visible. Idempotent (the cron re-runs it); writes nothing when nothing matches, and
 * nothing when the entry has been removed meanwhile.
 */
export async function sweepDenylisted(
  ctx: WriteContext,
  key: DenylistKey,
): Promise<WriteOutcome<Record<string, string[]>>> {
  const entry = await getDenylistEntry(ctx.env.DB, key);
  if (!entry) return { ok: true, value: {} };
  const candidates = await denylistCandidates(ctx.env.DB, entry, ctx.stream);
  return { ok: true, value: await deleteMatches(ctx, entry, candidates) };
}

/** An audit row on its own: a refused attempt that reached authentication, or a token exchange. */
export async function recordAttempt(ctx: WriteContext, facts: AuditFacts): Promise<WriteOutcome<null>> {
  await commit(ctx, [], [auditEntry(ctx, facts)]);
  return { ok: true, value: null };
}

/** Failed token exchanges of the current hour that got an audit row, as the "~auth" writer knows it. */
export interface FailureTally {
  hour: number;
  audited: number;
}

/** AUTH_FAILURE_AUDIT_PER_HOUR: a non-negative integer ("0": count only), 60 when unset or invalid. */
export function auditedFailuresPerHour(env: { AUTH_FAILURE_AUDIT_PER_HOUR?: string }): number {
  const raw = env.AUTH_FAILURE_AUDIT_PER_HOUR?.trim() ?? "";
  const n = Number(raw);
  return raw !== "" && Number.isSafeInteger(n) && n >= 0 ? n : 60;
}

/**
 * A failed token exchange (anyone can send one): counted in auth_failures by hour, method and
 * status, and audited with a row of its own only while the hour has fewer than `perHour` such
 * rows. `tally` is the writer's count for the hour, undefined when it does not know (first use,
 * after a failure): then it is read from D1. Returns the count after this step.
 */
export async function recordFailedExchange(
  ctx: WriteContext,
  facts: AuditFacts,
  status: number,
  tally: FailureTally | undefined,
  perHour: number,
): Promise<{ outcome: WriteOutcome<null>; tally: FailureTally }> {
  const hour = Math.floor(ctx.now / FAILURE_HOUR_MICROS) * FAILURE_HOUR_MICROS;
  // The writer's timestamps only increase: a tally of an earlier hour means none yet in this one.
  const audited =
    tally === undefined ? await auditedAuthFailures(ctx.env.DB, hour) : tally.hour === hour ? tally.audited : 0;
  const individual = audited < perHour;
  const counted = countAuthFailureStatement(ctx.env.DB, {
    hour,
    method: ctx.actor.method,
    status,
    at: ctx.now,
    reason: facts.reason ?? null,
    claimed: ctx.actor.subject,
    audited: individual,
  });
  await commit(ctx, [counted], individual ? [auditEntry(ctx, facts)] : []);
  return { outcome: { ok: true, value: null }, tally: { hour, audited: audited + (individual ? 1 : 0) } };
}
