// /x/admin/webhooks: subscriptions to the change feed, delivered through a Queue (README
// "Webhooks"). Organisation administrators only: their URLs are trusted destinations (a
// receiver on a private network works), so nobody else may set one. The rules live in
// domain/webhooks.ts, the writes in writes/webhook-writes.ts, delivery in sync/.
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { FEED_ACTIONS } from "../../domain/change-feed.ts";
import { GROUP_NAME_PATTERN } from "../../domain/groups.ts";
import { goStruct, listOfAtMost, maxLength, minLength, text } from "../../domain/server-json/huma-schema-kit.ts";
import { formatRfc3339 } from "../../domain/timestamps.ts";
import {
  canonicalEvents,
  changePosition,
  DELIVERIES_DEFAULT_LIMIT,
  DELIVERIES_MAX_LIMIT,
  deliveryId,
  MAX_SECRET_LENGTH,
  MAX_URL_LENGTH,
  MIN_SECRET_LENGTH,
  newWebhookId,
  WEBHOOK_ID_PATTERN,
  webhookUrlProblem,
  type Delivery,
  type Webhook,
} from "../../domain/webhooks.ts";
import { SYNC_STREAM } from "../../durable/stream-writer.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import {
  listDeliveries as readDeliveries,
  listWebhooks as readWebhooks,
  webhookById,
} from "../../storage/d1-webhooks.ts";
import { readGroup } from "../../storage/governance-cache.ts";
import { WEBHOOK_NOT_FOUND, type WebhookView } from "../../writes/webhook-writes.ts";
import { readLimitParam } from "../list-params.ts";
import { limitAddress } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { json } from "../responses.ts";
import { orgAdministrator } from "./admin-auth.ts";
import { pathParam } from "./path-params.ts";
import { callerOf, runWrite } from "./write-support.ts";

export const CreateBody = goStruct({
  url: v.pipe(text, maxLength(MAX_URL_LENGTH)),
  // Each feed action once, or "*".
  events: listOfAtMost(text, FEED_ACTIONS.length + 1, 1),
  group: v.optional(text),
  secret: v.pipe(text, minLength(MIN_SECRET_LENGTH), maxLength(MAX_SECRET_LENGTH)),
});

const ADMINS_ONLY = 'Webhooks are managed by organisation administrators (edit permission on "*")';
const PAGE_CURSOR = /^[1-9][0-9]{0,15}$/;

function renderWebhook(hook: WebhookView) {
  return {
    id: hook.id,
    url: hook.url,
    events: hook.events,
    group: hook.group,
    createdAt: formatRfc3339(hook.createdAt),
    createdBy: hook.createdBy,
    // Whether a change is out for delivery now (its state is in the deliveries log).
    delivering: hook.inFlight !== null,
  };
}

function renderDelivery(hook: Pick<Webhook, "id" | "group">, delivery: Delivery) {
  const grouped = hook.group !== null;
  return {
    id: deliveryId(hook.id, changePosition(delivery.change, grouped, delivery.groupBefore), grouped),
    name: delivery.change.name,
    version: delivery.change.version,
    action: delivery.change.action,
    state: delivery.state,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    createdAt: formatRfc3339(delivery.firstAt),
    updatedAt: formatRfc3339(delivery.lastAt),
  };
}

/** The subscription the path names, or 404 (an id of the wrong shape is looked up nowhere). */
async function pathWebhook(request: IRequest, env: Env): Promise<Webhook> {
  const id = pathParam(request, "id");
  const hook = WEBHOOK_ID_PATTERN.test(id) ? await webhookById(env.DB, id) : null;
  if (hook === null) throw new ApiError(404, WEBHOOK_NOT_FOUND);
  return hook;
}

/** The body's shape rules beyond the model: the URL, the events, the group (422 for each). */
async function checkCreate(env: Env, body: v.InferOutput<typeof CreateBody>) {
  const errors: ProblemDetail[] = [];
  const urlProblem = webhookUrlProblem(body.url);
  if (urlProblem !== undefined) errors.push({ message: urlProblem, location: "body.url", value: body.url });
  const events = canonicalEvents(body.events);
  if ("errors" in events) {
    for (const { index, message } of events.errors) {
      errors.push({ message, location: `body.events[${index}]`, value: body.events[index] });
    }
  }
  if (body.group !== undefined) {
    // Administrators see every group: naming one that does not exist leaks nothing.
    const known = GROUP_NAME_PATTERN.test(body.group) && (await readGroup(env.DB, body.group)) !== null;
    if (!known) errors.push({ message: "no such group", location: "body.group", value: body.group });
  }
  if (errors.length > 0 || "errors" in events) throw ApiError.validation(errors);
  return { events: events.events, group: body.group ?? null };
}

/** POST /x/admin/webhooks {url, events, group?, secret}: 201 with the subscription (never its secret). */
export async function createWebhook(request: IRequest, env: Env): Promise<Response> {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, CreateBody);
  const principal = await orgAdministrator(request, env, ADMINS_ONLY, { write: true });
  const { events, group } = await checkCreate(env, body);
  const webhook = { id: newWebhookId(), url: body.url, events, group, secret: body.secret };
  const created = await runWrite(env, SYNC_STREAM, (writer) =>
    writer.webhookWrite(callerOf(request, principal), { kind: "create", webhook }),
  );
  return json(renderWebhook(created), 201);
}

/** GET /x/admin/webhooks: every subscription (at most MAX_WEBHOOKS), oldest first. */
export async function listWebhooks(request: IRequest, env: Env): Promise<Response> {
  await orgAdministrator(request, env, ADMINS_ONLY, { write: false });
  const hooks = await readWebhooks(env.DB);
  return json({ webhooks: hooks.map(renderWebhook), metadata: { count: hooks.length } });
}

/** DELETE /x/admin/webhooks/{id}: the subscription and its deliveries log. */
export async function deleteWebhook(request: IRequest, env: Env): Promise<Response> {
  await limitAddress(request, env, "admin");
  const principal = await orgAdministrator(request, env, ADMINS_ONLY, { write: true });
  const hook = await pathWebhook(request, env);
  const deleted = await runWrite(env, SYNC_STREAM, (writer) =>
    writer.webhookWrite(callerOf(request, principal), { kind: "delete", id: hook.id }),
  );
  return json({ ...renderWebhook(deleted), deleted: true });
}

/**
 * GET /x/admin/webhooks/{id}/deliveries?cursor=&limit=: the deliveries log, newest first; a full
 * page carries `metadata.nextCursor` for the older ones.
 */
export async function listDeliveries(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL): Promise<Response> {
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(url.searchParams, errors, {
    defaultLimit: DELIVERIES_DEFAULT_LIMIT,
    maxLimit: DELIVERIES_MAX_LIMIT,
  });
  const raw = url.searchParams.get("cursor");
  if (raw !== null && raw !== "" && !PAGE_CURSOR.test(raw)) {
    errors.push({ message: "invalid cursor: pass back a nextCursor", location: "query.cursor", value: raw });
  }
  if (errors.length > 0) throw ApiError.validation(errors);
  await orgAdministrator(request, env, ADMINS_ONLY, { write: false });
  const hook = await pathWebhook(request, env);
  const before = raw === null || raw === "" ? undefined : Number(raw);
  const deliveries = await readDeliveries(env.DB, hook, before, limit);
  const last = deliveries.at(-1);
  return json({
    deliveries: deliveries.map((delivery) => renderDelivery(hook, delivery)),
    metadata: {
      count: deliveries.length,
      ...(deliveries.length === limit && last !== undefined ? { nextCursor: String(last.seq) } : {}),
    },
  });
}
