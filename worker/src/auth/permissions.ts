// Permission patterns (spec §10.2). Pure: what a token's claims allow, nothing else.
import { matchesPattern } from "../domain/name-patterns.ts";
import type { Permission, PermissionAction, RegistryClaims } from "./claims.ts";

export type { Permission, PermissionAction } from "./claims.ts";
export { matchesPattern };

export function hasPermission(
  claims: Pick<RegistryClaims, "permissions">,
  action: PermissionAction,
  name: string,
): boolean {
  return claims.permissions.some((p: Permission) => p.action === action && matchesPattern(p.resource, name));
}

export function canPublish(claims: Pick<RegistryClaims, "permissions">, name: string): boolean {
  return hasPermission(claims, "publish", name);
}

export function canEdit(claims: Pick<RegistryClaims, "permissions">, name: string): boolean {
  return hasPermission(claims, "edit", name);
}

/** An admin holds edit on "*" itself; edit on every name via narrower patterns does not count. */
export function isGlobalAdmin(claims: Pick<RegistryClaims, "permissions">): boolean {
  return claims.permissions.some((p) => p.action === "edit" && p.resource === "*");
}
