// The pure moderation rules: configuration defaults, weights counted once per reporter, the
// threshold crossing, the rate limit's Retry-After, resolutions' status changes, and the
// address block a reporter is known by.
import { describe, expect, it } from "vitest";
import { addressBlock } from "../worker/src/auth/reporter-identity.ts";
import {
  addedWeight,
  moderationConfig,
  rateLimitRetryAfter,
  reachesReview,
  REPORT_WINDOW_MICROS,
  resolutionStatusChange,
} from "../worker/src/domain/moderation.ts";
import type { VersionRecord } from "../worker/src/domain/server-response.ts";

const version = (status: VersionRecord["status"], statusMessage: string | null = null): VersionRecord => ({
  name: "a.b/c",
  version: "1.0.0",
  status,
  statusMessage,
  statusChangedAt: 0,
  publishedAt: 0,
  updatedAt: 0,
  isLatest: true,
  serverJson: "{}",
});

describe("moderation rules", () => {
  it("reads the configuration with defaults for missing or invalid values", () => {
    expect(moderationConfig({})).toEqual({
      reviewThreshold: 5,
      anonymousWeight: 1,
      tokenWeight: 3,
      reportsPerHour: 20,
    });
    expect(
      moderationConfig({ REVIEW_THRESHOLD: "10", REPORTS_PER_HOUR: "-1", REPORT_WEIGHT_TOKEN: "x" }),
    ).toMatchObject({
      reviewThreshold: 10,
      reportsPerHour: 20,
      tokenWeight: 3,
    });
  });

  it("adds only what a reporter's new report weighs beyond their heaviest open one", () => {
    expect(addedWeight(0, 1)).toBe(1);
    expect(addedWeight(1, 1)).toBe(0);
    expect(addedWeight(1, 3)).toBe(2);
    expect(addedWeight(3, 1)).toBe(0);
  });

  it("reaches review exactly when the count first meets the threshold", () => {
    expect(reachesReview(4, 5, 5)).toBe(true);
    expect(reachesReview(2, 7, 5)).toBe(true);
    expect(reachesReview(3, 4, 5)).toBe(false);
    expect(reachesReview(5, 6, 5)).toBe(false);
  });

  it("answers Retry-After from the oldest report in the window", () => {
    const now = 10 * REPORT_WINDOW_MICROS;
    expect(rateLimitRetryAfter(19, now - 1000, now, 20)).toBeUndefined();
    expect(rateLimitRetryAfter(20, now - REPORT_WINDOW_MICROS + 90_000_000, now, 20)).toBe(90);
    expect(rateLimitRetryAfter(20, now - REPORT_WINDOW_MICROS, now, 20)).toBe(1);
  });

  it("turns resolutions into status changes, leaving deleted versions alone", () => {
    expect(resolutionStatusChange("dismiss", "m", version("active"))).toBeUndefined();
    expect(resolutionStatusChange("deprecate", "m", version("active"))).toEqual({
      status: "deprecated",
      statusMessage: "m",
    });
    expect(resolutionStatusChange("deprecate", "m", version("deleted"))).toBeUndefined();
    expect(resolutionStatusChange("deprecate", "m", version("deprecated", "m"))).toBeUndefined();
    expect(resolutionStatusChange("delete", "m", version("deprecated", "old"))).toEqual({
      status: "deleted",
      statusMessage: "m",
    });
  });

  it("knows IPv4 reporters by address and IPv6 reporters by their /64", () => {
    expect(addressBlock("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBlock("2001:db8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(addressBlock("2001:0db8:0000:0001:ffff:1:2:3")).toBe("2001:db8:0:1::/64");
    expect(addressBlock("::1")).toBe("0:0:0:0::/64");
  });
});
