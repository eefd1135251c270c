// The webhook queues' consumer (wrangler.toml [[queues.consumers]]; README "Webhooks"). A
// message names one change for one subscription, the one it holds in flight. The consumer POSTs
// it, signed; on success it settles it, claims the subscription's next change and, while the
// burst lasts (MAX_DELIVERIES_IN_A_ROW), delivers that one straight away too instead of paying a
// queue hop per change; the last one claimed goes back to the queue. On failure it records the
// attempt and asks the queue to retry with exponential backoff; after max_retries the queue
// moves the message to the dead-letter queue, whose messages (same handler, told apart by
// `batch.queue`) mark the change dead and move the subscription on. Delivery is at least once:
// a stale or duplicate message (its change no longer in flight) is acknowledged unread.
import { formatFeedCursor, includeFingerprint, renderFeedEntry, type FeedEntry } from "../domain/change-feed.ts";
import type { View } from "../domain/groups.ts";
import { nowMicros } from "../domain/timestamps.ts";
import { SIGNATURE_HEADER, signatureHeader } from "../domain/webhook-signature.ts";
import {
  accepted,
  backoffSeconds,
  changePosition,
  clip,
  DELIVERY_MAX_RESPONSE_BYTES,
  DELIVERY_TIMEOUT_MS,
  deliveryBody,
  deliveryId,
  failedAttemptError,
  MAX_DELIVERIES_IN_A_ROW,
  retryBaseSeconds,
  type Webhook,
} from "../domain/webhooks.ts";
import { fetchConfigured } from "../net/outbound.ts";
import { readFeed } from "../storage/d1-feed.ts";
import {
  groupPositionBefore,
  moveWebhook,
  recordFailedAttempt,
  releaseInFlight,
  webhookById,
  type Settlement,
} from "../storage/d1-webhooks.ts";
import { claimNext, sendClaimed, subscriptionView, type DispatchEnv, type WebhookMessage } from "./webhook-dispatch.ts";

export type { WebhookMessage } from "./webhook-dispatch.ts";

/** The dead-letter queue (wrangler.toml `dead_letter_queue` of the webhooks consumer). */
export const WEBHOOK_DEAD_LETTER_QUEUE = "mcp-registry-webhooks-dlq";

export const DELIVERY_HEADER = "X-Registry-Delivery";
export const EVENT_HEADER = "X-Registry-Event";
const USER_AGENT = "mcp-registry-webhooks/1";

/** Stop delivering in a row after this long, whatever the count (the rest goes by queue). */
const IN_A_ROW_BUDGET_MS = 30_000;

type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** One signed POST of one change to a subscription's URL (an administrator's trusted destination). */
async function deliver(db: D1Database, hook: Webhook, view: View, entry: FeedEntry): Promise<Attempt> {
  const grouped = view.kind === "group";
  const groupBefore = grouped && entry.group === null ? await groupPositionBefore(db, view.group.name, entry.seq) : 0;
  const position = changePosition(entry, grouped, groupBefore);
  const id = deliveryId(hook.id, position, grouped);
  // The change exactly as the subscription's feed renders it, with that feed's cursor.
  const cursor =
    view.kind === "group"
      ? formatFeedCursor(position, true, includeFingerprint(view.group.include))
      : formatFeedCursor(position, false);
  const body = deliveryBody(id, hook.id, entry.action, renderFeedEntry(entry, cursor));
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await fetchConfigured(hook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        [DELIVERY_HEADER]: id,
        [EVENT_HEADER]: entry.action,
        [SIGNATURE_HEADER]: await signatureHeader(hook.secret, body, timestamp),
      },
      body,
      timeoutMs: DELIVERY_TIMEOUT_MS,
      maxBytes: DELIVERY_MAX_RESPONSE_BYTES,
    });
    return accepted(response.status)
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: failedAttemptError(response.status, response.body) };
  } catch (err) {
    // Unreachable, timed out, or an answer longer than DELIVERY_MAX_RESPONSE_BYTES.
    return { ok: false, status: null, error: clip(err instanceof Error ? err.message : String(err)) };
  }
}

/** The change at `seq` as the subscription's view shows it, or undefined when it no longer does. */
async function changeAt(db: D1Database, view: View, seq: number): Promise<FeedEntry | undefined> {
  const [entry] = await readFeed(db, seq - 1, 1, view);
  return entry?.seq === seq ? entry : undefined;
}

/**
 * A message of the main queue: deliver its change; on success settle it, claim the next one and
 * deliver that straight away too (deliverInARow). A failure is retried after the backoff from
 * `retryBase` seconds.
 */
