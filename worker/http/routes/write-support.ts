// What the write routes share: reaching a namespace's writer, turning its outcome into an
// answer, and the framework-layer checks that come before authentication.
import type { RegistryClaims } from "../../auth/registry-token.ts";
import type { Actor, WriteOutcome } from "../../catalog/namespace-writes.ts";
import { parseServerJson, type FieldError, type ServerJson } from "../../domain/server-json/index.ts";
import { namespaceOf } from "../../domain/write-rules.ts";
import { forgetWrite } from "../../storage/read-cache.ts";
import { authorizationHeaderError } from "../../auth/registry-token.ts";
import { ApiError } from "../problem.ts";
import { readJsonBody } from "../request-body.ts";

export function writerFor(env: Env, name: string) {
  return env.NAMESPACE_WRITER.getByName(namespaceOf(name));
}

export function actorOf(claims: RegistryClaims): Actor {
  return { method: claims.auth_method, subject: claims.auth_method_sub };
}

/** The value of a successful write, or the write's refusal as an ApiError. */
export function unwrap<T>(outcome: WriteOutcome<T>): T {
  if (!outcome.ok) throw new ApiError(outcome.status, outcome.detail, outcome.errors);
  return outcome.value;
}

/** Read-your-writes in this isolate, wherever the writer ran. */
export const adoptWrite = forgetWrite;

/**
 * The framework layer of a write with a server.json body: the Authorization header must be
 * present and the body must fit the body model, both reported together as 422 before any
 * authentication (spec §2.3).
 */
export async function readServerJsonBody(request: Request): Promise<ServerJson> {
  const headerError = authorizationHeaderError(request);
  const paramErrors: FieldError[] = headerError ? [headerError] : [];
  const body = await readJsonBody(request, { paramErrors });
  const parsed = parseServerJson(body);
  const errors = [...paramErrors, ...(parsed.ok ? [] : parsed.errors)];
  if (errors.length > 0 || !parsed.ok) throw ApiError.validation(errors);
  return parsed.value;
}
