// One bounded step of mirroring an upstream (README "Mirroring upstream registries"): read up
// to N pages where the source stopped, write each page's versions with the source's provenance
// (writes/import-entries.ts planImport) and the source's new position in ONE D1 batch, so a step
// cut short anywhere resumes without loss or duplicates. The cron (cron/mirror-sources.ts), the
// admin route (POST /x/admin/sources/{id}/sync) and `npm run import -- URL` all run this code.
import {
  boundedError,
  boundedSkip,
  mergeRecentSkips,
  nextPassSince,
  NO_COUNTS,
  sourceAdmits,
  type SkipRecord,
  type SourceConfig,
  type SourceCounts,
  type SourceProgress,
  type SourceRecord,
} from "../domain/sources.ts";
import { nowMicros } from "../domain/timestamps.ts";
import { feedCauseStatements } from "../storage/d1-feed.ts";
import { getGroup } from "../storage/d1-governance.ts";
import {
  abortUnlessLeasedStatement,
  finishStepStatement,
  getSource,
  leaseSource,
  saveProgressStatement,
} from "../storage/d1-sources.ts";
import { forgetWrite, type CacheEnv } from "../storage/read-cache.ts";
import { planImport, type ImportEntry, type ImportReport } from "../writes/import-entries.ts";
import { reportChanges, type WriteEnv } from "../writes/write-context.ts";
import { fetchFeedPage, fetchListPage, UpstreamError } from "./upstream.ts";

/** Pages a run reads when wrangler.toml does not say (MIRROR_PAGES_PER_RUN). */
const DEFAULT_PAGES_PER_RUN = 20;
const MAX_PAGES_PER_RUN = 1000;

/**
 * MIRROR_PAGES_PER_RUN as a bounded integer: the pages one cron run reads across all sources
 * (cron/mirror-sources.ts), and one POST /x/admin/sources/{id}/sync of one source.
 */
export function pagesPerRun(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGES_PER_RUN) : DEFAULT_PAGES_PER_RUN;
}

/** What one step did. */
export interface StepSummary {
  pages: number;
  counts: SourceCounts;
  /** Every entry this step skipped, with its reason. */
  skips: SkipRecord[];
  /** The step reached the upstream's end (a list pass completed, or the feed had no more). */
  caughtUp: boolean;
  /** Why the step stopped early; null when it did not fail. */
  error: string | null;
  /** Names whose rows the step changed. */
  changed: number;
}

/** Where a step keeps the source's position: statements committed with each page, and a hook after it. */
interface StepHooks {
  /** Statements that commit with a page's rows (the position, the counts): same batch. */
  persist(progress: SourceProgress, increments: SourceCounts): D1PreparedStatement[];
  /** After a page committed: the names whose rows changed (caches). */
  committed(names: readonly string[]): Promise<void>;
}

type Target = Pick<SourceConfig, "url" | "into" | "include" | "exclude" | "createdAt">;

function addCounts(a: SourceCounts, b: SourceCounts): SourceCounts {
  return {
    added: a.added + b.added,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    skipped: a.skipped + b.skipped,
  };
}

