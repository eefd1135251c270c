// Webhook subscription writes on the "~sync" stream (README "Webhooks"): created and deleted
// by organisation administrators (the route checks who asks; this checks the state in D1). The
// stream's writer runs them one at a time, so the subscription cap holds without a race.
import { actorKey } from "../domain/actor.ts";
import { MAX_WEBHOOKS, type Webhook } from "../domain/webhooks.ts";
import { feedHead } from "../storage/d1-feed.ts";
import { abortUnlessGroupStatement, getGroup } from "../storage/d1-governance.ts";
import { countWebhooks, deleteWebhookStatements, insertWebhookStatement, webhookById } from "../storage/d1-webhooks.ts";
import { auditEntry, commit, refuse, type AuditFacts, type WriteContext, type WriteOutcome } from "./write-context.ts";

export const WEBHOOK_NOT_FOUND = "Webhook not found";

/** A subscription as the route validated it. */
export type NewWebhook = Pick<Webhook, "id" | "url" | "events" | "group" | "secret">;

/** A subscription as writes answer it: never its secret. */
export type WebhookView = Omit<Webhook, "secret">;

export type WebhookOp = { kind: "create"; webhook: NewWebhook } | { kind: "delete"; id: string };
export type WebhookOpResult = WebhookView;

function withoutSecret({ secret: _secret, ...rest }: Webhook): WebhookView {
  return rest;
}

/** What the audit trail says of a subscription: where it points (no query: it may hold a token), never its secret. */
function auditDetail(hook: Pick<Webhook, "url" | "events" | "group">): Record<string, unknown> {
  const url = new URL(hook.url);
  return { url: `${url.origin}${url.pathname}`, events: hook.events, group: hook.group };
}

export async function applyWebhookOp(ctx: WriteContext, op: WebhookOp): Promise<WriteOutcome<WebhookOpResult>> {
  return op.kind === "create" ? createWebhook(ctx, op.webhook) : deleteWebhook(ctx, op.id);
}

/** A new subscription, starting at the feed's head: it receives the changes made after it. */
async function createWebhook(ctx: WriteContext, spec: NewWebhook): Promise<WriteOutcome<WebhookView>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "webhook-create", name: spec.id, detail: auditDetail(spec) };
  if (spec.group !== null && (await getGroup(db, spec.group)) === null) {
    return refuse(ctx, facts, 422, "validation failed", `no such group: ${spec.group}`);
  }
  if ((await countWebhooks(db)) >= MAX_WEBHOOKS) {
    return refuse(ctx, facts, 409, `At most ${MAX_WEBHOOKS} webhook subscriptions: delete one first`);
  }
  const hook: Webhook = {
    ...spec,
    createdAt: ctx.now,
    createdBy: actorKey(ctx.actor),
    cursor: await feedHead(db),
    inFlight: null,
    inFlightSince: null,
  };
  const statements = [insertWebhookStatement(db, hook)];
  if (spec.group !== null) statements.unshift(abortUnlessGroupStatement(db, spec.group));
  try {
    await commit(ctx, statements, [auditEntry(ctx, facts)]);
  } catch (err) {
    // The group's deletion (on its own stream) committed after the check above.
    if (spec.group !== null && (await getGroup(db, spec.group)) === null) {
      return refuse(ctx, facts, 422, "validation failed", `no such group: ${spec.group}`);
    }
    throw err;
  }
  return { ok: true, value: withoutSecret(hook) };
}

/** Deletes a subscription and its deliveries log; a message still queued for it is dropped unsent. */
async function deleteWebhook(ctx: WriteContext, id: string): Promise<WriteOutcome<WebhookView>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "webhook-delete", name: id };
  const hook = await webhookById(db, id);
  if (hook === null) return refuse(ctx, facts, 404, WEBHOOK_NOT_FOUND);
  await commit(ctx, deleteWebhookStatements(db, id), [auditEntry(ctx, { ...facts, detail: auditDetail(hook) })]);
  return { ok: true, value: withoutSecret(hook) };
}
