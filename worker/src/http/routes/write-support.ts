// What the write routes share: running a write on its stream's writer (runWrite), who is asking
// (for the audit trail), auditing refusals that happen before the writer, and the
// framework-layer checks that come before authentication.
import type { IRequest } from "itty-router";
import { authenticate, type Principal } from "../../auth/principal.ts";
import {
  admissionViolations,
  atLeast,
  claimKey,
  includes,
  type Access,
  type GroupConfig,
} from "../../domain/groups.ts";
import { PUBLISH_FAILED } from "../../domain/publish-plan.ts";
import type { StreamWriter } from "../../durable/stream-writer.ts";
import { outcomeOf, type AuditFacts, type Caller, type WriteOutcome } from "../../writes/write-context.ts";
import { parseServerJson, type ServerJson } from "../../domain/server-json/index.ts";
import { namespaceOf } from "../../domain/write-rules.ts";
import { forgetWrite } from "../../storage/read-cache.ts";
import { authorizationHeaderError } from "../../auth/registry-token.ts";
import { ApiError, isOutage, MAX_PROBLEM_ERRORS, type ProblemDetail } from "../../errors.ts";
import type { ResolvedView } from "../group-view.ts";
import { readJsonBody } from "../request-body.ts";
import { requestIdOf } from "../request-id.ts";

/** A stream's writer, as a route reaches it. */
export type Writer = DurableObjectStub<StreamWriter>;

export interface WriteOptions<T> {
  /**
   * The names the write changes, which this isolate then reads from D1 (read-your-writes,
   * wherever the writer ran): a list, also adopted when the call failed (it may have landed),
   * or a function of the write's value.
   */
  adopt?: readonly string[] | ((value: T) => Iterable<string>);
}

/**
 * Runs one write on the writer of `stream` (a namespace, "~auth", "~moderation", "~tokens" or
 * "~group:<name>") and returns its value. The writer answers every failure of its own with an
 * outcome (a refusal, or 503/500 when its D1 work threw), which becomes its ApiError here. A call
 * the runtime fails because the object was reset, is overloaded or the connection broke
 * (errors.ts isOutage) is answered 503 with Retry-After: whether its write landed is unknown, and
 * retrying is safe since every write is checked again against D1; any other rejection is a bug,
 * left to the generic 500. The changed names are adopted (a list also when the call failed: the
 * write may have landed).
 */
export async function runWrite<T>(
  env: Env,
  stream: string,
  call: (writer: Writer) => Promise<WriteOutcome<T>>,
  { adopt = [] }: WriteOptions<T> = {},
): Promise<T> {
  let outcome: WriteOutcome<T>;
  try {
    outcome = await call(env.STREAM_WRITER.getByName(stream));
  } catch (err) {
    if (typeof adopt !== "function") for (const name of adopt) forgetWrite(name);
    if (!isOutage(err)) throw err;
    console.error(`the writer of ${stream} did not answer`, err);
    throw ApiError.unavailable();
  }
  if (!outcome.ok) throw new ApiError(outcome.status, outcome.detail, outcome.errors, outcome.headers);
  for (const name of typeof adopt === "function" ? adopt(outcome.value) : adopt) forgetWrite(name);
  return outcome.value;
}

export function callerOf(request: Request, claims: Principal): Caller {
  return { actor: { method: claims.auth_method, subject: claims.auth_method_sub }, requestId: requestIdOf(request) };
}

/** What the audit trail records as a refusal's reason: its detail and messages. */
export function refusalReason(err: ApiError): string {
  return [err.detail, ...err.errors.map((e) => e.message)].join(": ");
}

/** Appends a refused attempt to a stream's audit trail (best effort: the refusal stands). */
export async function recordRefusal(
  env: Env,
  caller: Caller,
  stream: string,
  facts: AuditFacts,
  err: ApiError,
): Promise<void> {
  const reason = refusalReason(err);
  try {
    await runWrite(env, stream, (writer) =>
      writer.record(caller, stream, { ...facts, outcome: outcomeOf(err.status), reason }),
    );
  } catch (failure) {
    console.error("recording a refused attempt in the audit trail failed", failure);
  }
}

/** Records a refusal in a stream's audit trail, then answers with it. */
export async function refuseAudited(
  env: Env,
  caller: Caller,
  stream: string,
  facts: AuditFacts,
  err: ApiError,
): Promise<never> {
  await recordRefusal(env, caller, stream, facts, err);
  throw err;
}

