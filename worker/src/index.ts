// Worker entry: wires the HTTP router, the cron jobs and the Durable Object class.
import { buildSearchIndex } from "./cron/build-search-index.ts";
import { repairCaches } from "./cron/repair-caches.ts";
import { sweepDenylist } from "./cron/sweep-denylist.ts";
import { handleConnect, handleRequest } from "./http/router.ts";

export { CatalogClock } from "./durable/catalog-clock.ts";
export { StreamWriter } from "./durable/stream-writer.ts";

export default {
  fetch: handleRequest,
  // HTTP CONNECT is delivered here, not to fetch(): answered with a 405 (http/router.ts).
  connect: handleConnect,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(repairCaches(env));
    ctx.waitUntil(buildSearchIndex(env));
    ctx.waitUntil(sweepDenylist(env));
  },
} satisfies ExportedHandler<Env>;