function entryName(entry: ImportEntry): string | undefined {
  const name = (entry.server as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

/** A page's refusals as skips, bounded: they are stored, shown and answered. */
function skipsOf(report: ImportReport, at: number): SkipRecord[] {
  return report.rejected.map((r) =>
    boundedSkip({
      ...(r.name === undefined ? {} : { name: r.name }),
      ...(r.version === undefined ? {} : { version: r.version }),
      reason: r.reasons.join("; "),
      at,
    }),
  );
}

/** Whether a D1 error is a batch assertion (d1-schema/0008_groups.sql batch_assertions) or a claim race. */
function isRace(err: unknown): boolean {
  return (
    err instanceof Error &&
    /batch assertion failed|namespace claim changed|remote URL is already used/.test(err.message)
  );
}

/**
 * The page of an upstream's change feed after the source's position. An upstream that answers
 * 410 to it (its group's includes changed, or it was restored or reset) is read again from the
 * start: a state no newer than the one held is not applied (writes/import-entries.ts), so only
 * what changed arrives, and nothing is silently skipped.
 */
async function fetchFeedFrom(base: string, position: string) {
  let page = await fetchFeedPage(base, position);
  if (page === "restart" && position !== "0") page = await fetchFeedPage(base, "0");
  // A feed gone even from its start is no feed.
  return page === "restart" ? "absent" : page;
}

/**
 * Reads and applies up to `maxPages` pages from where `progress` stands, starting none after
 * `deadline` (ms since the epoch). Returns the progress of the last committed page (what
 * `hooks.persist` saved with it) and what the step did; a failure stops the step and is reported
 * in the summary, never thrown, so the caller records it.
 */
export async function mirrorPages(
  env: Pick<CacheEnv, "DB">,
  target: Target,
  progress: SourceProgress,
  options: { maxPages: number; hooks: StepHooks; deadline?: number },
): Promise<{ progress: SourceProgress; summary: StepSummary }> {
  let state = { ...progress };
  const summary: StepSummary = {
    pages: 0,
    counts: { ...NO_COUNTS },
    skips: [],
    caughtUp: false,
    error: null,
    changed: 0,
  };
  const mirror = { source: target.url, group: target.into };
  try {
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    while (summary.pages < options.maxPages && !summary.caughtUp && Date.now() < deadline) {
      summary.pages++;
      const now = nowMicros();
      let entries: ImportEntry[] | undefined;
      let next: SourceProgress = state;
      let caughtUp = false;
      if (state.mode !== "list") {
        // A new source tries the change feed first: an upstream of ours has one, and its cursor is
        // exact. Without one it reads the list from now on (saved with the first list page).
        const page = await fetchFeedFrom(target.url, state.mode === "feed" ? (state.position ?? "0") : "0");
        if (page !== "absent") {
          entries = page.entries;
          caughtUp = !page.more;
          next = { ...state, mode: "feed", position: page.nextCursor, ...(caughtUp ? { caughtUpAt: now } : {}) };
        } else if (state.mode === "feed") {
          throw new UpstreamError(`${target.url} no longer serves /x/changes`);
        } else {
          state = { ...state, mode: "list", position: null, since: 0, passHigh: null };
        }
      }
      if (entries === undefined) {
        const since = state.since ?? 0;
        const page = await fetchListPage(target.url, since, state.position);
        entries = page.entries;
        const passHigh = page.high === null ? state.passHigh : Math.max(state.passHigh ?? page.high, page.high);
        if (page.nextCursor !== null) {
          next = { ...state, position: page.nextCursor, passHigh };
        } else {
          caughtUp = true;
          const passStartBound = state.caughtUpAt ?? target.createdAt;
          next = {
            ...state,
            position: null,
            since: nextPassSince(since, passHigh, passStartBound, now),
            passHigh: null,
            caughtUpAt: now,
          };
        }
      }
      const admitted = entries.filter((entry) => {
        const name = entryName(entry);
        return name === undefined || sourceAdmits(target, name);
      });
      const plan = await planImport(env, admitted, { now, mirror });
      const skips = skipsOf(plan.report, now);
      const increments: SourceCounts = {
        added: plan.report.inserted,
        updated: plan.report.updated,
        unchanged: plan.report.unchanged,
        skipped: skips.length,
      };
      next = { ...next, recentSkips: mergeRecentSkips(state.recentSkips, skips) };
      const [markCause, clearCause] = feedCauseStatements(env.DB, "mirror");
      try {
        await env.DB.batch([markCause, ...plan.statements, ...options.hooks.persist(next, increments), clearCause]);
      } catch (err) {
        if (!isRace(err)) throw err;
        throw new UpstreamError(
          `a concurrent change (a local publish, a claim, another step of this source) overtook a page: it is read again next time (${(err as Error).message})`,
        );
      }
      state = { ...next, counts: addCounts(state.counts, increments) };
      summary.counts = addCounts(summary.counts, increments);
      summary.skips.push(...skips);
      summary.changed += plan.changed.length;
      summary.caughtUp = caughtUp;
      if (plan.changed.length > 0) await options.hooks.committed(plan.changed);
    }
  } catch (err) {
    summary.error = boundedError(err instanceof Error ? err.message : String(err));
  }
  return { progress: state, summary };
}

/**
 * Runs one step of a stored source: leases it (a concurrent step of the same source loses its
 * lease and stops), mirrors up to `maxPages` pages, starting none after `deadline` (ms since the
 * epoch), and records how the step ended. Returns the source as it stands afterwards (null when
 * it does not exist) and what the step did.
 */
export async function stepSource(
  env: WriteEnv,
  id: string,
  maxPages: number,
  deadline?: number,
): Promise<{ source: SourceRecord | null; summary: StepSummary | null }> {
  const source = await leaseSource(env.DB, id, nowMicros());
  if (source === null) return { source: null, summary: null };
  const stamp = source.lastAttemptAt!;
  let result: { progress: SourceProgress; summary: StepSummary };
  if (source.into !== null && (await getGroup(env.DB, source.into)) === null) {
    const error = `group ${source.into} no longer exists: delete this source or create the group again`;
    result = {
      progress: source,
      summary: { pages: 0, counts: { ...NO_COUNTS }, skips: [], caughtUp: false, error, changed: 0 },
    };
  } else {
    result = await mirrorPages(env, source, source, {
      maxPages,
      ...(deadline === undefined ? {} : { deadline }),
      hooks: {
        persist: (progress, increments) => [
          abortUnlessLeasedStatement(env.DB, id, stamp),
          saveProgressStatement(env.DB, id, progress, increments),
        ],
        async committed(names) {
          // This isolate reads the names from D1 at once; the catalog clock flushes KV.
          for (const name of names) forgetWrite(name);
          await reportChanges(env, names);
        },
      },
    });
  }
  const { error } = result.summary;
  await finishStepStatement(env.DB, id, stamp, { successAt: error === null ? nowMicros() : null, error }).run();
  return { source: await getSource(env.DB, id), summary: result.summary };
}
