// What the write routes share: running a write on its stream's writer (runWrite), who is asking
// (for the audit trail), auditing refusals that happen before the writer, and the
// framework-layer checks that come before authentication.
import type { IRequest } from "itty-router";
import type { Principal } from "../../auth/principal.ts";
import type { StreamWriter } from "../../durable/stream-writer.ts";
import { outcomeOf, type AuditFacts, type Caller, type WriteOutcome } from "../../writes/write-context.ts";
import { parseServerJson, type ServerJson } from "../../domain/server-json/index.ts";
import { namespaceOf } from "../../domain/write-rules.ts";
import { forgetWrite } from "../../storage/read-cache.ts";
import { authorizationHeaderError } from "../../auth/registry-token.ts";
import { ApiError, isOutage, type ProblemDetail } from "../../errors.ts";
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
 * Runs one write on the writer of `stream` (a namespace, "~auth" or "~moderation") and returns
 * its value. The writer answers every failure of its own with an outcome (a refusal, or 503/500
 * when its D1 work threw), which becomes its ApiError here. A call the runtime fails because the
 * object was reset, is overloaded or the connection broke (errors.ts isOutage) is answered 503
 * with Retry-After: whether its write landed is unknown, and retrying is safe since every write
 * is checked again against D1; any other rejection is a bug, left to the generic 500. The
 * changed names are adopted (a list also when the call failed: the write may have landed).
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
