// What the write routes share: reaching a stream's writer, who is asking (for the audit trail),
// turning a writer's outcome into an answer, auditing refusals that happen before the writer,
// and the framework-layer checks that come before authentication.
import type { IRequest } from "itty-router";
import type { RegistryClaims } from "../../auth/registry-token.ts";
import { outcomeOf, type AuditFacts, type Caller, type WriteOutcome } from "../../writes/write-context.ts";
import { parseServerJson, type ServerJson } from "../../domain/server-json/index.ts";
import { namespaceOf } from "../../domain/write-rules.ts";
import { forgetWrite } from "../../storage/read-cache.ts";
import { authorizationHeaderError } from "../../auth/registry-token.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { readJsonBody } from "../request-body.ts";
import { requestIdOf } from "../request-id.ts";

/** The writer of a stream: a namespace, "~auth" or "~moderation". */
export function streamWriter(env: Env, stream: string) {
  return env.STREAM_WRITER.getByName(stream);
}

/** The writer of the namespace a server name belongs to. */
export function writerFor(env: Env, name: string) {
  return streamWriter(env, namespaceOf(name));
}

export function callerOf(request: Request, claims: RegistryClaims): Caller {
  return { actor: { method: claims.auth_method, subject: claims.auth_method_sub }, requestId: requestIdOf(request) };
}

/** The value of a successful write, or the write's refusal as an ApiError. */
export function unwrap<T>(outcome: WriteOutcome<T>): T {
  if (!outcome.ok) throw new ApiError(outcome.status, outcome.detail, outcome.errors, outcome.headers);
  return outcome.value;
}

/** Read-your-writes in this isolate, wherever the writer ran. */
export const adoptWrite = forgetWrite;

/** Appends a refused attempt to a stream's audit trail (best effort: the refusal stands). */
export async function recordRefusal(
  env: Env,
  caller: Caller,
  stream: string,
  facts: AuditFacts,
  err: ApiError,
): Promise<void> {
  const reason = [err.detail, ...err.errors.map((e) => e.message)].join(": ");
  try {
    await streamWriter(env, stream).record(caller, stream, { ...facts, outcome: outcomeOf(err.status), reason });
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

/**
 * The framework layer of a write with a server.json body: the Authorization header must be
 * present and the body must fit the body model, both reported together as 422 before any
 * authentication (spec §2.3).
 */
export async function readServerJsonBody(request: IRequest): Promise<ServerJson> {
  const headerError = authorizationHeaderError(request);
  const paramErrors: ProblemDetail[] = headerError ? [headerError] : [];
  const body = await readJsonBody(request, { paramErrors });
  const parsed = parseServerJson(body);
  const errors = [...paramErrors, ...(parsed.ok ? [] : parsed.errors)];
  if (errors.length > 0 || !parsed.ok) throw ApiError.validation(errors);
  return parsed.value;
}
