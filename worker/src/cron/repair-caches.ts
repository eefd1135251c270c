// Cron: repairs the read caches when D1 changed behind their back (an operator's
// `wrangler d1 execute`, a restored backup, a write whose cache step failed). It compares a
// fingerprint of the catalogue with the one recorded at the last run; when they differ it
// deletes the KV documents of names changed since that run (by the change sequence that
// D1's triggers keep, d1-schema/0005) and replaces the generation token, so every list page
// and search answer is rendered again from D1.
import { catalogFingerprint, namesChangedAfter, namesUpdatedAfter } from "../storage/d1-catalog.ts";
import { FINGERPRINT_KEY } from "../storage/kv-keys.ts";
import { flushChanges, type CacheEnv } from "../storage/read-cache.ts";

export interface RepairResult {
  changed: boolean;
  forgotten: number;
}

/** What the last run recorded: a CatalogFingerprint, or (before the change sequence) µs. */
interface RecordedFingerprint {
  key: string;
  changeSeq?: number;
  maxUpdatedAt?: number;
}

/** Names changed since the recorded run (all of them when nothing usable was recorded). */
function namesChangedSince(db: D1Database, recorded: RecordedFingerprint | null): Promise<string[]> {
  if (typeof recorded?.changeSeq === "number") return namesChangedAfter(db, recorded.changeSeq);
  // Recorded by the code before the change sequence: its µs mark, this once.
  if (typeof recorded?.maxUpdatedAt === "number") return namesUpdatedAfter(db, recorded.maxUpdatedAt);
  return namesChangedAfter(db, -1);
}

export async function repairCaches(env: CacheEnv): Promise<RepairResult> {
  const now = await catalogFingerprint(env.DB);
  const recorded = await env.CACHE.get<RecordedFingerprint>(FINGERPRINT_KEY, "json");
  if (recorded?.key === now.key) return { changed: false, forgotten: 0 };
  // By the change sequence, so a change that left updated_at alone (or set it to the past) is
  // found too. After a restored backup the sequence may be lower than recorded: no names, but
  // the generation still moves, and per-name documents expire within SERVER_DOC_TTL_SECONDS.
  const names = await namesChangedSince(env.DB, recorded);
  await flushChanges(env, names);
  await env.CACHE.put(FINGERPRINT_KEY, JSON.stringify(now));
  return { changed: true, forgotten: names.length };
}
