// What every write step of a stream's Durable Object shares: its context (sequence number,
// timestamp, actor, request id), the audit row each step appends in the same D1 batch as its
// change, refusals that are audited too, and the hand-over of changed names to the caches.
import type { Actor } from "../domain/actor.ts";
import { ApiError, isOutage, type ProblemDetail } from "../errors.ts";
import type { AuditEntry, AuditOutcome } from "../storage/d1-audit.ts";
import { auditStatements } from "../storage/d1-audit.ts";
import type { CacheEnv } from "../storage/read-cache.ts";

export type { Actor } from "../domain/actor.ts";

/** Who asked, and the HTTP request that carried it (for the audit trail). */
export interface Caller {
  actor: Actor;
  requestId: string;
}

/** A write's answer; failures carry the official status, detail and errors. */
export type WriteOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; detail: string; errors: ProblemDetail[]; headers?: Record<string, string> };

export interface WriteEnv extends CacheEnv {
  CATALOG_CLOCK: Env["CATALOG_CLOCK"];
}

export interface WriteContext extends Caller {
  env: WriteEnv;
  /** The audit stream (a namespace, "~auth", "~moderation", "~tokens" or "~group:<name>") this Durable Object serializes. */
  stream: string;
  /** The sequence number this step's first audit row takes. */
  seq: number;
  /** This step's timestamp in µs, strictly after the stream's previous one. */
  now: number;
  /** Audit rows this step committed; the Durable Object moves its counters by this much. */
  used: number;
}

/** What an audit row says beyond the context. */
export interface AuditFacts {
  action: string;
  name?: string | null;
  version?: string | null;
  outcome?: AuditOutcome;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
}

/** The audit row of the step's `offset`-th write (group commits number their jobs in order). */
export function auditEntry(ctx: WriteContext, facts: AuditFacts, offset = 0, caller: Caller = ctx): AuditEntry {
  return {
    namespace: ctx.stream,
    seq: ctx.seq + offset,
    at: ctx.now + offset,
    actorMethod: caller.actor.method,
    actorSubject: caller.actor.subject,
    action: facts.action,
    name: facts.name ?? null,
    version: facts.version ?? null,
    outcome: facts.outcome ?? "ok",
    reason: facts.reason ?? null,
    requestId: caller.requestId,
    detail: facts.detail ?? null,
  };
}

/** 401 and 403 are refusals of who asked; anything else is a failure of what was asked. */
export function outcomeOf(status: number): AuditOutcome {
  return status === 401 || status === 403 ? "denied" : "failed";
}

/**
 * Commits one step: its changes and its audit rows in one D1 batch (all or nothing), then
 * hands the changed names to the caches. The batch is the point of no return.
 */
export async function commit(
  ctx: WriteContext,
  statements: readonly D1PreparedStatement[],
  entries: readonly AuditEntry[],
  changedNames: Iterable<string> = [],
): Promise<void> {
  await ctx.env.DB.batch([...statements, ...auditStatements(ctx.env.DB, entries)]);
  ctx.used += entries.length;
  await reportChanges(ctx.env, changedNames);
}

/** A refusal, recorded in the audit trail before it is answered. */
export async function refuse(
  ctx: WriteContext,
  facts: AuditFacts,
  status: number,
  detail: string,
  message?: string,
): Promise<WriteOutcome<never>> {
  const reason = message === undefined ? detail : `${detail}: ${message}`;
  await commit(ctx, [], [auditEntry(ctx, { ...facts, outcome: outcomeOf(status), reason })]);
  return refusal(status, detail, message);
}

/** A refusal's answer, without its audit row (group commits write those in their batch). */
export function refusal(
  status: number,
  detail: string,
  message?: string,
  headers?: Record<string, string>,
): WriteOutcome<never> {
  return {
    ok: false,
    status,
    detail,
    errors: message === undefined ? [] : [{ message }],
    ...(headers ? { headers } : {}),
  };
}

/**
 * The answer to a write step that threw (D1 failed, or a bug): an outage (errors.ts isOutage)
 * is 503 with Retry-After, since D1 is the only truth and retrying the request is safe; anything
 * else is a generic 500. The error itself is logged by the writer, never answered.
 */
export function failure(err: unknown): WriteOutcome<never> {
  const answer = isOutage(err) ? ApiError.unavailable() : new ApiError(500, "Internal server error");
  return { ok: false, status: answer.status, detail: answer.detail, errors: [], headers: answer.headers };
}

/**
 * Hands the names a committed batch changed to the catalog clock, which invalidates their
 * caches within a second. A failure here is logged, not reported: the write happened, and the
 * cron repairs caches that missed it.
 */
export async function reportChanges(env: WriteEnv, names: Iterable<string>): Promise<void> {
  const list = [...names];
  if (list.length === 0) return;
  try {
    await env.CATALOG_CLOCK.getByName("catalog").noteChanges(list);
  } catch (err) {
    console.error("reporting committed changes to the catalog clock failed; the cron will repair caches", err);
  }
}
