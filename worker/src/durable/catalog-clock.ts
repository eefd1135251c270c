// One global Durable Object that turns committed writes into cache invalidations at a pace KV
// accepts: KV takes at most one write per second per key, and every namespace's writes would
// otherwise replace `catalog:generation` (and delete `server:<name>`) as fast as they commit.
// Writers report the names they changed; once per FLUSH_INTERVAL_MS at most, the clock deletes
// those names' KV documents and replaces the generation token, in one step. The pending names
// live in the object's storage, so an eviction between report and flush loses nothing.
import { DurableObject } from "cloudflare:workers";
import { flushChanges } from "../storage/read-cache.ts";

export const FLUSH_INTERVAL_MS = 1000;
const PENDING = "pending:";

export class CatalogClock extends DurableObject<Env> {
  private lastFlush = 0;

  /** Records changed names and makes sure a flush is scheduled. */
  async noteChanges(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.ctx.storage.put(Object.fromEntries(names.map((name) => [`${PENDING}${name}`, true])));
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Math.max(Date.now(), this.lastFlush + FLUSH_INTERVAL_MS));
    }
  }

  override async alarm(): Promise<void> {
    const pending = await this.ctx.storage.list<boolean>({ prefix: PENDING });
    const keys = [...pending.keys()];
    this.lastFlush = Date.now();
    if (keys.length === 0) return;
    // Names reported during the flush stay pending and get the next alarm.
    await flushChanges(
      this.env,
      keys.map((key) => key.slice(PENDING.length)),
    );
    await this.ctx.storage.delete(keys);
  }
}
