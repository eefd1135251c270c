// Cron: re-applies the denylist to what changed, so a sweep that a request could not finish (an
// isolate evicted mid-way, a namespace's writer failing) or a publish that raced an entry's
// commit is dealt with within one cron period. Each entry is swept only over names changed
// after its last complete sweep (denylist.swept_seq, by the change sequence of d1-schema/0005),
// and not at all while the catalogue is unchanged since: writers are called only for
// namespaces with a visible match (writes/denylist-sweeps.ts).
import { isCanonicalValue } from "../domain/denylist.ts";
import { CRON_CALLER, sweepEntry } from "../writes/denylist-sweeps.ts";
import { catalogChangeHead, listDenylistSweeps } from "../storage/d1-moderation.ts";

export async function sweepDenylist(env: Env): Promise<void> {
  // Read before any sweep: a change committed later has a higher seq, for the next run.
  const head = await catalogChangeHead(env.DB);
  for (const entry of await listDenylistSweeps(env.DB)) {
    if (!isCanonicalValue(entry)) {
      // A row from before the canonical forms that migration 0004 could not convert: it still
      // matches only what it matched then (often nothing). An operator replaces it by hand.
      console.warn(
        `denylist ${entry.kind} ${entry.value} is not in canonical form: remove it (DELETE with this value) and add it again`,
      );
    }
    // Nothing changed since the entry's last complete sweep: nothing can match that did not.
    if (entry.sweptSeq >= head) continue;
    try {
      const { deleted, complete } = await sweepEntry(env, CRON_CALLER, { entry, head, incremental: true });
      if (!complete)
        console.error(`denylist sweep of ${entry.kind} ${entry.value} is incomplete; the next cron run retries`);
      const count = Object.values(deleted).reduce((n, versions) => n + versions.length, 0);
      if (count > 0) console.log(`denylist ${entry.kind} ${entry.value}: swept ${count} versions the request left`);
    } catch (err) {
      console.error(`denylist sweep of ${entry.kind} ${entry.value} failed; the next cron run retries`, err);
    }
  }
}
