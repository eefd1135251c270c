// Applies a denylist entry across the catalogue: finds the namespaces holding matching
// versions and has each namespace's writer delete them (serialized with that namespace's
// publishes, each deletion in one batch with its audit rows). Idempotent: the cron re-runs it
// for every entry, which finishes a sweep an interrupted request left half done.
import type { DenylistKey } from "../domain/denylist.ts";
import { denylistNamespaces } from "../storage/d1-moderation.ts";
import type { Caller, WriteOutcome } from "./write-context.ts";

/** Namespaces swept at once. */
const SWEEP_PARALLELISM = 8;
/**
 * Rounds of "find, sweep": a publish that read the denylist just before the entry committed
 * may commit in a namespace the first round did not know of; the next round finds it.
 */
const MAX_ROUNDS = 3;

/** The system actor of sweeps the cron runs. */
export const CRON_CALLER: Caller = { actor: { method: "system", subject: "cron" }, requestId: "cron" };

/** What a sweep deleted, by name, and whether every namespace's writer could do its part. */
export interface SweepResult {
  deleted: Record<string, string[]>;
  /** False when a writer failed (an outage): the cron finishes the sweep. */
  complete: boolean;
}

/**
 * Deletes every visible version the entry matches. A namespace whose writer fails is left for the
 * cron (the entry already blocks publishing); the other namespaces are swept regardless.
 */
export async function sweepEverywhere(
  env: Pick<Env, "DB" | "STREAM_WRITER">,
  caller: Caller,
  key: DenylistKey,
): Promise<SweepResult> {
  const deleted: Record<string, string[]> = {};
  let complete = true;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const namespaces = await denylistNamespaces(env.DB, key);
    if (namespaces.length === 0) break;
    let deletedThisRound = 0;
    for (let i = 0; i < namespaces.length; i += SWEEP_PARALLELISM) {
      const outcomes = await Promise.allSettled(
        namespaces
          .slice(i, i + SWEEP_PARALLELISM)
          .map((namespace) => env.STREAM_WRITER.getByName(namespace).sweepDenylisted(caller, namespace, key)),
      );
      for (const [j, settled] of outcomes.entries()) {
        const outcome =
          settled.status === "fulfilled" ? (settled.value as WriteOutcome<Record<string, string[]>>) : undefined;
        if (!outcome?.ok) {
          complete = false;
          const why = outcome ? outcome.detail : String(settled.status === "rejected" ? settled.reason : "");
          console.error(`denylist sweep of ${key.kind} ${key.value} in ${namespaces[i + j]} failed: ${why}`);
          continue;
        }
        for (const [name, versions] of Object.entries(outcome.value)) {
          deleted[name] = [...(deleted[name] ?? []), ...versions];
          deletedThisRound += versions.length;
        }
      }
    }
    // Candidates are a superset (a host may appear in a description): stop once nothing matches.
    if (deletedThisRound === 0) break;
  }
  return { deleted, complete };
}
