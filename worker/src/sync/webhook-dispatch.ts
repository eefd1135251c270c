// Turns the change feed into queue messages for the webhook subscriptions (README "Webhooks").
// Each subscription has at most one change in flight: the dispatcher claims the next change
// its view shows and its events match for every idle subscription (compare-and-set in D1, so
// concurrent dispatchers never claim twice) and sends `{webhook, seq}` to the WEBHOOKS queue;
// the consumer (webhook-consumer.ts) settles it and claims the next. Runs from the catalog
// clock right after each cache flush (within about a second of every write) and from the cron,
// which also re-sends messages that went quiet for too long and prunes the deliveries log.
import type { FeedEntry } from "../domain/change-feed.ts";
import { PUBLIC_VIEW, type View } from "../domain/groups.ts";
import { nowMicros } from "../domain/timestamps.ts";
import { inFlightOverdue, KEPT_DELIVERIES, receives, retryBaseSeconds, type Webhook } from "../domain/webhooks.ts";
import { feedHead, readFeed } from "../storage/d1-feed.ts";
import {
  listWebhooks,
  moveWebhook,
  pruneDeliveries,
  releaseInFlight,
  touchInFlight,
  webhooksToDispatch,
  type Settlement,
} from "../storage/d1-webhooks.ts";
import { readGroup } from "../storage/governance-cache.ts";

/** What a queue message names: one change for one subscription. */
export interface WebhookMessage {
  webhook: string;
  seq: number;
}

/** Feed entries read per page, and pages read per claim, while looking for a matching change. */
const SCAN_PAGE = 100;
const SCAN_PAGES = 5;

export interface DispatchEnv {
  DB: D1Database;
  WEBHOOKS: Queue<WebhookMessage>;
  /** The first retry's delay in seconds (wrangler.toml; domain/webhooks.ts retryBaseSeconds). */
  WEBHOOK_RETRY_BASE_SECONDS?: string;
}

/**
 * The catalogue a subscription follows: the public view, or its group's view exactly as
 * /groups/{group}/x/changes shows it (its own servers and the public ones it includes, never
 * another group's). Undefined when its group was deleted since the subscription was read (a
 * group's deletion deletes its subscriptions in the same batch).
 */
export async function subscriptionView(db: D1Database, hook: Webhook): Promise<View | undefined> {
  if (hook.group === null) return PUBLIC_VIEW;
  const group = await readGroup(db, hook.group);
  return group === null ? undefined : { kind: "group", group, access: "admin" };
}

/**
 * The first change after `after` that the view shows and the events match, or, when none is
 * within the pages scanned, how far the scan got: those changes are settled (none is for it).
 * A scan that reaches the end of the view goes on to the feed's head as read before it, so the
 * changes of other catalogues at the tail are not scanned again by the next dispatch.
 */
async function nextMatching(
  db: D1Database,
  hook: Webhook,
  view: View,
  after: number,
): Promise<{ entry: FeedEntry } | { scanned: number }> {
  // Every change up to this seq had committed when it was read: a page read afterwards that
  // ends before it shows all of them the view holds.
  const head = await feedHead(db);
  let position = after;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const entries = await readFeed(db, position, SCAN_PAGE, view);
    for (const entry of entries) if (receives(hook.events, entry.action)) return { entry };
    if (entries.length > 0) position = entries.at(-1)!.seq;
    if (entries.length < SCAN_PAGE) return { scanned: Math.max(position, head) };
  }
  return { scanned: position };
}

/**
 * Moves a subscription on from `settled` (the change in flight, now settled; null when it was
 * idle at `cursor`) to its next matching change, claimed in the same compare-and-set. Returns
 * the claimed change, or undefined when there is none yet or someone else moved it first.
 */
export async function claimNext(
  db: D1Database,
  hook: Webhook,
  view: View,
  from: { settled: number; settlement: Settlement } | { cursor: number },
): Promise<FeedEntry | undefined> {
  const after = "settled" in from ? from.settled : from.cursor;
  const next = await nextMatching(db, hook, view, after);
  const claimed = "entry" in next ? next.entry : undefined;
  const moved = await moveWebhook(db, {
    id: hook.id,
    ...("settled" in from
      ? { fromInFlight: from.settled, settle: from.settlement }
      : { fromInFlight: null, fromCursor: from.cursor }),
    cursor: claimed === undefined ? ("scanned" in next ? next.scanned : after) : after,
    inFlight: claimed?.seq ?? null,
    now: nowMicros(),
  });
  return moved ? claimed : undefined;
}

/** Hands a claimed change to the queue; when the queue refuses, lets go of it for the next dispatch. */
export async function sendClaimed(
  env: DispatchEnv,
  webhook: string,
  seq: number,
  delaySeconds?: number,
): Promise<void> {
  try {
    await env.WEBHOOKS.send({ webhook, seq }, delaySeconds === undefined ? undefined : { delaySeconds });
  } catch (err) {
    console.error(`webhook ${webhook}: queueing change ${seq} failed; the next dispatch retries`, err);
    await releaseInFlight(env.DB, webhook, seq);
  }
}

/**
 * One subscription's turn: claim and send its next change, or re-send an overdue one (overdue
 * by the backoff its attempts were spaced by, from `retryBase` seconds).
 */
async function dispatchOne(
  env: DispatchEnv,
  hook: Webhook,
  attempts: number,
  now: number,
  retryBase: number,
): Promise<void> {
  if (hook.inFlight !== null) {
    if (!inFlightOverdue(hook.inFlightSince ?? 0, attempts, now, retryBase)) return;
    if (await touchInFlight(env.DB, hook.id, hook.inFlight, hook.inFlightSince, nowMicros())) {
      console.warn(`webhook ${hook.id}: change ${hook.inFlight} went quiet in the queue; sending it again`);
      await sendClaimed(env, hook.id, hook.inFlight);
    }
    return;
  }
  const view = await subscriptionView(env.DB, hook);
  if (view === undefined) return;
  const claimed = await claimNext(env.DB, hook, view, { cursor: hook.cursor });
  if (claimed !== undefined) await sendClaimed(env, hook.id, claimed.seq);
}

/**
 * Claims and sends the next change of every idle subscription that is behind the feed, and
 * re-sends overdue in-flight ones; with `prune` (the cron) also trims each deliveries log to
 * its newest KEPT_DELIVERIES settled rows. One subscription's failure does not stop the others.
 */
export async function dispatchWebhooks(env: DispatchEnv, { prune = true }: { prune?: boolean } = {}): Promise<void> {
  const candidates = await webhooksToDispatch(env.DB);
  const now = nowMicros();
  const retryBase = retryBaseSeconds(env.WEBHOOK_RETRY_BASE_SECONDS);
  await Promise.all(
    candidates.map(async ({ hook, attempts }) => {
      try {
        await dispatchOne(env, hook, attempts, now, retryBase);
      } catch (err) {
        console.error(`webhook ${hook.id}: dispatch failed`, err);
      }
    }),
  );
  if (!prune) return;
  for (const { id } of await listWebhooks(env.DB)) {
    try {
      await pruneDeliveries(env.DB, id, KEPT_DELIVERIES);
    } catch (err) {
      console.error(`webhook ${id}: pruning its deliveries failed`, err);
    }
  }
}
