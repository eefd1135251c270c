// The plan of a group of publishes to one namespace (docs/storage.md "Write protocol"). Pure:
// given what the group's one D1 read found, it decides each job in order, against D1 and
// against the jobs of the group accepted before it, and computes everything the group commit
// writes: the version rows, the latest-flag moves, the per-name summaries and one audit row per
// job (refused jobs included), job i taking sequence number `seq + i` and timestamp `now + i`.
// A job carries the group whose view it was sent through (null: the public catalogue); it may
// only create a version in a namespace that group claims (public: an unclaimed one), and the
// version's rows belong to that claim.
import { blockingEntry, type DenylistEntry, denylistRefusal } from "./denylist.ts";
import type { ServerJson } from "./server-json/index.ts";
import { newVersionRecord, type VersionRecord } from "./server-response.ts";
import { claimRefusal, namespaceOf, publishRefusal, publishTakesLatest, remoteUrls } from "./write-rules.ts";

/** The detail of a publish refused for what it asks (the denylist's refusal is its own detail). */
export const PUBLISH_FAILED = "Failed to publish server";

/** A name's latest version: the stored holder of isLatest, or a version of the group. */
export interface LatestHolder {
  version: string;
  publishedAt: number;
  deleted: boolean;
}

/** What a publish needs to know about its name and version. */
export interface PublishState {
  versionCount: number;
  versionExists: boolean;
  latest: LatestHolder | undefined;
  /** The group claiming the name's namespace (null or absent: unclaimed). */
  claim?: string | null;
}

/**
 * Another name's non-deleted version holding one of a server's remote URLs, in the catalogue the
 * server is written into (remote URLs are unique per catalogue: the public one, each group's).
 */
export interface RemoteConflict {
  url: string;
  holder: string;
}

export function remoteConflictMessage(conflict: RemoteConflict): string {
  return `remote URL ${conflict.url} is already used by server ${conflict.holder}`;
}

/**
 * The denylist entries that apply to writes into the catalogue of `group` (null: public): all of
 * them publicly; in a group only the organisation-wide ones, since a scoped maintainer's entry
 * never reaches a private server.
 */
export function denylistIn<T extends Pick<DenylistEntry, "scope">>(entries: readonly T[], group: string | null): T[] {
  return group === null ? [...entries] : entries.filter((entry) => entry.scope === undefined || entry.scope === null);
}

/** What the group's one D1 read found. */
export interface PublishReads {
  /** The denylist entries among the keys of every job's server. */
  denylisted: readonly DenylistEntry[];
  /** Per job, in order: its name's state and the first stored conflict of its remote URLs. */
  states: readonly (PublishState & { remoteConflict: RemoteConflict | undefined })[];
}

/** A job's answer: the version it published, or why not (`message` goes into `errors`). */
export type PublishDecision =
  | { ok: true; record: VersionRecord }
  | { ok: false; status: 400 | 403; detail: string; message: string | undefined };

/** One job of a group: the validated server.json and the group it is published into. */
export interface PlannedJob {
  server: ServerJson;
  /** The group whose view the publish was sent through (null or absent: the public catalogue). */
  group?: string | null;
}

/** What a job's audit row says beyond who asked. */
export interface PublishAudit {
  seq: number;
  at: number;
  action: "publish";
  name: string;
  version: string;
  outcome: "ok" | "denied" | "failed";
  reason: string | null;
}

/** What a group of publishes adds to one name's summary row. */
export interface PublishedCount {
  name: string;
  namespace: string;
  added: number;
  /** The name's new latest version, or undefined when the flag did not move. */
  latestVersion: string | undefined;
  at: number;
  /** The group the name's rows belong to (null: public). */
  group: string | null;
}

/**
 * A written name's state as the group's read found it. A mirror step writes names without the
 * namespace's writer, so the commit asserts that this is still the state (storage/d1-publish.ts).
 */
export interface NameStateAsRead {
  name: string;
  versionCount: number;
  latest: LatestHolder | undefined;
}

export interface PublishPlan {
  /** Per job, in order. */
  jobs: { decision: PublishDecision; audit: PublishAudit }[];
  /**
   * The accepted versions in job order (isLatest as after the group), with their remote URLs and
   * the group their rows belong to (the namespace's claim as read).
   */
  accepted: { record: VersionRecord; urls: string[]; group: string | null }[];
  /** The names whose isLatest moves to a version of the group. */
  latestMoves: string[];
  /** Per name with an accepted version, in order of its first one. */
  summaries: PublishedCount[];
  /** Per name with an accepted version, in the same order: its state as read. */
  readStates: NameStateAsRead[];
}

type Refusal = Extract<PublishDecision, { ok: false }> & Pick<PublishAudit, "outcome" | "reason">;

/** What the jobs accepted so far in the group changed, per name and per remote URL. */
interface GroupChanges {
  counts: Map<string, number>;
  /** `name@version` of the accepted versions. */
  added: Set<string>;
  /** Each name's latest holder after the accepted jobs (the stored one until a job takes it). */
  holders: Map<string, LatestHolder | undefined>;
  /** Per catalogue and remote URL (claimedKey): the name of the accepted job that holds it. */
  claimed: Map<string, string>;
}

