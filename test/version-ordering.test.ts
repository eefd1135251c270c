import { describe, expect, it } from "vitest";
import { compareVersions, parseSemver, pickLatest } from "../worker/src/domain/version-order.ts";

describe("which versions count as semver", () => {
  it.each([
    ["1.2.3", true],
    ["v1.2.3", true],
    ["2.1", true], // shorthand, read as 2.1.0
    ["3", true],
    ["1.0.0-beta.1", true],
    ["2025.11.26+pr150-394827a", true],
    ["1.0.0+build.5", true],
    ["3.3.0.1", false],
    ["1.0.0.post1", false],
    ["1.0.1º", false],
    ["{{VERSION}}", false],
    ["snapshot-7", false],
    ["2.1-rc.1", false], // shorthands take no prerelease
    ["01.2.3", false],
    ["1.2.3-01", false],
    ["vv1.0.0", false],
    ["", false],
  ])("%s → %s", (version, semver) => {
    expect(parseSemver(version) !== undefined).toBe(semver);
  });
});

describe("compareVersions", () => {
  const at = (version: string, publishedAt = 0) => ({ version, publishedAt });
  it.each([
    ["1.10.0", "1.9.0"],
    ["2.0.0", "2.0.0-rc.1"],
    ["1.0.0-rc.1", "1.0.0-beta.11"],
    ["1.0.0-beta.11", "1.0.0-beta.2"], // numeric identifiers compare numerically
    ["1.0.0-alpha.beta", "1.0.0-alpha.1"], // alphanumeric above numeric
    ["1.0.0-alpha.1", "1.0.0-alpha"], // more identifiers above fewer
    ["2.1", "2.0.9"],
    ["v2.0.0", "1.99.0"],
    ["0.0.1", "3.3.0.1"], // semver beats non-semver
  ])("%s > %s", (a, b) => {
    expect(compareVersions(at(a), at(b))).toBeGreaterThan(0);
    expect(compareVersions(at(b), at(a))).toBeLessThan(0);
  });

  it("ignores build metadata and the v prefix", () => {
    expect(compareVersions(at("1.0.0+a"), at("1.0.0+b"))).toBe(0);
    expect(compareVersions(at("v1.0.0"), at("1.0.0"))).toBe(0);
  });

  it("orders two non-semver versions by publish time", () => {
    expect(compareVersions(at("aaa", 2), at("zzz", 1))).toBeGreaterThan(0);
    expect(compareVersions(at("2024.11.05", 1), at("2024.1.1", 2))).toBeLessThan(0);
  });
});

describe("pickLatest", () => {
  const v = (version: string, publishedAt: number, deleted = false) => ({ version, publishedAt, deleted });

  it("returns -1 for no versions", () => {
    expect(pickLatest([])).toBe(-1);
  });

  it("keeps the highest semver over a later backport and later non-semver", () => {
    expect(pickLatest([v("2.1.0", 1), v("1.4.3", 2), v("2.1.0.1", 3)])).toBe(0);
  });

  it("skips deleted versions while any other exists", () => {
    expect(pickLatest([v("1.0.0", 1), v("2.0.0", 2, true)])).toBe(0);
  });

  it("leaves the flag on the highest deleted version when all are deleted", () => {
    expect(pickLatest([v("1.0.0", 1, true), v("2.0.0", 2, true)])).toBe(1);
  });

  it("gives an equal-precedence tie to the earlier version", () => {
    expect(pickLatest([v("1.0.0", 1), v("v1.0.0", 2)])).toBe(0);
    expect(pickLatest([v("v1.0.0", 2), v("1.0.0", 1)])).toBe(1);
  });

  it("picks the last-published of only non-semver versions", () => {
    expect(pickLatest([v("snapshot-9", 1), v("snapshot-10", 3), v("snapshot-2", 2)])).toBe(1);
  });
});
