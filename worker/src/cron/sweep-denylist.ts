// Cron: re-applies every denylist entry, so a sweep that a request could not finish (an
// isolate evicted mid-way, a namespace's writer failing) completes within one cron period.
// Cheap when there is nothing to do: one query per entry finds no namespace to sweep.
import { isCanonicalValue } from "../domain/denylist.ts";
import { CRON_CALLER, sweepEverywhere } from "../writes/denylist-sweeps.ts";
import { listDenylist } from "../storage/d1-moderation.ts";

export async function sweepDenylist(env: Env): Promise<void> {
  for (const entry of await listDenylist(env.DB)) {
    if (!isCanonicalValue(entry)) {
      // A row from before the canonical forms that migration 0004 could not convert: it still
      // matches only what it matched then (often nothing). An operator replaces it by hand.
      console.warn(
        `denylist ${entry.kind} ${entry.value} is not in canonical form: remove it (DELETE with this value) and add it again`,
      );
    }
    try {
      const { deleted, complete } = await sweepEverywhere(env, CRON_CALLER, entry);
      if (!complete)
        console.error(`denylist sweep of ${entry.kind} ${entry.value} is incomplete; the next cron run retries`);
      const count = Object.values(deleted).reduce((n, versions) => n + versions.length, 0);
      if (count > 0) console.log(`denylist ${entry.kind} ${entry.value}: swept ${count} versions the request left`);
    } catch (err) {
      console.error(`denylist sweep of ${entry.kind} ${entry.value} failed; the next cron run retries`, err);
    }
  }
}
