// Version ordering and the isLatest rule of the official registry (spec §5.2, §5.3).
//
// "Semver" is decided as the deployed registry does it: Go's golang.org/x/mod/semver after
// prefixing a "v" when there is none. So "2.1" (= 2.1.0), "v2.0.0" and "1.0.0+build" are
// semver; "3.3.0.1", "1.0.0.post1" and "2.1-rc.1" are not (shorthands take no suffixes).

export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Dot-separated prerelease identifiers; empty for a release. */
  prerelease: string[];
}

const NUMBER = "(0|[1-9][0-9]*)";
const IDENT = "[0-9A-Za-z-]+";
const FULL = new RegExp(
  `^v${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+${IDENT}(?:\\.${IDENT})*)?$`,
);
const SHORT = new RegExp(`^v${NUMBER}(?:\\.${NUMBER})?$`);
const NUMERIC = /^[0-9]+$/;

/** Parses a version the way the registry does; undefined when it is not semver. */
export function parseSemver(version: string): SemVer | undefined {
  const v = version.startsWith("v") ? version : `v${version}`;
  const full = FULL.exec(v);
  if (full) {
    const prerelease = full[4] === undefined ? [] : full[4].split(".");
    // Numeric prerelease identifiers must not have leading zeros.
    if (prerelease.some((id) => NUMERIC.test(id) && id.length > 1 && id.startsWith("0"))) {
      return undefined;
    }
    return { major: BigInt(full[1]!), minor: BigInt(full[2]!), patch: BigInt(full[3]!), prerelease };
  }
  const short = SHORT.exec(v);
  if (short) {
    return { major: BigInt(short[1]!), minor: BigInt(short[2] ?? "0"), patch: 0n, prerelease: [] };
  }
  return undefined;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string[], b: string[]): number {
  // A release ranks above any of its prereleases.
  if (a.length === 0 || b.length === 0) {
    if (a.length === b.length) return 0;
    return a.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xNum = NUMERIC.test(x);
    const yNum = NUMERIC.test(y);
    if (xNum && yNum) return compareBig(BigInt(x), BigInt(y));
    if (xNum) return -1; // numeric identifiers rank below alphanumeric ones
    if (yNum) return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

/** Semantic version precedence (build metadata ignored). */
export function compareSemver(a: SemVer, b: SemVer): number {
  return (
    compareBig(a.major, b.major) ||
    compareBig(a.minor, b.minor) ||
    compareBig(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

export interface VersionCandidate {
  version: string;
  /** Publish time in microseconds; decides between two non-semver versions. */
  publishedAt: number;
}

/**
 * The registry's CompareVersions: semver beats non-semver; two semver versions compare by
 * precedence; two non-semver versions by publish time (later wins). Positive when a > b.
 */
export function compareVersions(a: VersionCandidate, b: VersionCandidate): number {
  const sa = parseSemver(a.version);
  const sb = parseSemver(b.version);
  if (sa && sb) return compareSemver(sa, sb);
  if (sa) return 1;
  if (sb) return -1;
  return Math.sign(a.publishedAt - b.publishedAt);
}

export interface LatestCandidate extends VersionCandidate {
  deleted: boolean;
}

/**
 * Index of the version that carries isLatest (spec §5.3): the highest non-deleted version;
 * when every version is deleted, the highest deleted one keeps the flag. On equal precedence
 * the earlier-published version keeps it, as publishing an equal version does not move latest.
 * Returns -1 for an empty list.
 */
export function pickLatest(versions: readonly LatestCandidate[]): number {
  const anyAlive = versions.some((v) => !v.deleted);
  let best = -1;
  for (let i = 0; i < versions.length; i++) {
    const candidate = versions[i]!;
    if (anyAlive && candidate.deleted) continue;
    if (best === -1) {
      best = i;
      continue;
    }
    const current = versions[best]!;
    const order = compareVersions(candidate, current);
    if (order > 0 || (order === 0 && candidate.publishedAt < current.publishedAt)) best = i;
  }
  return best;
}
