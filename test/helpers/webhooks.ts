// Test helpers for webhooks: the /x/admin/webhooks calls, a stubbed receiver (the vitest fetch
// mock: the Worker's queue consumer runs in the test's isolate, so its POSTs reach the stub), and
// waiting for the real Miniflare queue to deliver.
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { feedHead } from "../../worker/src/storage/d1-feed.ts";
import { orgAdminToken } from "./groups.ts";
import { apiJson } from "./registry.ts";

function init(method: string, token: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** POST /x/admin/webhooks (as an organisation administrator unless `token` is given). */
export async function createWebhook(body: unknown, token?: string) {
  return apiJson("/x/admin/webhooks", init("POST", token ?? (await orgAdminToken()), body));
}

/** A subscription that must be created; answers its id. */
export async function subscribe(body: Record<string, unknown>): Promise<string> {
  const created = await createWebhook(body);
  if (created.status !== 201) throw new Error(`webhook: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

export async function listWebhooks(token?: string) {
  return apiJson("/x/admin/webhooks", init("GET", token ?? (await orgAdminToken())));
}

export async function deleteWebhook(id: string, token?: string) {
  return apiJson(`/x/admin/webhooks/${encodeURIComponent(id)}`, init("DELETE", token ?? (await orgAdminToken())));
}

export async function listDeliveries(id: string, query = "", token?: string) {
  return apiJson(
    `/x/admin/webhooks/${encodeURIComponent(id)}/deliveries${query}`,
    init("GET", token ?? (await orgAdminToken())),
  );
}

/** One POST a receiver got: its headers and raw body text, and the body parsed. */
export interface Received {
  url: string;
  headers: Headers;
  raw: string;
  body: any;
  /** ms, when it arrived */
  at: number;
}

/** What a receiver answers to one delivery (it may look at the delivery first): a status, or no connection. */
export type Answer = (delivery: Received) => number | "unreachable";

/** What one receiver URL got, and the most deliveries it had open at once. */
export interface Receiver {
  deliveries: Received[];
  maxConcurrent: number;
}

/**
 * Stubs fetch with receivers: every POST to one of `urls` is recorded and answered, after
 * `delayMs`, with the status `answer` gives (200 by default). Any other outbound request goes to
 * `others` (an upstream a test mirrors, say) when given, else fails like an unreachable host.
 * Returns what each receiver got, by URL.
 */
export function stubReceivers(
  urls: readonly string[],
  answer: Answer = () => 200,
  { delayMs = 0, others }: { delayMs?: number; others?: (request: Request) => Promise<Response> } = {},
): Map<string, Receiver> {
  const seen = new Map<string, Receiver>(urls.map((url) => [url, { deliveries: [], maxConcurrent: 0 }]));
  const open = new Map<string, number>();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, requestInit) => {
    const request = new Request(input, requestInit);
    const receiver = seen.get(request.url);
    if (receiver === undefined && others !== undefined) return others(request);
    if (receiver === undefined || request.method !== "POST") {
      throw new TypeError(`no stub for ${request.method} ${request.url}`);
    }
    const now = (open.get(request.url) ?? 0) + 1;
    open.set(request.url, now);
    receiver.maxConcurrent = Math.max(receiver.maxConcurrent, now);
    try {
      const raw = await request.text();
      const delivery: Received = {
        url: request.url,
        headers: request.headers,
        raw,
        body: JSON.parse(raw),
        at: Date.now(),
      };
      receiver.deliveries.push(delivery);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const status = answer(delivery);
      if (status === "unreachable") throw new TypeError("connection refused");
      return new Response(status < 300 ? "ok" : "receiver says no", { status });
    } finally {
      open.set(request.url, (open.get(request.url) ?? 1) - 1);
    }
  });
  return seen;
}

/** Polls `check` until it holds (the queue delivers in the background), or fails after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The stored state of a subscription (cursor, in_flight), as the dispatcher and consumer see it. */
export async function storedWebhook(id: string) {
  return env.DB.prepare("SELECT cursor, in_flight, in_flight_since FROM webhooks WHERE id = ?")
    .bind(id)
    .first<{ cursor: number; in_flight: number | null; in_flight_since: number | null }>();
}

/**
 * Waits until every subscription in `ids` (default: every stored one) is idle at the feed's
 * head: nothing in flight and its cursor at the last change. From then on nothing more is
 * delivered to them until a new change (a queued duplicate finds its change no longer in flight
 * and is acknowledged unread), so what their receivers got is final: no need to sleep to see
 * that nothing more arrives.
 */
export async function waitUntilSettled(ids?: readonly string[], timeoutMs?: number) {
  await waitUntil(
    async () => {
      const head = await feedHead(env.DB);
      const { results } = await env.DB.prepare("SELECT id FROM webhooks").all<{ id: string }>();
      for (const id of ids ?? results.map((row) => row.id)) {
        const stored = await storedWebhook(id);
        if (stored === null || stored.in_flight !== null || stored.cursor !== head) return false;
      }
      return true;
    },
    `${ids?.join(", ") ?? "every subscription"} idle at the feed's head`,
    timeoutMs,
  );
}

/** A receiver URL no other test of the file uses. */
let counter = 0;
export function receiverUrl(label = "hook"): string {
  counter += 1;
  return `http://127.0.0.1:9/${label}-${counter}`;
}
