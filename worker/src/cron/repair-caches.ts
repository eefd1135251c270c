// Cron: repairs the read caches when D1 changed behind their back (an operator's
// `wrangler d1 execute`, a restored backup, a write whose cache step failed). It compares a
// fingerprint of the catalogue with the one recorded at the last run; when they differ it
// deletes the KV documents of names updated since that run and replaces the generation token,
// so every list page is rendered again from D1.
import { catalogFingerprint, namesUpdatedAfter } from "../storage/d1-catalog.ts";
import { FINGERPRINT_KEY } from "../storage/kv-keys.ts";
import { flushChanges, type CacheEnv } from "../storage/read-cache.ts";

export interface RepairResult {
  changed: boolean;
  forgotten: number;
}

export async function repairCaches(env: CacheEnv): Promise<RepairResult> {
  const now = await catalogFingerprint(env.DB);
  const recorded = await env.CACHE.get<{ key: string; maxUpdatedAt: number }>(FINGERPRINT_KEY, "json");
  if (recorded?.key === now.key) return { changed: false, forgotten: 0 };
  const names = await namesUpdatedAfter(env.DB, recorded?.maxUpdatedAt ?? -1);
  await flushChanges(env, names);
  await env.CACHE.put(FINGERPRINT_KEY, JSON.stringify(now));
  return { changed: true, forgotten: names.length };
}
