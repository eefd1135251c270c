// Verification of ID tokens from an external issuer (GitHub Actions OIDC, the operator's OIDC
// provider): signature with a key from the issuer's JWKS, exp/nbf, issuer and audience.
import { candidateKeys } from "./jwks.ts";
import {
  audienceIncludes,
  checkTimeClaims,
  decodeClaims,
  decodeJws,
  importVerificationJwk,
  verifyJws,
  type JwsAlgorithm,
} from "./jwt.ts";
import { clip, fail, ok, type Result } from "./result.ts";

export interface IdTokenPolicy {
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithms: readonly JwsAlgorithm[];
  /** GitHub's tokens always carry a kid; generic providers may not. */
  requireKid: boolean;
}

/** Clock skew tolerated between the issuer and us. */
const LEEWAY_SECONDS = 5;
/** Bounds the signature checks a kid-less token can cost. */
const MAX_KEYS_TRIED = 8;

export async function verifyIdToken(
  token: string,
  policy: IdTokenPolicy,
  nowMs = Date.now(),
): Promise<Result<Record<string, unknown>>> {
  const jws = decodeJws(token);
  if (!jws.ok) return jws;
  const alg = policy.algorithms.find((a) => a === jws.value.alg);
  if (alg === undefined) return fail(`token signature is invalid: signing method ${clip(jws.value.alg)} is invalid`);
  const kid = jws.value.header.kid;
  if (kid !== undefined && typeof kid !== "string") return fail("token is malformed: kid is not a string");
  if (kid === undefined && policy.requireKid) return fail("missing kid in token header");
  const keys = await candidateKeys(policy.jwksUrl, kid, nowMs);
  if (!keys.ok) return fail(`failed to get public key: ${keys.error}`);
  let verdict: Result<true> = fail("no usable key in JWKS");
  for (const jwk of keys.value.slice(0, MAX_KEYS_TRIED)) {
    const key = await importVerificationJwk(jwk, alg);
    verdict = key.ok ? await verifyJws(jws.value, [alg], key.value) : key;
    if (verdict.ok) break;
  }
  if (!verdict.ok) return verdict;
  const claims = decodeClaims(jws.value);
  if (!claims.ok) return claims;
  const timely = checkTimeClaims(claims.value, nowMs / 1000, LEEWAY_SECONDS);
  if (!timely.ok) return timely;
  if (claims.value.iss !== policy.issuer) {
    return fail(`invalid issuer: expected ${policy.issuer}, got ${clip(JSON.stringify(claims.value.iss ?? null))}`);
  }
  if (!audienceIncludes(claims.value, policy.audience)) {
    return fail(`invalid audience: expected ${policy.audience}, got ${clip(JSON.stringify(claims.value.aud ?? null))}`);
  }
  return ok(claims.value);
}