/**
 * Refuses a caller with 403 after recording the refusal in `stream`'s audit trail (a group's or
 * "~tokens"): for callers who may see what they asked about (anyone else gets the 404 of an
 * unknown one, unaudited).
 */
export function forbidAudited(
  request: Request,
  env: Env,
  principal: Principal,
  stream: string,
  facts: AuditFacts,
  detail: string,
): Promise<never> {
  return refuseAudited(env, callerOf(request, principal), stream, facts, new ApiError(403, detail));
}

/**
 * Runs the checks between authentication and the writer. A refusal among them is appended to
 * the audit trail of the target's namespace before it is answered.
 */
export async function auditedChecks<T>(
  env: Env,
  caller: Caller,
  facts: AuditFacts & { name: string },
  checks: () => T | Promise<T>,
): Promise<T> {
  try {
    return await checks();
  } catch (err) {
    if (err instanceof ApiError) return refuseAudited(env, caller, namespaceOf(facts.name), facts, err);
    throw err;
  }
}

/** A body model's verdict: the value, or its violations (the first ones, `omitted` more). */
type BodyVerdict<T> = { ok: true; value: T } | { ok: false; errors: ProblemDetail[]; omitted?: number };

/**
 * The framework layer of a write: the Authorization header must be present and the body must
 * fit its model, both reported together as 422 before any authentication (spec §2.3).
 */
export async function readWriteBody<T>(request: IRequest, parse: (body: unknown) => BodyVerdict<T>): Promise<T> {
  const headerError = authorizationHeaderError(request);
  const paramErrors: ProblemDetail[] = headerError ? [headerError] : [];
  const parsed = parse(await readJsonBody(request, { paramErrors }));
  const errors = [...paramErrors, ...(parsed.ok ? [] : parsed.errors)];
  if (errors.length > 0 || !parsed.ok) throw ApiError.validation(errors, parsed.ok ? 0 : (parsed.omitted ?? 0));
  return parsed.value;
}

/** The framework layer of a write with a server.json body (publish, admin edit). */
export function readServerJsonBody(request: IRequest): Promise<ServerJson> {
  return readWriteBody(request, (body) => parseServerJson(body));
}

/** A write through a group's view: the group, and what the caller holds in it. */
export interface GroupWrite {
  group: GroupConfig;
  access: Access | undefined;
}

/** The group a write came through, or undefined for the public routes. */
export function groupWriteOf(resolved: ResolvedView | undefined): GroupWrite | undefined {
  return resolved?.view.kind === "group" ? { group: resolved.view.group, access: resolved.view.access } : undefined;
}

/** The caller of a write: the one the view already verified, else the request's token (401 without). */
export async function writerOf(request: Request, env: Env, resolved: ResolvedView | undefined): Promise<Principal> {
  return resolved?.principal ?? (await authenticate(request, env));
}

/** 403 unless the caller holds at least `needed` in the group. */
export function requireAccess(write: GroupWrite, needed: Access, refusal: string): void {
  if (!atLeast(write.access, needed)) throw new ApiError(403, refusal);
}

/** Whether a name is in a namespace the group claims (the writer checks the claim again in D1). */
export function isOwnName(write: GroupWrite, name: string): boolean {
  return write.group.namespaces.includes(claimKey(name));
}

/**
 * The refusal of a change of a stored server through a group's view that is not the group's
 * own: a name its includes match is the public catalogue's (403); any other name is invisible
 * there and answered like a missing server, `missing`.
 */
export function notOwnServer(write: GroupWrite, name: string, missing: string): ApiError {
  return includes(write.group, name)
    ? new ApiError(403, `${name} is included from the public catalogue: change it through the public registry`)
    : new ApiError(404, missing);
}

/**
 * The group's admission policy for a server.json: 400 with one error per violation (at most
 * MAX_PROBLEM_ERRORS, the rest counted), under `detail`.
 */
export function requireAdmission(
  group: GroupConfig,
  server: Parameters<typeof admissionViolations>[1],
  detail = PUBLISH_FAILED,
): void {
  const violations = admissionViolations(group.policy, server);
  if (violations.length === 0) return;
  const listed = violations.slice(0, MAX_PROBLEM_ERRORS).map((message) => ({ message }));
  throw new ApiError(400, detail, listed, {}, violations.length - listed.length);
}
