// Registry tokens (spec §10.1): issued by the /auth/* exchanges, presented as
// `Authorization: Bearer <token>` on writes (spec §4 steps 2–3).
import { LruCache } from "../storage/lru.ts";
import type { ProblemDetail } from "../errors.ts";
import {
  REGISTRY_ISSUER,
  readRegistryClaims,
  type AuthMethod,
  type Permission,
  type RegistryClaims,
} from "./claims.ts";
import { checkTimeClaims, decodeClaims, decodeJws, signEdDSA, verifyJws } from "./jwt.ts";
import { fail, ok, type Result } from "./result.ts";
import { signingKeys } from "./signing-key.ts";

export type { AuthMethod, Permission, PermissionAction, RegistryClaims } from "./claims.ts";

/** What every /auth/* exchange answers. */
export interface TokenResponse {
  registry_token: string;
  /** Unix seconds. */
  expires_at: number;
}

export const TOKEN_LIFETIME_SECONDS = 5 * 60;
/** Clock skew tolerated on exp and nbf. */
export const TOKEN_LEEWAY_SECONDS = 5;

export async function issueRegistryToken(
  env: Pick<Env, "JWT_PRIVATE_KEY">,
  authMethod: AuthMethod,
  subject: string,
  permissions: readonly Permission[],
  nowSeconds = Math.floor(Date.now() / 1000),
  identities?: readonly string[],
): Promise<TokenResponse> {
  const { privateKey } = await signingKeys(env);
  const exp = nowSeconds + TOKEN_LIFETIME_SECONDS;
  const claims: RegistryClaims = {
    iss: REGISTRY_ISSUER,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp,
    auth_method: authMethod,
    auth_method_sub: subject,
    permissions: permissions.map((p) => ({ action: p.action, resource: p.resource })),
    ...(identities && identities.length > 0 ? { identities: [...identities] } : {}),
  };
  return { registry_token: await signEdDSA(privateKey, { ...claims }), expires_at: exp };
}

/**
 * The claims of a token this isolate has just issued (for the audit trail): decoded only,
 * since verifying our own fresh signature would prove nothing.
 */
export function issuedClaims(token: string): RegistryClaims | undefined {
  const jws = decodeJws(token);
  const claims = jws.ok ? decodeClaims(jws.value) : undefined;
  const registryClaims = claims?.ok ? readRegistryClaims(claims.value) : undefined;
  return typeof registryClaims === "object" ? registryClaims : undefined;
}

/**
 * Tokens whose signature this isolate already verified, with their claims. A publisher's CLI
 * or CI job reuses one token for several calls; the time claims are still checked every time.
 */
const verifiedTokens = new LruCache<{ seed: string; claims: Record<string, unknown> }>(1024, 1024);

/** Signature (EdDSA with our key only), exp/nbf with a small leeway, issuer and claim shape. */
export async function verifyRegistryToken(
  env: Pick<Env, "JWT_PRIVATE_KEY">,
  token: string,
  nowSeconds = Date.now() / 1000,
): Promise<Result<RegistryClaims>> {
  const seed = env.JWT_PRIVATE_KEY ?? "";
  let verified = verifiedTokens.get(token);
  if (verified?.seed !== seed) {
    const jws = decodeJws(token);
    if (!jws.ok) return jws;
    const { publicKey } = await signingKeys(env);
    const signed = await verifyJws(jws.value, ["EdDSA"], publicKey);
    if (!signed.ok) return signed;
    const claims = decodeClaims(jws.value);
    if (!claims.ok) return claims;
    verified = { seed, claims: claims.value };
    verifiedTokens.set(token, verified, 1);
  }
  const claims = { value: verified.claims };
  const timely = checkTimeClaims(claims.value, nowSeconds, TOKEN_LEEWAY_SECONDS);
  if (!timely.ok) return timely;
  const registryClaims = readRegistryClaims(claims.value);
  return typeof registryClaims === "string" ? fail(registryClaims) : ok(registryClaims);
}

/**
 * The framework layer's check (spec §2.3): a missing or empty Authorization header is a 422
 * field error reported with the body's errors, before any authentication.
 */
export function authorizationHeaderError(request: Request): ProblemDetail | undefined {
  const value = request.headers.get("authorization");
  if (value !== null && value !== "") return undefined;
  return { message: "required header parameter is missing", location: "header.Authorization" };
}
