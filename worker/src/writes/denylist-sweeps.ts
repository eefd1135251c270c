// Applies a denylist entry across the catalogue: finds the namespaces holding visible versions
// the entry matches and has each namespace's writer delete them (serialized with that
// namespace's publishes, each deletion in one batch with its audit rows). Idempotent.
//
// Only namespaces with a match get a writer call: SQL narrows the catalogue to candidates (a
// tight superset, storage/d1-moderation.ts) and denylistMatches judges them here, as each writer
// judges them again. A complete sweep records the head of the change sequence read before it
// started (denylist.swept_seq), and a sweep given that mark looks only at names changed after
// it: the cron's sweeps (cron/sweep-denylist.ts) cost nothing while the catalogue is unchanged.
import { denylistMatches, entryReaches, type DenylistKey, type DenylistSubject } from "../domain/denylist.ts";
import {
  catalogChangeHead,
  denylistCandidateNames,
  getDenylistSweep,
  markDenylistSwept,
  type DenylistCandidate,
  type StoredDenylistEntry,
  type SweepScope,
  type SweptDenylistEntry,
} from "../storage/d1-moderation.ts";
import type { Caller, WriteOutcome } from "./write-context.ts";

/** Namespaces swept at once. */
const SWEEP_PARALLELISM = 8;
/**
 * Rounds of "find, sweep": a publish that read the denylist just before the entry committed
 * may commit in a namespace the first round did not know of; the next round finds it (and
 * whatever commits later, the next cron run: its seq is above the recorded head).
 */
const MAX_ROUNDS = 3;

/** The system actor of sweeps the cron runs. */
export const CRON_CALLER: Caller = { actor: { method: "system", subject: "cron" }, requestId: "cron" };

/** What a sweep deleted, by name, and whether every namespace's writer could do its part. */
export interface SweepResult {
  deleted: Record<string, string[]>;
  /** The names among `deleted` that belong to a group (only a global maintainer may hear of them). */
  privateNames: Set<string>;
  /** False when a writer failed (an outage): the cron finishes the sweep. */
  complete: boolean;
  /** The namespaces whose writer was called, in order (a namespace once per round). */
  swept: string[];
}

/** Where a sweep starts: the stored entry, and the names it must look at. */
export interface SweepStart {
  entry: SweptDenylistEntry;
  /** Only names changed after the entry's swept_seq (the cron); every name when false. */
  incremental: boolean;
  /** The head of the change sequence, read before anything of the sweep. */
  head: number;
}

/** Whether a candidate holds a version the entry matches (a server.json that cannot be read counts). */
function matches(entry: StoredDenylistEntry, candidate: DenylistCandidate): boolean {
  if (candidate.serverJson === null) return entryReaches(entry, candidate.name);
  try {
    return denylistMatches(entry, JSON.parse(candidate.serverJson) as DenylistSubject);
  } catch {
    return true;
  }
}

/**
 * The namespaces in `scope` holding visible versions the entry matches, each with whether it is
 * a group's (a claimed namespace holds only its group's servers, and keeps its claim while it
 * holds any).
 */
async function matchingNamespaces(
  db: D1Database,
  entry: StoredDenylistEntry,
  scope: SweepScope,
): Promise<Map<string, boolean>> {
  const namespaces = new Map<string, boolean>();
  for (const candidate of await denylistCandidateNames(db, entry, scope)) {
    if (!namespaces.has(candidate.namespace) && matches(entry, candidate)) {
      namespaces.set(candidate.namespace, candidate.group !== null);
    }
  }
  return namespaces;
}

/**
 * Deletes every visible version the entry matches (among names changed after its swept_seq,
 * when incremental), and on success records `head` as its swept_seq. A namespace whose writer
 * fails is left for the cron (the entry already blocks publishing); the others are swept
 * regardless.
 */
export async function sweepEntry(
  env: Pick<Env, "DB" | "STREAM_WRITER">,
  caller: Caller,
  start: SweepStart,
): Promise<SweepResult> {
  const { entry, head } = start;
  const key: DenylistKey = { kind: entry.kind, value: entry.value };
  const deleted: Record<string, string[]> = {};
  const privateNames = new Set<string>();
  const swept: string[] = [];
  let complete = true;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // Later rounds: what committed since the head was read (the first round saw the rest).
    const after = round > 0 ? head : start.incremental ? entry.sweptSeq : undefined;
    const matching = await matchingNamespaces(
      env.DB,
      entry,
      after === undefined ? "everything" : { changedAfter: after },
    );
    const namespaces = [...matching.keys()];
    if (namespaces.length === 0) break;
    let deletedThisRound = 0;
    for (let i = 0; i < namespaces.length; i += SWEEP_PARALLELISM) {
      const group = namespaces.slice(i, i + SWEEP_PARALLELISM);
      swept.push(...group);
      const outcomes = await Promise.allSettled(
        group.map((namespace) => env.STREAM_WRITER.getByName(namespace).sweepDenylisted(caller, namespace, key)),
      );
      for (const [j, settled] of outcomes.entries()) {
        const outcome =
          settled.status === "fulfilled" ? (settled.value as WriteOutcome<Record<string, string[]>>) : undefined;
        if (!outcome?.ok) {
          complete = false;
          const why = outcome ? outcome.detail : String(settled.status === "rejected" ? settled.reason : "");
          console.error(`denylist sweep of ${entry.kind} ${entry.value} in ${group[j]} failed: ${why}`);
          continue;
        }
        for (const [name, versions] of Object.entries(outcome.value)) {
          if (matching.get(group[j]!)) privateNames.add(name);
          deleted[name] = [...(deleted[name] ?? []), ...versions];
          deletedThisRound += versions.length;
        }
      }
    }
    // The writers found nothing to delete (the entry was removed, or another sweep was first): stop.
    if (deletedThisRound === 0) break;
  }
  // Whatever committed after the head has a higher seq: the next sweep from this mark sees it.
  if (complete && head > entry.sweptSeq) await markDenylistSwept(env.DB, entry, head);
  return { deleted, privateNames, complete, swept };
}

/**
 * Applies a stored entry to the whole catalogue (after an add): every visible version it
 * matches is deleted. Nothing to do when the entry is not (or no longer) stored.
 */
export async function sweepEverywhere(
  env: Pick<Env, "DB" | "STREAM_WRITER">,
  caller: Caller,
  key: DenylistKey,
): Promise<SweepResult> {
  const head = await catalogChangeHead(env.DB);
  const entry = await getDenylistSweep(env.DB, key);
  if (!entry) return { deleted: {}, privateNames: new Set(), complete: true, swept: [] };
  return sweepEntry(env, caller, { entry, head, incremental: false });
}
