import { goTrimSpace } from "./go-strings.ts";

// Range detection of spec §5.1, a literal port of the official regexes. Go's RE2 `\s` is only
// [\t\n\f\r ] and `\d` only [0-9], so both are spelled out to keep JS from matching more.

const V = String.raw`v?[0-9]+(?:\.[0-9]+){0,3}(?:-[0-9A-Za-z.-]+)?`;
const S = String.raw`[\t\n\f\r ]`;

const COMPARATOR_RANGE = new RegExp(String.raw`^${S}*(?:\^|~|>=|<=|>|<|=)${S}*${V}${S}*$`);
const HYPHEN_RANGE = new RegExp(String.raw`^${S}*${V}${S}-${S}*${V}${S}*$`);
const OR_RANGE = new RegExp(String.raw`^${S}*(?:${V}${S}*)(?:\|\|${S}*${V}${S}*)+$`);
const DOTTED_VERSION_LIKE = new RegExp(
  String.raw`^${S}*(?:v?[0-9]+|x|X|\*)(?:\.(?:[0-9]+|x|X|\*)){1,2}(?:-[0-9A-Za-z.-]+)?${S}*$`,
);

/**
 * True when `version` looks like a semver range rather than one version. Quirks kept on
 * purpose: "2.0.0-next" counts (rule 4 sees the "x"), while "*" and ">=1 <2" do not.
 */
export function isVersionRange(version: string): boolean {
  const trimmed = goTrimSpace(version);
  if (trimmed === "") return false;
  if (COMPARATOR_RANGE.test(trimmed) || HYPHEN_RANGE.test(trimmed) || OR_RANGE.test(trimmed)) return true;
  return DOTTED_VERSION_LIKE.test(trimmed) && /[xX*]/.test(trimmed);
}
