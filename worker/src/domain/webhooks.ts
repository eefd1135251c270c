// Webhook subscriptions (README "Webhooks"): what a subscription may say, which changes it
// receives, what one delivery carries, and how failed deliveries are spaced. Pure: storage,
// the queue and HTTP live elsewhere (storage/d1-webhooks.ts, sync/, http/routes/webhooks.ts).
import { FEED_ACTIONS, type FeedAction, type FeedEntry, type FeedPosition } from "./change-feed.ts";

/** Subscriptions in all: each one is read by every dispatch, so they stay few. */
export const MAX_WEBHOOKS = 100;
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;
export const MAX_URL_LENGTH = 2048;
/** Settled deliveries kept per subscription (the newest; pending ones are always kept). */
export const KEPT_DELIVERIES = 1000;
/** Deliveries per page of GET …/deliveries: default and largest. */
export const DELIVERIES_DEFAULT_LIMIT = 100;
export const DELIVERIES_MAX_LIMIT = 500;

/** Every change. */
export const ALL_EVENTS = "*";

/** How long a receiver may take to answer, and how much of its answer is read. */
export const DELIVERY_TIMEOUT_MS = 10_000;
export const DELIVERY_MAX_RESPONSE_BYTES = 64 * 1024;
/** The longest last_error kept for a failed attempt. */
export const MAX_ERROR_LENGTH = 500;

/**
 * Retry spacing: the first retry after the base (wrangler.toml WEBHOOK_RETRY_BASE_SECONDS,
 * default DEFAULT_RETRY_BASE_SECONDS), each next one BACKOFF_FACTOR times later…
 */
export const DEFAULT_RETRY_BASE_SECONDS = 10;
export const BACKOFF_FACTOR = 4;
/** …but never more than this apart (Queues accept up to 12 hours). */
export const MAX_BACKOFF_SECONDS = 3600;
/**
 * How long a claimed change may go without news (a send, or a failed attempt) beyond its
 * scheduled retry before the dispatcher sends its message again (a message lost in the queue,
 * or a dead letter whose consumer gave up).
 */
export const IN_FLIGHT_GRACE_SECONDS = 600;
/**
 * Deliveries one queue message makes in a row for its subscription after its own succeeded
 * (see sync/webhook-consumer.ts): a burst of changes drains at the receiver's speed instead of
 * one queue hop (max_batch_timeout) per change. Bounded so that a batch of 10 messages stays
 * well within the subrequests one invocation may make.
 */
export const MAX_DELIVERIES_IN_A_ROW = 15;

/** A subscription as stored. */
export interface Webhook {
  id: string;
  url: string;
  /** Feed actions, or ["*"]. */
  events: string[];
  /** Whose feed it follows: a group's view, or null for the public one. */
  group: string | null;
  secret: string;
  /** µs */
  createdAt: number;
  createdBy: string;
  /** The seq of the last change settled (delivered, dead-lettered or not matching). */
  cursor: number;
  /** The seq whose queue message is out, if any. */
  inFlight: number | null;
  /** µs: when the in-flight change was handed to the queue or last attempted. */
  inFlightSince: number | null;
}

export type DeliveryState = "pending" | "delivered" | "dead";

/** One (subscription, change) attempted, with the change it is about. */
export interface Delivery {
  /** Internal order (the feed's seq): the page cursor of the deliveries log. */
  seq: number;
  change: Pick<FeedEntry, "name" | "version" | "action" | "group" | "pos" | "publicPos">;
  /** For a group subscription: the group's own feed position before the change (changeCursor). */
  groupBefore: number;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  /** µs: when the change was claimed for delivery. */
  firstAt: number;
  /** µs: the last attempt or settlement. */
  lastAt: number;
}

/** A new subscription's identifier: "wh_" and 16 hex digits. */
export const WEBHOOK_ID_PATTERN = /^wh_[0-9a-f]{16}$/;

export function newWebhookId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `wh_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Why a subscription URL is refused, or undefined. http and https only (an administrator may
 * point at a receiver on a private network: the URL is a trusted destination), no credentials
 * (they would be logged and listed; put a token in the path or query instead), no fragment.
 */
export function webhookUrlProblem(raw: string): string | undefined {
  if (raw.length > MAX_URL_LENGTH) return `expected length <= ${MAX_URL_LENGTH}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "expected an absolute http or https URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "expected an http or https URL";
  if (url.username !== "" || url.password !== "") return "a webhook URL must not carry credentials";
  if (url.hash !== "" || raw.includes("#")) return "a webhook URL must not have a fragment";
  return undefined;
}