/** A remote URL in the catalogue of `group` (null: public): URLs are unique per catalogue. */
function claimedKey(group: string | null, url: string): string {
  return `${group ?? ""}\n${url}`;
}

/** Why a job may not publish, checked against D1 and the group's earlier accepted jobs. */
function refusalOf(
  { server, group: view = null }: PlannedJob,
  urls: readonly string[],
  state: PublishReads["states"][number],
  denylisted: readonly DenylistEntry[],
  group: GroupChanges,
): Refusal | undefined {
  const { name, version } = server;
  // First: a name outside the view's namespaces learns nothing else about what is stored.
  const unclaimed = claimRefusal(name, view, state.claim ?? null);
  if (unclaimed) {
    return { ok: false, status: 403, detail: PUBLISH_FAILED, message: unclaimed, outcome: "denied", reason: unclaimed };
  }
  const blocked = blockingEntry(denylistIn(denylisted, view), server);
  if (blocked) {
    const reason = denylistRefusal(blocked);
    return { ok: false, status: 403, detail: reason, message: undefined, outcome: "denied", reason };
  }
  const conflict =
    state.remoteConflict ??
    urls
      .map((url) => ({ url, holder: group.claimed.get(claimedKey(view, url)) }))
      .find((c): c is RemoteConflict => c.holder !== undefined && c.holder !== name);
  const rule = conflict
    ? remoteConflictMessage(conflict)
    : publishRefusal(
        {
          versionCount: group.counts.get(name) ?? state.versionCount,
          versionExists: state.versionExists || group.added.has(`${name}@${version}`),
        },
        name,
        version,
      );
  return rule === undefined
    ? undefined
    : { ok: false, status: 400, detail: PUBLISH_FAILED, message: rule, outcome: "failed", reason: rule };
}

/** Decides every job of a group, in order, and computes what the group commit writes. */
export function planPublishes(
  jobs: readonly PlannedJob[],
  reads: PublishReads,
  clock: { now: number; seq: number },
): PublishPlan {
  const group: GroupChanges = { counts: new Map(), added: new Set(), holders: new Map(), claimed: new Map() };
  const accepted: PublishPlan["accepted"] = [];
  const planned: PublishPlan["jobs"] = [];
  for (const [i, job] of jobs.entries()) {
    const { server } = job;
    const { name, version } = server;
    const state = reads.states[i]!;
    const urls = remoteUrls(server);
    const at = clock.now + i;
    const audit = { seq: clock.seq + i, at, action: "publish", name, version } as const;
    const refusal = refusalOf(job, urls, state, reads.denylisted, group);
    if (refusal) {
      const { outcome, reason, ...decision } = refusal;
      planned.push({ decision, audit: { ...audit, outcome, reason } });
      continue;
    }

    const record = newVersionRecord(server, at);
    const holder = group.holders.has(name) ? group.holders.get(name) : state.latest;
    if (publishTakesLatest(record, holder)) group.holders.set(name, { version, publishedAt: at, deleted: false });
    else if (!group.holders.has(name)) group.holders.set(name, holder);
    group.counts.set(name, (group.counts.get(name) ?? state.versionCount) + 1);
    group.added.add(`${name}@${version}`);
    for (const url of urls) group.claimed.set(claimedKey(job.group ?? null, url), name);
    accepted.push({ record, urls, group: state.claim ?? null });
    planned.push({ decision: { ok: true, record }, audit: { ...audit, outcome: "ok", reason: null } });
  }

  // Each name's latest after the group: a version of this group, or the stored one.
  const newLatest = new Map<string, string>();
  for (const { record } of accepted) {
    const holder = group.holders.get(record.name);
    if (holder?.version === record.version && !holder.deleted) newLatest.set(record.name, record.version);
  }
  for (const { record } of accepted) record.isLatest = newLatest.get(record.name) === record.version;

  const summaries = new Map<string, PublishedCount>();
  // Every job of a name read the same state (one batch).
  const readStates = new Map<string, NameStateAsRead>();
  for (const [i, { server }] of jobs.entries()) {
    const { versionCount, latest } = reads.states[i]!;
    if (!readStates.has(server.name)) readStates.set(server.name, { name: server.name, versionCount, latest });
  }
  for (const { record, group: owner } of accepted) {
    const summary = summaries.get(record.name);
    if (summary) {
      summary.added++;
      summary.at = record.updatedAt;
    } else {
      summaries.set(record.name, {
        name: record.name,
        namespace: namespaceOf(record.name),
        added: 1,
        latestVersion: newLatest.get(record.name),
        at: record.updatedAt,
        group: owner,
      });
    }
  }
  return {
    jobs: planned,
    accepted,
    latestMoves: [...newLatest.keys()],
    summaries: [...summaries.values()],
    readStates: [...summaries.keys()].map((name) => readStates.get(name)!),
  };
}
