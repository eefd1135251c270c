// How failed webhook deliveries are spaced: from the retry base (WEBHOOK_RETRY_BASE_SECONDS,
// 10 s by default) each retry 4 times later than the one before, never more than an hour apart;
// a base that is not a whole number of seconds from 1 falls back to the default. An in-flight
// change is overdue only past its backoff plus the grace. The queue's own timing with a real
// backoff: webhook-retries.test.ts and webhook-dead-letter.test.ts.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  backoffSeconds,
  DEFAULT_RETRY_BASE_SECONDS,
  IN_FLIGHT_GRACE_SECONDS,
  inFlightOverdue,
  MAX_BACKOFF_SECONDS,
  retryBaseSeconds,
} from "../worker/src/domain/webhooks.ts";

const attemptsOneToEight = [1, 2, 3, 4, 5, 6, 7, 8];

describe("webhook retry spacing", () => {
  it("grows 4 times per attempt from the base, capped at an hour", () => {
    expect(attemptsOneToEight.map((n) => backoffSeconds(n, 10))).toEqual([10, 40, 160, 640, 2560, 3600, 3600, 3600]);
    expect(attemptsOneToEight.map((n) => backoffSeconds(n, 2))).toEqual([2, 8, 32, 128, 512, 2048, 3600, 3600]);
    expect(attemptsOneToEight.map((n) => backoffSeconds(n, 1))).toEqual([1, 4, 16, 64, 256, 1024, 3600, 3600]);
    // No attempt yet counts as the first.
    expect(backoffSeconds(0, 10)).toBe(10);
  });

  it("reads the base from the variable: whole seconds from 1, at most the cap, else the default", () => {
    expect(DEFAULT_RETRY_BASE_SECONDS).toBe(10);
    expect(retryBaseSeconds("10")).toBe(10);
    expect(retryBaseSeconds("1")).toBe(1);
    expect(retryBaseSeconds("30")).toBe(30);
    expect(retryBaseSeconds("99999")).toBe(MAX_BACKOFF_SECONDS);
    for (const raw of [undefined, "", " ", "0", "-5", "1.5", "ten", "1e400", "NaN"]) {
      expect(retryBaseSeconds(raw), String(raw)).toBe(DEFAULT_RETRY_BASE_SECONDS);
    }
    // The tests run with a short base (vitest.config.ts), so that a retry is waited for in seconds.
    expect(retryBaseSeconds(env.WEBHOOK_RETRY_BASE_SECONDS)).toBe(2);
  });

  it("calls an in-flight change overdue only past its backoff from the base plus the grace", () => {
    const since = 1_000_000_000_000;
    const at = (seconds: number) => since + seconds * 1_000_000;
    // Not attempted yet: the grace alone.
    expect(inFlightOverdue(since, 0, at(IN_FLIGHT_GRACE_SECONDS), 10)).toBe(false);
    expect(inFlightOverdue(since, 0, at(IN_FLIGHT_GRACE_SECONDS + 1), 10)).toBe(true);
    // After 2 attempts: the second backoff (4 × the base) plus the grace.
    expect(inFlightOverdue(since, 2, at(40 + IN_FLIGHT_GRACE_SECONDS), 10)).toBe(false);
    expect(inFlightOverdue(since, 2, at(40 + IN_FLIGHT_GRACE_SECONDS + 1), 10)).toBe(true);
    expect(inFlightOverdue(since, 2, at(8 + IN_FLIGHT_GRACE_SECONDS + 1), 2)).toBe(true);
    expect(inFlightOverdue(since, 2, at(8 + IN_FLIGHT_GRACE_SECONDS), 2)).toBe(false);
  });
});
