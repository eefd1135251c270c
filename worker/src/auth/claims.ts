// The registry token's claims (spec §10.1) and a strict reader for them: a token signed with
// our key is trusted, but its payload is still checked for shape before anyone relies on it.

export type AuthMethod = "github-at" | "github-oidc" | "dns" | "http" | "oidc" | "none";
export type PermissionAction = "publish" | "edit";

export interface Permission {
  action: PermissionAction;
  /** A name pattern: "*", a prefix ending in "*", or an exact name (spec §10.2). */
  resource: string;
}

export interface RegistryClaims {
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  auth_method: AuthMethod;
  auth_method_sub: string;
  permissions: Permission[];
  /**
   * Our addition, only in tokens from /auth/oidc: further member forms of the identity (its
   * verified e-mail, `idp:<group>` per group claim), so SSO groups map to group roles.
   */
  identities?: string[];
}

export const REGISTRY_ISSUER = "mcp-registry";

const AUTH_METHODS: readonly string[] = ["github-at", "github-oidc", "dns", "http", "oidc", "none"];

function isPermission(value: unknown): value is Permission {
  if (typeof value !== "object" || value === null) return false;
  const { action, resource } = value as Record<string, unknown>;
  return (action === "publish" || action === "edit") && typeof resource === "string";
}

/** The claims as RegistryClaims, or why they are not (time claims are checked elsewhere). */
export function readRegistryClaims(claims: Record<string, unknown>): RegistryClaims | string {
  if (claims.iss !== REGISTRY_ISSUER) return "token has invalid claims: token has invalid issuer";
  const { iat, nbf, exp, auth_method, auth_method_sub, permissions, identities } = claims;
  if (typeof exp !== "number") return "token has invalid claims: exp claim is required";
  if (typeof auth_method !== "string" || !AUTH_METHODS.includes(auth_method)) {
    return "token has invalid claims: unknown auth_method";
  }
  if (typeof auth_method_sub !== "string") return "token has invalid claims: auth_method_sub is required";
  if (!Array.isArray(permissions) || !permissions.every(isPermission)) {
    return "token has invalid claims: permissions are malformed";
  }
  if (identities !== undefined && !(Array.isArray(identities) && identities.every((i) => typeof i === "string"))) {
    return "token has invalid claims: identities are malformed";
  }
  return {
    iss: REGISTRY_ISSUER,
    iat: typeof iat === "number" ? iat : 0,
    nbf: typeof nbf === "number" ? nbf : 0,
    exp,
    auth_method: auth_method as AuthMethod,
    auth_method_sub,
    // Only the two known members survive, whatever else the payload carried.
    permissions: permissions.map((p) => ({ action: p.action, resource: p.resource })),
    ...(identities === undefined ? {} : { identities: identities as string[] }),
  };
}
