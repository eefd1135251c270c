// Who may moderate: a registry token with `edit` covering the server's name; `edit` on "*" is
// a global maintainer (the only one who may read the audit trail or act across namespaces).
// Who may manage sync (sources, webhooks): an organisation administrator.
import { isGlobalAdmin, hasPermission } from "../../auth/permissions.ts";
import { authenticate, isOrgAdmin, type Principal } from "../../auth/principal.ts";
import { ApiError } from "../../errors.ts";
import { limitSubject } from "../rate-limits.ts";

export interface Maintainer {
  claims: Principal;
  /** The name patterns the token may edit. */
  scope: string[];
  global: boolean;
}

/** The maintainer behind a request: 401 without a valid token, 403 without any edit permission. */
export async function maintainerOf(request: Request, env: Env): Promise<Maintainer> {
  const claims = await authenticate(request, env);
  const scope = claims.permissions.filter((p) => p.action === "edit").map((p) => p.resource);
  if (scope.length === 0) throw new ApiError(403, "Moderation requires a registry token with edit permission");
  return { claims, scope, global: isGlobalAdmin(claims) };
}

export function outsideScope(what: string): ApiError {
  return new ApiError(403, `You do not have edit permission for ${what}`);
}

export function requireGlobal(maintainer: Maintainer, what: string): void {
  if (!maintainer.global) throw new ApiError(403, `${what} requires edit permission on "*" (a global maintainer)`);
}

export function mayEdit(maintainer: Maintainer, name: string): boolean {
  return hasPermission(maintainer.claims, "edit", name);
}

/**
 * The organisation administrator behind a request: 401 without a valid token, 403 with
 * `refusal` for anyone else. A write then counts against the caller's admin rate limit (as
 * maintainers' writes do, after the check); a read does not.
 */
export async function orgAdministrator(
  request: Request,
  env: Env,
  refusal: string,
  { write }: { write: boolean },
): Promise<Principal> {
  const principal = await authenticate(request, env);
  if (!isOrgAdmin(principal)) throw new ApiError(403, refusal);
  if (write) await limitSubject(env, "admin", principal);
  return principal;
}
