// Cron: pulls every upstream source one bounded step further (sync/mirror-source.ts): at most
// MIRROR_PAGES_PER_RUN pages per source per run, each page committed with the source's position,
// so a catalogue of any size is mirrored over as many runs as it takes, each within the CPU
// limit, and a run cut short resumes where its last page committed.
import { listSources } from "../storage/d1-sources.ts";
import { pagesPerStep, stepSource } from "../sync/mirror-source.ts";

export async function mirrorSources(env: Env): Promise<void> {
  const maxPages = pagesPerStep(env.MIRROR_PAGES_PER_RUN);
  // One source after the other: a run's work is bounded by sources × pages, never by the upstream.
  for (const { id, url } of await listSources(env.DB)) {
    try {
      const { summary } = await stepSource(env, id, maxPages);
      if (summary?.error) console.error(`mirror of ${url}: ${summary.error}`);
    } catch (err) {
      // D1 itself failed: the source keeps its position; the next run tries again.
      console.error(`mirror of ${url} failed; the next cron run retries`, err);
    }
  }
}
