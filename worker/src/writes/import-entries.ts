// Bulk import of server.json entries straight into D1, then into the caches: seed and NDJSON
// files (importEntries: local rows, feed cause "import"), and the pages an upstream mirror reads
// (planImport with a MirrorPolicy, applied by sync/mirror-source.ts: rows carrying the source's
// provenance, feed cause "mirror"). It bypasses the per-namespace writers: a file import is an
// operator tool to run while nobody publishes; a mirror's batches assert that no local version
// of their names committed meanwhile, and a publish's commit that the name it read has not
// changed (storage/d1-publish.ts abortUnlessNameStateStatement). Idempotent: importing the same
// entries again changes nothing. A file import writes the public catalogue only: entries in a
// namespace a group claims are rejected. Every upstream value a refusal quotes is cut
// (domain/sources.ts quoteUpstream).
import { blockingEntry, denylistKeys, denylistRefusal, type DenylistSubject } from "../domain/denylist.ts";
import { claimKey } from "../domain/groups.ts";
import { validateServerJson } from "../domain/server-json/index.ts";
import type { ServerStatus, VersionRecord } from "../domain/server-response.ts";
import { nowMicros, parseRfc3339 } from "../domain/timestamps.ts";
import { pickLatest } from "../domain/version-order.ts";
import { localNameSkip, MAX_SKIP_QUOTE, quoteUpstream } from "../domain/sources.ts";
import { truncateText } from "../domain/truncate-text.ts";
import { claimChangedRefusal, remoteUrls } from "../domain/write-rules.ts";
import {
  clearLatestStatements,
  getVersionsOfNames,
  insertRemotesStatements,
  refreshServersStatements,
  remoteHolders,
  replaceRemotesStatements,
  setLatestStatements,
  insertVersionsStatements,
  type RemoteRow,
} from "../storage/d1-catalog.ts";
import { feedCauseStatements } from "../storage/d1-feed.ts";
import { claimsOf } from "../storage/d1-governance.ts";
import { findDenylistHits } from "../storage/d1-moderation.ts";
import { abortWhenForeignVersionsStatements } from "../storage/d1-sources.ts";
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

/** How a mirror's entries are written (absent: a local import). */
export interface MirrorPolicy {
  /** The source's canonical URL: every written row's provenance (mirror_source). */
  source: string;
  /** The group mirrored into (only names in namespaces it claims); null: the public catalogue. */
  group: string | null;
}

