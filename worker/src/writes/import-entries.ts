// Bulk import of server.json entries (seeds, files, an upstream registry) straight into D1,
// then into the caches. An operator tool: it bypasses the per-namespace writers, so run it
// while nobody publishes. Idempotent: importing the same entries again changes nothing. It
// writes the public catalogue only: entries in a namespace a group claims are rejected.
import { blockingEntry, denylistKeys, denylistRefusal, type DenylistSubject } from "../domain/denylist.ts";
import { claimKey } from "../domain/groups.ts";
import { validateServerJson } from "../domain/server-json/index.ts";
import type { ServerStatus, VersionRecord } from "../domain/server-response.ts";
import { nowMicros, parseRfc3339 } from "../domain/timestamps.ts";
import { pickLatest } from "../domain/version-order.ts";
import { claimChangedRefusal, remoteUrls } from "../domain/write-rules.ts";
import {
  getVersionsOfNames,
  insertRemotesStatements,
  refreshServersStatements,
  remoteHolders,
  replaceRemotesStatements,
  setLatestStatements,
  insertVersionsStatements,
  type RemoteRow,
} from "../storage/d1-catalog.ts";
import { claimsOf } from "../storage/d1-governance.ts";
import { findDenylistHits } from "../storage/d1-moderation.ts";
import { flushChanges, type CacheEnv } from "../storage/read-cache.ts";

/** Official metadata that a meta file or an upstream `_meta` may give. */
export interface OfficialMetaInput {
  status?: unknown;
  statusMessage?: unknown;
  statusChangedAt?: unknown;
  publishedAt?: unknown;
  updatedAt?: unknown;
}

export interface ImportEntry {
  server: unknown;
  official?: OfficialMetaInput;
  /** Where the entry came from, for the report ("servers.ndjson:12"). */
  source: string;
}

export interface RejectedEntry {
  source: string;
  name?: string;
  version?: string;
  reasons: string[];
}

export interface ImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RejectedEntry[];
}

export interface ImportOptions {
  /** Entries written per D1 batch. */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

const STATUSES: readonly string[] = ["active", "deprecated", "deleted"];

function describe(server: unknown): { name?: string; version?: string } {
  if (typeof server !== "object" || server === null) return {};
  const { name, version } = server as Record<string, unknown>;
  return {
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof version === "string" ? { version } : {}),
  };
}

function readTimestamp(value: unknown, field: string, reasons: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const micros = typeof value === "string" ? parseRfc3339(value) : undefined;
  if (micros === undefined) reasons.push(`${field}: not an RFC 3339 timestamp: ${JSON.stringify(value)}`);
  return micros;
}

/** Turns one entry into the record to store, or the reasons it is refused. */
function toRecord(entry: ImportEntry, now: number): VersionRecord | RejectedEntry {
  const checked = validateServerJson(entry.server);
  if (!checked.ok) {
    const reasons =
      "errors" in checked
        ? checked.errors.map((e) => `${e.location}: ${e.message}`)
        : checked.issues.filter((i) => i.severity === "error").map((i) => `${i.path}: ${i.message}`);
    return { source: entry.source, ...describe(entry.server), reasons };
  }
  const server = checked.value;
  const meta = entry.official ?? {};
  const reasons: string[] = [];
  const status = meta.status ?? "active";
  if (typeof status !== "string" || !STATUSES.includes(status)) {
    reasons.push(`status: expected one of active, deprecated, deleted: ${JSON.stringify(status)}`);
  }
  const statusMessage = meta.statusMessage ?? null;
  if (statusMessage !== null && typeof statusMessage !== "string") reasons.push("statusMessage: expected a string");
  const publishedAt = readTimestamp(meta.publishedAt, "publishedAt", reasons) ?? now;
  const updatedAt = readTimestamp(meta.updatedAt, "updatedAt", reasons) ?? publishedAt;
  const statusChangedAt =
    readTimestamp(meta.statusChangedAt, "statusChangedAt", reasons) ?? (status === "active" ? publishedAt : updatedAt);
  if (reasons.length > 0) return { source: entry.source, name: server.name, version: server.version, reasons };
  return {
    name: server.name,
    version: server.version,
    status: status as ServerStatus,
    statusMessage: statusMessage as string | null,
    statusChangedAt,
    publishedAt,
    updatedAt,
    isLatest: false,
    serverJson: JSON.stringify(server),
  };
}

/** The first URL another name holds; claims the others for `name` (later entries see them). */
function remoteConflict(
  holders: Map<string, Set<string>>,
  urls: readonly string[],
  name: string,
): { url: string; holder: string } | undefined {
  for (const url of urls) {
    const other = [...(holders.get(url) ?? [])].find((holder) => holder !== name);
    if (other) return { url, holder: other };
  }
  for (const url of urls) holders.set(url, new Set([...(holders.get(url) ?? []), name]));
  return undefined;
}

function sameStoredState(a: VersionRecord, b: VersionRecord): boolean {
  return (
    a.status === b.status &&
    a.statusMessage === b.statusMessage &&
    a.statusChangedAt === b.statusChangedAt &&
    a.publishedAt === b.publishedAt &&
    a.updatedAt === b.updatedAt &&
    a.serverJson === b.serverJson
  );
}

/**
 * Imports entries in chunks. A version that already exists is replaced only when the entry
 * carries official metadata (a mirror applying upstream changes); otherwise it is kept as is.
 * isLatest is recomputed for every touched name with the registry's rule.
 */
