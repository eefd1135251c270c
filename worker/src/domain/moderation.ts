// Community moderation rules. Pure: report weights, the review threshold, the per-reporter rate
// limit, and what a resolution does to a server's versions.
import type { VersionRecord } from "./server-response.ts";
import type { StatusChange } from "./write-rules.ts";

export const REPORT_REASONS = ["spam", "malicious", "impersonation", "broken", "inappropriate", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const RESOLVE_ACTIONS = ["dismiss", "deprecate", "delete", "denylist"] as const;
export type ResolveAction = (typeof RESOLVE_ACTIONS)[number];

export const MAX_REPORT_DETAILS = 2000;
/** A resolution's message becomes the versions' statusMessage, which is limited to 500. */
export const MAX_RESOLUTION_MESSAGE = 500;
/** The rate limit's window. */
export const REPORT_WINDOW_MICROS = 3600 * 1_000_000;

export interface ModerationConfig {
  /** Weighted open reports at which a server is marked under review. */
  reviewThreshold: number;
  /** What a report from an anonymous reporter (known by address) counts for. */
  anonymousWeight: number;
  /** What a report from a registry-token holder counts for. */
  tokenWeight: number;
  /** Reports one reporter may file per hour. */
  reportsPerHour: number;
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export function moderationConfig(env: {
  REVIEW_THRESHOLD?: string;
  REPORT_WEIGHT_ANONYMOUS?: string;
  REPORT_WEIGHT_TOKEN?: string;
  REPORTS_PER_HOUR?: string;
}): ModerationConfig {
  return {
    reviewThreshold: positiveInt(env.REVIEW_THRESHOLD, 5),
    anonymousWeight: positiveInt(env.REPORT_WEIGHT_ANONYMOUS, 1),
    tokenWeight: positiveInt(env.REPORT_WEIGHT_TOKEN, 3),
    reportsPerHour: positiveInt(env.REPORTS_PER_HOUR, 20),
  };
}

/**
 * What a new report adds to its target's weighted count: a reporter counts once per target
 * (their heaviest open report), so reporting again adds nothing unless it weighs more.
 */
export function addedWeight(reporterOpenWeight: number, weight: number): number {
  return Math.max(0, weight - reporterOpenWeight);
}

/** Whether the weighted count reaches the threshold with this report (and did not before). */
export function reachesReview(before: number, after: number, threshold: number): boolean {
  return before < threshold && after >= threshold;
}

/**
 * Seconds until the reporter may report again, or undefined when under the limit. `oldest` is
 * the oldest of their reports inside the window.
 */
export function rateLimitRetryAfter(
  inWindow: number,
  oldest: number | null,
  now: number,
  perHour: number,
): number | undefined {
  if (inWindow < perHour) return undefined;
  const freeAt = (oldest ?? now) + REPORT_WINDOW_MICROS;
  return Math.max(1, Math.ceil((freeAt - now) / 1_000_000));
}

/**
 * The status change a resolution applies to each version, or undefined when the version stays
 * as it is: deprecate leaves deleted versions deleted, delete leaves nothing visible.
 */
export function resolutionStatusChange(
  action: ResolveAction,
  message: string,
  version: VersionRecord,
): StatusChange | undefined {
  if (action === "dismiss") return undefined;
  const target = action === "deprecate" ? "deprecated" : "deleted";
  if (version.status === "deleted") return undefined;
  if (version.status === target && version.statusMessage === message) return undefined;
  return { status: target, statusMessage: message };
}
