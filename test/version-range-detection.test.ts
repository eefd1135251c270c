import { describe, expect, it } from "vitest";
import { isVersionRange } from "../worker/src/domain/server-json/index.ts";

describe("isVersionRange (spec §5.1)", () => {
  const ranges: ReadonlyArray<readonly [string, string]> = [
    ["^1.2.3", "caret comparator"],
    ["~1.2.3", "tilde comparator"],
    [">=1.0.0", "greater-or-equal comparator"],
    [">= 1.0", "comparator with spaces"],
    ["<=2", "less-or-equal comparator"],
    [">1.0.0", "greater comparator"],
    ["<1.0.0", "less comparator"],
    ["=1.0.0", "equals comparator"],
    ["^v1.2.3-beta.1", "comparator with v prefix and prerelease"],
    ["1.2.3 - 2.0.0", "hyphen range"],
    ["1.2.3 -2.0.0", "hyphen range without space after the dash"],
    ["1.2 || 1.3", "OR range"],
    ["1||2||3", "OR range with three members"],
    ["1.x", "x wildcard"],
    ["1.2.*", "star wildcard"],
    ["1.X.0", "upper-case X wildcard"],
    ["x.1", "leading wildcard"],
    ["2.0.0-next", "quirk: prerelease containing an x"],
    ["1.0.0-experimental.1", "quirk: prerelease containing an x"],
    ["  ^1.0.0  ", "surrounding spaces are trimmed"],
    ["\u00a0^1.0.0", "Go's TrimSpace also trims a no-break space"],
    ["\u000b^1.0.0", "Go's TrimSpace trims a vertical tab"],
  ];
  it.each(ranges)("%s is a range (%s)", (version) => {
    expect(isVersionRange(version)).toBe(true);
  });

  const specific: ReadonlyArray<readonly [string, string]> = [
    ["1.0.0", "plain semver"],
    ["v1.0", "v prefix without wildcard"],
    ["1.0.0-beta.1", "prerelease without x"],
    ["1.0.0+build.5", "build metadata"],
    ["2021.03.15", "calendar version"],
    ["1.0.0.post1", "python post release"],
    ["0.5.2rc4", "python release candidate"],
    ["snapshot - 2025.09", "hyphen between non-versions"],
    ["*", "quirk: a bare star"],
    ["x", "quirk: a bare x"],
    [">=1.0.0 <2.0.0", "quirk: compound range"],
    ["1.2.3 - ", "dangling hyphen"],
    ["1.2.3.4.5.6", "too many parts for any pattern"],
    ["", "empty string"],
    ["   ", "only spaces"],
    ["latest", "latest is reserved, not a range"],
    ["1.2.3\u2003-\u20032.0.0", "Go's \\s does not match an em space"],
  ];
  it.each(specific)("%s is not a range (%s)", (version) => {
    expect(isVersionRange(version)).toBe(false);
  });
});
