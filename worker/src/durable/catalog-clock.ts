// One global Durable Object that turns committed writes into cache invalidations at a pace KV
// accepts: KV takes at most one write per second per key, and every namespace's writes would
// otherwise replace `catalog:generation` (and delete `server:<name>`) as fast as they commit.
// Writers report the names they changed; once per FLUSH_INTERVAL_MS at most, the clock deletes
// those names' KV documents and replaces the generation token, in one step. The pending names
// live in the object's storage, so an eviction between report and flush loses nothing, and a
// flush KV refuses is retried by the clock itself (with backoff, for as long as KV refuses).
import { DurableObject } from "cloudflare:workers";
import { flushChanges } from "../storage/read-cache.ts";
import { dispatchWebhooks } from "../sync/webhook-dispatch.ts";

export const FLUSH_INTERVAL_MS = 1000;
/** The longest wait between two attempts at a flush KV refused. */
export const MAX_RETRY_INTERVAL_MS = 30_000;
const PENDING = "pending:";
const MAX_KEYS_PER_CALL = 128;

export class CatalogClock extends DurableObject<Env> {
  private lastFlush = 0;
  /** Flush attempts that failed in a row (in memory: an evicted clock starts over at once). */
  private failures = 0;
  private reports = 0;

  /**
   * Records changed names and makes sure a flush is scheduled. Each name's value is the stamp of
   * its last report, so a report that arrives while a flush runs is not cleared by that flush.
   */
  async noteChanges(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const stamp = `${Date.now()}:${++this.reports}`;
    for (let i = 0; i < names.length; i += MAX_KEYS_PER_CALL) {
      const chunk = names.slice(i, i + MAX_KEYS_PER_CALL);
      await this.ctx.storage.put(Object.fromEntries(chunk.map((name) => [`${PENDING}${name}`, stamp])));
    }
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Math.max(Date.now(), this.lastFlush + FLUSH_INTERVAL_MS));
    }
  }

  override async alarm(): Promise<void> {
    const pending = await this.ctx.storage.list<unknown>({ prefix: PENDING });
    const keys = [...pending.keys()];
    this.lastFlush = Date.now();
    if (keys.length === 0) return;
    try {
      await flushChanges(
        this.env,
        keys.map((key) => key.slice(PENDING.length)),
      );
    } catch (err) {
      // The names stay pending. The runtime would retry a throwing alarm too, but gives up after
      // six attempts; this clock keeps trying (1 s, 2 s, 4 s … up to 30 s apart) until KV
      // accepts, and a report meanwhile does not move the attempt forward.
      this.failures++;
      const wait = Math.min(FLUSH_INTERVAL_MS * 2 ** (this.failures - 1), MAX_RETRY_INTERVAL_MS);
      console.error(
        `cache flush of ${keys.length} names failed (attempt ${this.failures}); retrying in ${wait} ms`,
        err,
      );
      await this.ctx.storage.setAlarm(Date.now() + wait);
      return;
    }
    this.failures = 0;
    // Names reported during the flush (new ones, or listed ones with a new stamp) stay pending,
    // for an alarm one interval after this flush.
    // (The storage API takes at most 128 keys per call.)
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_CALL) {
      const chunk = keys.slice(i, i + MAX_KEYS_PER_CALL);
      const current = await this.ctx.storage.get<unknown>(chunk);
      await this.ctx.storage.delete(chunk.filter((key) => current.get(key) === pending.get(key)));
    }
    if ((await this.ctx.storage.list({ prefix: PENDING, limit: 1 })).size > 0) {
      await this.ctx.storage.setAlarm(this.lastFlush + FLUSH_INTERVAL_MS);
    }
    // The changes are committed and visible: start their webhook deliveries now rather than at
    // the next cron (README "Webhooks"). A failure is the cron's to make up for.
    try {
      await dispatchWebhooks(this.env, { prune: false });
    } catch (err) {
      console.error("dispatching webhooks after a flush failed; the cron will", err);
    }
  }
}
