// Worker entry: wires the site and the HTTP API router, the cron jobs, the queue consumer and the Durable Objects.
import { buildSearchIndex } from "./cron/build-search-index.ts";
import { repairCaches } from "./cron/repair-caches.ts";
import { mirrorSources } from "./cron/mirror-sources.ts";
import { sweepDenylist } from "./cron/sweep-denylist.ts";
import { consumeWebhookBatch, type WebhookMessage } from "./sync/webhook-consumer.ts";
import { dispatchWebhooks } from "./sync/webhook-dispatch.ts";
import { handleConnect, handleRequest } from "./http/router.ts";
import { handleSite } from "./site-router.ts";

export { CatalogClock } from "./durable/catalog-clock.ts";
export { StreamWriter } from "./durable/stream-writer.ts";

export default {
  // The site's own paths (pages, API reference, /mcp), else the API.
  async fetch(request, env, ctx) {
    return (await handleSite(request, env, ctx)) ?? handleRequest(request, env, ctx);
  },
  // HTTP CONNECT is delivered here, not to fetch(): answered with a 405 (http/router.ts).
  connect: handleConnect,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(repairCaches(env));
    ctx.waitUntil(buildSearchIndex(env));
    ctx.waitUntil(sweepDenylist(env));
    ctx.waitUntil(mirrorSources(env));
    ctx.waitUntil(dispatchWebhooks(env));
  },
  // Webhook deliveries and their dead letters (wrangler.toml [[queues.consumers]]).
  async queue(batch, env) {
    await consumeWebhookBatch(batch as MessageBatch<WebhookMessage>, env);
  },
} satisfies ExportedHandler<Env>;