export interface ImportOptions {
  /** Entries written per D1 batch. */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

const STATUSES: readonly string[] = ["active", "deprecated", "deleted"];

/** The name and version of an entry refused as invalid, cut (they are echoed, and may be anything). */
function describe(server: unknown): { name?: string; version?: string } {
  if (typeof server !== "object" || server === null) return {};
  const { name, version } = server as Record<string, unknown>;
  return {
    ...(typeof name === "string" ? { name: truncateText(name, MAX_SKIP_QUOTE) } : {}),
    ...(typeof version === "string" ? { version: truncateText(version, MAX_SKIP_QUOTE) } : {}),
  };
}

function readTimestamp(value: unknown, field: string, reasons: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const micros = typeof value === "string" ? parseRfc3339(value) : undefined;
  if (micros === undefined) reasons.push(`${field}: not an RFC 3339 timestamp: ${quoteUpstream(value)}`);
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
    reasons.push(`status: expected one of active, deprecated, deleted: ${quoteUpstream(status)}`);
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

/**
 * A mirrored state no newer than the one held (by the upstream's updatedAt): an upstream feed
 * replayed from an earlier cursor, or a list pass's safety margin. Applying it would move the
 * version back in time (and undo a local moderation change the upstream has not superseded).
 */
function replayed(existing: VersionRecord, incoming: VersionRecord): boolean {
  return (
    existing.mirror !== undefined &&
    existing.mirror.source === incoming.mirror?.source &&
    incoming.mirror.updatedAt <= existing.mirror.updatedAt
  );
}

function sameStoredState(a: VersionRecord, b: VersionRecord): boolean {
  return (
    a.mirror?.source === b.mirror?.source &&
    a.mirror?.updatedAt === b.mirror?.updatedAt &&
    a.status === b.status &&
    a.statusMessage === b.statusMessage &&
    a.statusChangedAt === b.statusChangedAt &&
    a.publishedAt === b.publishedAt &&
    a.updatedAt === b.updatedAt &&
    a.serverJson === b.serverJson
  );
}

/** One chunk's statements (without a feed cause: the caller's batch adds it), report and changed names. */
export interface ImportPlan {
  /** In batch order; empty when the chunk changes nothing. */
  statements: D1PreparedStatement[];
  report: ImportReport;
  changed: string[];
}

/**
 * Plans the writes of one chunk of entries (at most a few hundred: one D1 batch). A version that
 * already exists is replaced only when the entry carries official metadata (a mirror applying
 * upstream changes); otherwise it is kept as is. isLatest is recomputed for every touched name
 * with the registry's rule. With a mirror policy, rows carry the source's provenance and group,
 * and a name holding any version that is not this source's is skipped (local names win).
 */
export async function planImport(
  env: Pick<CacheEnv, "DB">,
  chunk: readonly ImportEntry[],
  { now = nowMicros(), mirror }: { now?: number; mirror?: MirrorPolicy } = {},
): Promise<ImportPlan> {
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const group = mirror?.group ?? null;
  const valid: { record: VersionRecord; authoritative: boolean; source: string }[] = [];
  for (const entry of chunk) {
    const result = toRecord(entry, now);
    if ("reasons" in result) report.rejected.push(result);
    else {
      const record = mirror ? { ...result, mirror: { source: mirror.source, updatedAt: result.updatedAt } } : result;
      valid.push({ record, authoritative: entry.official !== undefined, source: entry.source });
    }
  }
  // A claimed namespace is private to its group: never imported into from outside, not even
  // merged; a mirror into a group writes only the namespaces that group claims.
  const claims = await claimsOf(env.DB, [...new Set(valid.map((v) => claimKey(v.record.name)))]);
  const claimedBy = new Map(claims.map((c) => [c.namespace, c.group]));
  const names = [...new Set(valid.map((v) => v.record.name))];
  const stored = await getVersionsOfNames(env.DB, names);
  const incoming: { record: VersionRecord; authoritative: boolean; urls: string[]; source: string }[] = [];
  for (const item of valid) {
    const { record, source } = item;
    const reject = (reason: string) =>
      report.rejected.push({ source, name: record.name, version: record.version, reasons: [reason] });
    if ((claimedBy.get(claimKey(record.name)) ?? null) !== group) {
      reject(claimChangedRefusal(record.name, group));
      continue;
    }
    if (mirror && (stored.get(record.name) ?? []).some((v) => v.mirror?.source !== mirror.source)) {
      reject(localNameSkip(record.name));
      continue;
    }
    const urls = remoteUrls(JSON.parse(record.serverJson) as { remotes?: { url?: string }[] });
    incoming.push({ ...item, urls });
  }
  // Remote URLs stay unique across names among non-deleted versions of a catalogue, as on publish.
  const holders = await remoteHolders(
    env.DB,
    incoming.flatMap((i) => i.urls),
    group,
  );
  // The denylist applies to imports and mirrors as to publishers.
  const parsed = new Map(incoming.map((i) => [i, JSON.parse(i.record.serverJson) as DenylistSubject]));
  const denylisted = await findDenylistHits(env.DB, [...parsed.values()].flatMap(denylistKeys));

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
    if (existing && (!authoritative || sameStoredState(existing, record) || replayed(existing, record))) {
      report.unchanged++;
      continue;
    }
    const blocked = record.status === "deleted" ? undefined : blockingEntry(denylisted, parsed.get(item)!);
    if (blocked) {
      report.rejected.push({ source, name: record.name, version: record.version, reasons: [denylistRefusal(blocked)] });
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
    upserts.push(next); // not a snapshot: it takes the flag recomputed below
    if (existing) remoteRows.push(...replaceRemotesStatements(env.DB, record.name, record.version, urls));
    else newRemotes.push(...urls.map((url) => ({ url, name: record.name, version: record.version })));
    rewritten.add(record.name);
  }

  const changed: string[] = [];
  const latest: { name: string; version: string }[] = [];
  for (const [name, versions] of touched) {
    const index = pickLatest(versions.map((v) => ({ ...v, deleted: v.status === "deleted" })));
    const flagMoves = versions.some((v, i) => v.isLatest !== (i === index));
    if (!flagMoves && !rewritten.has(name)) continue;
    versions.forEach((v, i) => (v.isLatest = i === index));
    if (flagMoves) latest.push({ name, version: versions[index]!.version });
    changed.push(name);
  }
  if (changed.length === 0) return { statements: [], report, changed };
  const statements = [
    // A local publish of one of these names may have committed since they were read.
    ...(mirror ? abortWhenForeignVersionsStatements(env.DB, changed, mirror.source) : []),
    // Moved flags are cleared first, so that each upsert writes its row's final flag (the change
    // feed records it) without two latest rows; setLatest then flags the rows not upserted.
    ...clearLatestStatements(
      env.DB,
      latest.map((l) => l.name),
    ),
    ...insertVersionsStatements(
      env.DB,
      upserts.map((u) => ({ ...u, group })),
      { replace: true },
    ),
    ...remoteRows,
    ...insertRemotesStatements(env.DB, newRemotes),
    ...setLatestStatements(env.DB, latest),
    ...refreshServersStatements(env.DB, changed),
  ];
  return { statements, report, changed };
}

/** Imports entries (files, seeds) in chunks, each one D1 batch whose feed rows say "import". */
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
      const plan = await planImport(env, entries.slice(start, start + chunkSize), { now });
      report.inserted += plan.report.inserted;
      report.updated += plan.report.updated;
      report.unchanged += plan.report.unchanged;
      report.rejected.push(...plan.report.rejected);
      if (plan.statements.length > 0) {
        const [markCause, clearCause] = feedCauseStatements(env.DB, "import");
        await env.DB.batch([markCause, ...plan.statements, clearCause]);
        for (const name of plan.changed) flushed.add(name);
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
