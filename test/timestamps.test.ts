import { describe, expect, it } from "vitest";
import { formatRfc3339, parseRfc3339 } from "../worker/src/domain/timestamps.ts";

describe("RFC 3339 timestamps", () => {
  it("round-trips microsecond timestamps as Go prints them", () => {
    for (const text of [
      "2025-10-09T17:05:17.793149Z",
      "2025-10-09T17:05:17.79314Z",
      "2025-10-09T17:05:17.7Z",
      "2025-10-09T17:05:17Z",
      "1999-12-31T23:59:59.000001Z",
    ]) {
      expect(formatRfc3339(parseRfc3339(text)!)).toBe(text);
    }
  });

  it("drops trailing zeros of the fraction", () => {
    expect(formatRfc3339(parseRfc3339("2025-01-01T00:00:00.120000Z")!)).toBe("2025-01-01T00:00:00.12Z");
    expect(formatRfc3339(parseRfc3339("2025-01-01T00:00:00.000Z")!)).toBe("2025-01-01T00:00:00Z");
  });

  it("applies offsets and truncates below a microsecond", () => {
    expect(parseRfc3339("2025-01-01T02:00:00+02:00")).toBe(parseRfc3339("2025-01-01T00:00:00Z"));
    expect(parseRfc3339("2025-01-01T00:00:00-01:30")).toBe(parseRfc3339("2025-01-01T01:30:00Z"));
    expect(parseRfc3339("2025-01-01T00:00:00.123456789Z")).toBe(parseRfc3339("2025-01-01T00:00:00.123456Z"));
  });

  it.each([
    "",
    "2025-01-01",
    "2025-01-01 00:00:00Z",
    "2025-01-01T00:00:00",
    "2025-13-01T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2025-01-01T24:00:00Z",
    "2025-01-01T00:00:00.Z",
    "2025-01-01T00:00:00.1234567890Z",
    "2025-01-01T00:00:00+2:00",
    "yesterday",
  ])("rejects %j", (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});
