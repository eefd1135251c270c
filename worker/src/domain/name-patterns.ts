// Name patterns, as permissions and denylist scopes write them (spec §10.2). Pure.

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
