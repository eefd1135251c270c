// Cron: pulls the upstream sources further (sync/mirror-source.ts), within one budget for the
// whole run: MIRROR_PAGES_PER_RUN pages in total, and no page started after RUN_WALL_TIME_MS.
// Sources are taken least recently attempted first, each given an equal share of the pages left
// (what a caught-up source does not use goes to the next), so neither a large catalogue nor a
// slow upstream starves the others: the next run starts with the sources this one did not
// reach. Each page is committed with its source's position, so a catalogue of any size is
// mirrored over as many runs as it takes, and a run cut short resumes where its last page
// committed.
import { sourcesByLastAttempt } from "../storage/d1-sources.ts";
import { pagesPerRun, stepSource } from "../sync/mirror-source.ts";

/** Wall time after which a run starts no new page (a page may take up to its 20 s timeout more). */
export const RUN_WALL_TIME_MS = 20_000;

export async function mirrorSources(env: Env): Promise<void> {
  const deadline = Date.now() + RUN_WALL_TIME_MS;
  let pages = pagesPerRun(env.MIRROR_PAGES_PER_RUN);
  const sources = await sourcesByLastAttempt(env.DB);
  for (const [i, { id, url }] of sources.entries()) {
    if (pages <= 0 || Date.now() >= deadline) break;
    const share = Math.ceil(pages / (sources.length - i));
    try {
      const { summary } = await stepSource(env, id, share, deadline);
      pages -= summary?.pages ?? 0;
      if (summary?.error) console.error(`mirror of ${url}: ${summary.error}`);
    } catch (err) {
      // D1 itself failed: the source keeps its position; the next run tries again.
      pages -= share;
      console.error(`mirror of ${url} failed; the next cron run retries`, err);
    }
  }
}
