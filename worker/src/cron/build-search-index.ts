// Cron: builds the search index from D1 into KV shards, in chunks so that no invocation does
// more than `chunkNames` names' worth of work (100,000 versions fit in a few invocations; the
// scheduled handler runs chunks until its time budget is spent and the next run continues).
// Idempotent: an unchanged catalogue is not rebuilt, and an interrupted build resumes.
import { buildIndex, SEARCH_INDEX_FORMAT, searchDocument, type SearchDocument } from "../search/index.ts";
import { catalogFingerprint, listSearchSources } from "../storage/d1-catalog.ts";
import {
  hasChangeSeq,
  publishSearchIndex,
  readBuildParts,
  readBuildState,
  readSearchPointer,
  writeBuildPart,
  writeBuildState,
} from "../storage/search-store.ts";

export interface SearchBuildEnv {
  DB: D1Database;
  CACHE: KVNamespace;
}

export type BuildStep =
  | { state: "up-to-date" }
  | { state: "collecting"; collected: number }
  | { state: "published"; documents: number; shards: number };

export async function buildSearchIndexStep(
  env: SearchBuildEnv,
  { chunkNames = 5000, force = false }: { chunkNames?: number; force?: boolean } = {},
): Promise<BuildStep> {
  let state = await readBuildState(env.CACHE);
  // A build an older deploy started (µs watermark) starts over; its parts expire.
  if (!hasChangeSeq(state)) state = null;
  if (state === null) {
    const fingerprint = await catalogFingerprint(env.DB);
    // A new index format (a deploy) makes the stored index out of date too.
    const buildKey = `${fingerprint.key}:format${SEARCH_INDEX_FORMAT}`;
    const pointer = await readSearchPointer(env.CACHE);
    if (!force && hasChangeSeq(pointer) && pointer.fingerprint === buildKey) return { state: "up-to-date" };
    state = {
      buildId: crypto.randomUUID(),
      afterName: "",
      parts: 0,
      // Every change committed so far has a seq up to here; whatever commits while the build
      // reads its pages gets a higher one and comes from the overlay. Exact: no clock, no margin.
      changeSeq: fingerprint.changeSeq,
      fingerprint: buildKey,
      startedAt: new Date().toISOString(),
    };
  }

  const sources = await listSearchSources(env.DB, state.afterName, chunkNames);
  if (sources.length > 0) {
    const documents = sources.map((s) => searchDocument(JSON.parse(s.serverJson) as Record<string, unknown>, s.status));
    await writeBuildPart(env.CACHE, state.buildId, state.parts, documents);
    state = { ...state, afterName: sources.at(-1)!.name, parts: state.parts + 1 };
    if (sources.length === chunkNames) {
      await writeBuildState(env.CACHE, state);
      return { state: "collecting", collected: state.parts * chunkNames };
    }
  }

  const documents = await readBuildParts<SearchDocument>(env.CACHE, state.buildId, state.parts);
  if (documents === null) {
    // A part expired (a build left unfinished for a day): start over next time.
    await writeBuildState(env.CACHE, null);
    return { state: "collecting", collected: 0 };
  }
  const pointer = await publishSearchIndex(env.CACHE, JSON.stringify(buildIndex(documents)), {
    buildId: state.buildId,
    changeSeq: state.changeSeq,
    builtAt: new Date().toISOString(),
    documents: documents.length,
    fingerprint: state.fingerprint,
  });
  await writeBuildState(env.CACHE, null);
  return { state: "published", documents: documents.length, shards: pointer.shards };
}

/** Runs build steps until the index is published or `budgetMs` of wall time is spent. */
export async function buildSearchIndex(env: SearchBuildEnv, budgetMs = 20_000): Promise<BuildStep> {
  const started = Date.now();
  for (;;) {
    const step = await buildSearchIndexStep(env);
    if (step.state !== "collecting" || Date.now() - started > budgetMs) return step;
  }
}