async function consumeDelivery(message: Message<WebhookMessage>, env: DispatchEnv, retryBase: number): Promise<void> {
  const { webhook, seq } = message.body;
  const hook = await webhookById(env.DB, webhook);
  if (hook === null || hook.inFlight !== seq) return message.ack();
  const view = await subscriptionView(env.DB, hook);
  if (view === undefined) {
    // Its group was deleted since the subscription was read (the deletion deletes it too).
    await releaseInFlight(env.DB, hook.id, seq);
    return message.ack();
  }
  const entry = await changeAt(env.DB, view, seq);
  let settlement: Settlement;
  if (entry === undefined) {
    // No longer in the view (the group's includes changed): nothing to deliver.
    settlement = { state: "skipped" };
  } else {
    const attempt = await deliver(env.DB, hook, view, entry);
    if (!attempt.ok) {
      const attempts = await recordFailedAttempt(env.DB, hook.id, seq, attempt, nowMicros());
      // Undefined: the subscription moved on (or was deleted) meanwhile.
      if (attempts === undefined) return message.ack();
      // Spaced by the attempts the change has had (a change first tried in a row has had one
      // more than its message's count).
      return message.retry({ delaySeconds: backoffSeconds(Math.max(attempts, message.attempts), retryBase) });
    }
    settlement = { state: "delivered", status: attempt.status };
  }
  const next = await claimNext(env.DB, hook, view, { settled: seq, settlement });
  message.ack();
  if (next === undefined) return;
  try {
    await deliverInARow(env, hook, view, next, retryBase);
  } catch (err) {
    // The change claimed last stays in flight without a message: the dispatcher re-sends it.
    console.error(`webhook ${hook.id}: delivering in a row failed`, err);
  }
}

/**
 * Delivers a subscription's claimed changes one after another while they succeed, up to
 * MAX_DELIVERIES_IN_A_ROW or IN_A_ROW_BUDGET_MS; the change that fails, or the first one past
 * the budget, is handed to the queue (a failed one after its backoff: its own message carries
 * the retries from there, so such a change gets one attempt more than max_retries + 1).
 */
async function deliverInARow(
  env: DispatchEnv,
  hook: Webhook,
  view: View,
  first: FeedEntry,
  retryBase: number,
): Promise<void> {
  const started = Date.now();
  let entry = first;
  for (let made = 0; ; made++) {
    if (made >= MAX_DELIVERIES_IN_A_ROW || Date.now() - started > IN_A_ROW_BUDGET_MS) {
      return sendClaimed(env, hook.id, entry.seq);
    }
    const attempt = await deliver(env.DB, hook, view, entry);
    if (!attempt.ok) {
      const attempts = await recordFailedAttempt(env.DB, hook.id, entry.seq, attempt, nowMicros());
      if (attempts !== undefined) await sendClaimed(env, hook.id, entry.seq, backoffSeconds(attempts, retryBase));
      return;
    }
    const settlement: Settlement = { state: "delivered", status: attempt.status };
    const next = await claimNext(env.DB, hook, view, { settled: entry.seq, settlement });
    if (next === undefined) return;
    entry = next;
  }
}

/** A dead letter: its change failed every attempt; mark it dead and move the subscription on. */
async function consumeDeadLetter(message: Message<WebhookMessage>, env: DispatchEnv): Promise<void> {
  const { webhook, seq } = message.body;
  const hook = await webhookById(env.DB, webhook);
  if (hook === null || hook.inFlight !== seq) return message.ack();
  const view = await subscriptionView(env.DB, hook);
  if (view === undefined) {
    // Its group was deleted meanwhile (and the subscription with it): settle it anyway.
    await moveWebhook(env.DB, {
      id: hook.id,
      fromInFlight: seq,
      settle: { state: "dead" },
      cursor: seq,
      inFlight: null,
      now: nowMicros(),
    });
    return message.ack();
  }
  console.warn(`webhook ${hook.id}: change ${seq} dead-lettered; moving on`);
  const next = await claimNext(env.DB, hook, view, { settled: seq, settlement: { state: "dead" } });
  message.ack();
  if (next !== undefined) await sendClaimed(env, hook.id, next.seq);
}

/**
 * Consumes a batch of either queue. Messages of one subscription run one after another in
 * their order; different subscriptions run side by side. A message whose handling throws (D1
 * unreachable) is retried with backoff; the rest of the batch is not held back by it.
 */
export async function consumeWebhookBatch(batch: MessageBatch<WebhookMessage>, env: DispatchEnv): Promise<void> {
  const dead = batch.queue === WEBHOOK_DEAD_LETTER_QUEUE;
  const retryBase = retryBaseSeconds(env.WEBHOOK_RETRY_BASE_SECONDS);
  const bySubscription = new Map<string, Message<WebhookMessage>[]>();
  for (const message of batch.messages) {
    const body = message.body as Partial<WebhookMessage> | null;
    if (typeof body?.webhook !== "string" || !Number.isSafeInteger(body.seq)) {
      console.error("webhook queue: a message that names no change, dropped", body);
      message.ack();
      continue;
    }
    const list = bySubscription.get(body.webhook) ?? [];
    list.push(message);
    bySubscription.set(body.webhook, list);
  }
  await Promise.all(
    [...bySubscription.values()].map(async (messages) => {
      for (const message of messages) {
        try {
          await (dead ? consumeDeadLetter(message, env) : consumeDelivery(message, env, retryBase));
        } catch (err) {
          console.error(`webhook ${message.body.webhook}: handling change ${message.body.seq} failed`, err);
          message.retry({ delaySeconds: backoffSeconds(message.attempts, retryBase) });
        }
      }
    }),
  );
}
