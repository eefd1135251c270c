// Permission patterns (spec §10.2). Pure: what a token's claims allow, nothing else.
import type { Permission, PermissionAction, RegistryClaims } from "./claims.ts";

export type { Permission, PermissionAction } from "./claims.ts";

/**
 * "*" matches every name; a pattern ending in "*" matches names starting with the rest (so
 * "com.example/*" needs the "/" and never matches "com.examplefoo/x"); anything else must be
 * equal.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

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