/**
 * The canonical events of a subscription: ["*"] alone, or distinct feed actions in the feed's
 * order. Errors name the offending index.
 */
export function canonicalEvents(
  raw: readonly string[],
): { events: string[] } | { errors: { index: number; message: string }[] } {
  const errors: { index: number; message: string }[] = [];
  if (raw.includes(ALL_EVENTS)) {
    raw.forEach((event, index) => {
      if (event !== ALL_EVENTS) errors.push({ index, message: `"*" already means every event` });
    });
    return errors.length > 0 ? { errors } : { events: [ALL_EVENTS] };
  }
  raw.forEach((event, index) => {
    if (!(FEED_ACTIONS as readonly string[]).includes(event)) {
      errors.push({ index, message: `expected "*" or one of ${FEED_ACTIONS.join(", ")}` });
    }
  });
  if (errors.length > 0) return { errors };
  return { events: FEED_ACTIONS.filter((action) => raw.includes(action)) };
}

/** Whether a subscription receives changes of this action. */
export function receives(events: readonly string[], action: FeedAction): boolean {
  return events.includes(ALL_EVENTS) || events.includes(action);
}

/**
 * WEBHOOK_RETRY_BASE_SECONDS as whole seconds from 1 to MAX_BACKOFF_SECONDS (queue delays are
 * whole seconds); anything else is the default.
 */
export function retryBaseSeconds(raw: string | undefined): number {
  const n = Number(raw);
  return raw !== undefined && raw.trim() !== "" && Number.isInteger(n) && n >= 1
    ? Math.min(n, MAX_BACKOFF_SECONDS)
    : DEFAULT_RETRY_BASE_SECONDS;
}

/**
 * Seconds before the next attempt after `attempts` failed ones (1, 2, …), from `baseSeconds`
 * (retryBaseSeconds): with the default 10 s, 40 s, 160 s … 1 h.
 */
export function backoffSeconds(attempts: number, baseSeconds: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(baseSeconds * BACKOFF_FACTOR ** exponent, MAX_BACKOFF_SECONDS);
}

/**
 * Whether an in-flight change has gone quiet for longer than its next attempt can be due:
 * `since` (µs) is the last send or attempt, `attempts` those made so far, `baseSeconds` the
 * retry base they were spaced by.
 */
export function inFlightOverdue(since: number, attempts: number, now: number, baseSeconds: number): boolean {
  const dueWithin = (attempts === 0 ? 0 : backoffSeconds(attempts, baseSeconds)) + IN_FLIGHT_GRACE_SECONDS;
  return now - since > dueWithin * 1_000_000;
}

/**
 * Where a change stands in the subscription's view: its position in GET /x/changes (under the
 * group's prefix for a group subscription), the one its feed cursor names. Never the internal
 * seq, whose gaps would count other catalogues' changes. `groupBefore`: for a public change in a
 * group's view, the group's own position at its commit.
 */
export function changePosition(
  entry: Pick<FeedEntry, "group" | "pos" | "publicPos">,
  grouped: boolean,
  groupBefore = 0,
): FeedPosition {
  if (!grouped) return { public: entry.pos, group: 0 };
  return entry.group === null
    ? { public: entry.pos, group: groupBefore }
    : { public: entry.publicPos, group: entry.pos };
}

/**
 * The delivery id receivers dedupe on: the subscription and the change's position in its view,
 * the same for every attempt (a feed cursor would not do: a group's carries its current
 * includes).
 */
export function deliveryId(webhook: string, position: FeedPosition, grouped: boolean): string {
  return grouped ? `${webhook}:${position.public}.${position.group}` : `${webhook}:${position.public}`;
}

/**
 * A delivery's body: its id, the subscription, the event (the change's action) and the change
 * exactly as the feed renders it (`change`: domain/change-feed.ts renderFeedEntry).
 */
export function deliveryBody(id: string, webhook: string, action: FeedAction, renderedChange: string): string {
  const head = JSON.stringify({ id, webhook, event: action });
  return `${head.slice(0, -1)},"change":${renderedChange}}`;
}

/** Whether a receiver's answer counts as delivered: any 2xx (redirects are not followed). */
export function accepted(status: number): boolean {
  return status >= 200 && status < 300;
}

/** What a failed attempt records: the status and the start of the answer, bounded. */
export function failedAttemptError(status: number, body: string): string {
  const excerpt = body.replace(/\s+/g, " ").trim();
  return clip(excerpt === "" ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`);
}

/** An error message bounded to MAX_ERROR_LENGTH characters. */
export function clip(message: string): string {
  return message.length <= MAX_ERROR_LENGTH ? message : `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}
