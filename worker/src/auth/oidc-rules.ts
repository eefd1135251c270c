// Operator configuration for POST /auth/oidc: the claim rules an ID token must satisfy
// (OIDC_EXTRA_CLAIMS) and the permission patterns it earns (OIDC_*_PERMISSIONS). Pure.

export type ClaimRule = Record<string, unknown>;

/**
 * OIDC_EXTRA_CLAIMS: a JSON object of claim → expected value, or (the official registry's form)
 * an array of such objects, all of which must hold. Empty means no rule. Anything else is a
 * deployment error.
 */
export function parseClaimRules(config: string): ClaimRule[] {
  if (config.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch {
    throw new Error("OIDC_EXTRA_CLAIMS is not valid JSON");
  }
  const rules = Array.isArray(parsed) ? parsed : [parsed];
  if (!rules.every((r) => typeof r === "object" && r !== null && !Array.isArray(r))) {
    throw new Error("OIDC_EXTRA_CLAIMS must be a JSON object or an array of objects");
  }
  return rules as ClaimRule[];
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/**
 * A claim satisfies an expected scalar when equal to it or, if the claim is an array, when
 * containing it; an expected array is satisfied by any overlap. Objects never match.
 */
function satisfies(actual: unknown, expected: unknown): boolean {
  const wanted = Array.isArray(expected) ? expected.filter(isScalar) : isScalar(expected) ? [expected] : [];
  const held = Array.isArray(actual) ? actual.filter(isScalar) : isScalar(actual) ? [actual] : [];
  return held.some((h) => wanted.some((w) => h === w));
}

/** Why the claims break a rule, or undefined when every rule holds. */
export function claimRuleViolation(rules: readonly ClaimRule[], claims: Record<string, unknown>): string | undefined {
  for (const rule of rules) {
    for (const [key, expected] of Object.entries(rule)) {
      if (!Object.hasOwn(claims, key)) return `claim validation failed: required claim ${key} not found`;
      if (!satisfies(claims[key], expected)) return `claim validation failed: ${key} does not match the required value`;
    }
  }
  return undefined;
}

/** "a, b,,c" → ["a", "b", "c"] */
export function parsePatternList(config: string): string[] {
  return config
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}