export async function importEntries(
  env: CacheEnv,
  entries: readonly ImportEntry[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const flushed = new Set<string>();
  const chunkSize = options.chunkSize ?? 200;
  const now = nowMicros();
  try {
    for (let start = 0; start < entries.length; start += chunkSize) {
      const chunk = entries.slice(start, start + chunkSize);
      const valid: { record: VersionRecord; authoritative: boolean; source: string }[] = [];
      for (const entry of chunk) {
        const result = toRecord(entry, now);
        if ("reasons" in result) report.rejected.push(result);
        else valid.push({ record: result, authoritative: entry.official !== undefined, source: entry.source });
      }
      // A claimed namespace is private to its group: never imported into, not even merged.
      const claims = await claimsOf(env.DB, [...new Set(valid.map((v) => claimKey(v.record.name)))]);
      const claimed = new Set(claims.map((c) => c.namespace));
      const incoming: { record: VersionRecord; authoritative: boolean; urls: string[]; source: string }[] = [];
      for (const item of valid) {
        const { record, source } = item;
        if (claimed.has(claimKey(record.name))) {
          const reasons = [claimChangedRefusal(record.name, null)];
          report.rejected.push({ source, name: record.name, version: record.version, reasons });
          continue;
        }
        const urls = remoteUrls(JSON.parse(record.serverJson) as { remotes?: { url?: string }[] });
        incoming.push({ ...item, urls });
      }
      // Remote URLs stay unique across names among non-deleted versions, as on publish.
      const holders = await remoteHolders(
        env.DB,
        incoming.flatMap((i) => i.urls),
      );
      // The denylist applies to mirrors as to publishers.
      const parsed = new Map(incoming.map((i) => [i, JSON.parse(i.record.serverJson) as DenylistSubject]));
      const denylisted = await findDenylistHits(env.DB, [...parsed.values()].flatMap(denylistKeys));
      const names = [...new Set(incoming.map((i) => i.record.name))];
      const stored = await getVersionsOfNames(env.DB, names);

      const upserts: VersionRecord[] = [];
      const remoteRows: D1PreparedStatement[] = [];
      const newRemotes: RemoteRow[] = [];
      const touched = new Map<string, VersionRecord[]>();
      const rewritten = new Set<string>();
      for (const item of incoming) {
        const { record, authoritative, urls, source } = item;
        const versions = touched.get(record.name) ?? [...(stored.get(record.name) ?? [])];
        touched.set(record.name, versions);
        const index = versions.findIndex((v) => v.version === record.version);
        const existing = index === -1 ? undefined : versions[index];
        if (existing && (!authoritative || sameStoredState(existing, record))) {
          report.unchanged++;
          continue;
        }
        const blocked = record.status === "deleted" ? undefined : blockingEntry(denylisted, parsed.get(item)!);
        if (blocked) {
          report.rejected.push({
            source,
            name: record.name,
            version: record.version,
            reasons: [denylistRefusal(blocked)],
          });
          continue;
        }
        const conflict = record.status === "deleted" ? undefined : remoteConflict(holders, urls, record.name);
        if (conflict) {
          report.rejected.push({
            source,
            name: record.name,
            version: record.version,
            reasons: [`remote URL ${conflict.url} is already used by server ${conflict.holder}`],
          });
          continue;
        }
        const next = { ...record, isLatest: existing?.isLatest ?? false };
        if (existing) {
          versions[index] = next;
          report.updated++;
        } else {
          versions.push(next);
          report.inserted++;
        }
        upserts.push({ ...next }); // a snapshot: the flag is moved below, after the upsert
        if (existing) remoteRows.push(...replaceRemotesStatements(env.DB, record.name, record.version, urls));
        else newRemotes.push(...urls.map((url) => ({ url, name: record.name, version: record.version })));
        rewritten.add(record.name);
      }

      const changedNames = new Map<string, VersionRecord[]>();
      const latest: { name: string; version: string }[] = [];
      for (const [name, versions] of touched) {
        const index = pickLatest(versions.map((v) => ({ ...v, deleted: v.status === "deleted" })));
        const flagMoves = versions.some((v, i) => v.isLatest !== (i === index));
        if (!flagMoves && !rewritten.has(name)) continue;
        versions.forEach((v, i) => (v.isLatest = i === index));
        if (flagMoves) latest.push({ name, version: versions[index]!.version });
        changedNames.set(name, versions);
      }
      if (changedNames.size > 0) {
        // Upserts keep the stored flag; the flag moves run after them, in the same batch.
        await env.DB.batch([
          ...insertVersionsStatements(env.DB, upserts, { replace: true }),
          ...remoteRows,
          ...insertRemotesStatements(env.DB, newRemotes),
          ...setLatestStatements(env.DB, latest),
          ...refreshServersStatements(env.DB, [...changedNames.keys()]),
        ]);
        for (const name of changedNames.keys()) flushed.add(name);
      }
      options.onProgress?.(Math.min(start + chunkSize, entries.length), entries.length);
    }
  } finally {
    // One cache flush for the whole run (KV takes one write per second per key), including the
    // chunks committed before a failure. The import is committed in D1 whatever KV does: a flush
    // KV refuses is logged, and the cache-repair cron (every 5 minutes) flushes those names.
    if (flushed.size > 0) {
      try {
        await flushChanges(env, flushed);
      } catch (err) {
        console.error(
          `cache flush after the import failed; the cache-repair cron will flush ${flushed.size} names`,
          err,
        );
      }
    }
  }
  return report;
}
