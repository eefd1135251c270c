// Pure rules of the write path (spec §3.7–3.9, §4–6): what a publish or a status change may do
// to the versions of one server, and what it produces. Storage and ordering live elsewhere.
import type { ServerStatus, VersionRecord } from "./server-response.ts";
import { compareVersions, pickLatest } from "./version-order.ts";

export const MAX_VERSIONS_PER_SERVER = 10_000;
export const PUBLISHER_META_KEY = "io.modelcontextprotocol.registry/publisher-provided";
export const MAX_PUBLISHER_META_BYTES = 4096;

/** Why a new version may not be added (version cap, duplicate), or undefined. */
export function publishRefusal(
  existing: { versionCount: number; versionExists: boolean },
  name: string,
  version: string,
): string | undefined {
  if (existing.versionCount >= MAX_VERSIONS_PER_SERVER) {
    return `maximum number of versions for this server reached (${MAX_VERSIONS_PER_SERVER}): please reach out at https://github.com/modelcontextprotocol/registry to explain your use case`;
  }
  // Deleted versions stay reserved: they can never be published again.
  if (existing.versionExists) {
    return `invalid version: cannot publish duplicate version: ${name}@${version} already exists`;
  }
  return undefined;
}

/** The publisher-provided `_meta` size rule, measured on its compact JSON in UTF-8 bytes. */
export function publisherMetaRefusal(meta: Record<string, unknown> | undefined): string | undefined {
  const provided = meta?.[PUBLISHER_META_KEY];
  if (provided === undefined) return undefined;
  const bytes = new TextEncoder().encode(JSON.stringify(provided)).byteLength;
  return bytes > MAX_PUBLISHER_META_BYTES
    ? `_meta.${PUBLISHER_META_KEY} extension exceeds 4KB limit (${bytes} bytes)`
    : undefined;
}

/**
 * Whether a newly published version takes isLatest from the current holder. The holder is the
 * highest non-deleted version (or, when every version is deleted, a deleted one), so comparing
 * with it alone gives the same answer as recomputing over all versions; an equal version does
 * not take the flag (spec §5.2).
 */
export function publishTakesLatest(
  candidate: { version: string; publishedAt: number },
  holder: { version: string; publishedAt: number; deleted: boolean } | undefined,
): boolean {
  return holder === undefined || holder.deleted || compareVersions(candidate, holder) > 0;
}

/** Remote URLs of a server.json, deduplicated. */
export function remoteUrls(server: { remotes?: readonly { url?: string }[] }): string[] {
  return [...new Set((server.remotes ?? []).map((r) => r.url).filter((u): u is string => typeof u === "string"))];
}

/**
 * Sets isLatest on exactly one version (spec §5.3) and returns the versions whose flag changed.
 * Flag flips never touch updated_at.
 */
export function recomputeLatest(versions: VersionRecord[]): { latest: VersionRecord | undefined; flipped: boolean } {
  const index = pickLatest(versions.map((v) => ({ ...v, deleted: v.status === "deleted" })));
  let flipped = false;
  versions.forEach((v, i) => {
    const isLatest = i === index;
    if (v.isLatest !== isLatest) flipped = true;
    v.isLatest = isLatest;
  });
  return { latest: versions[index], flipped };
}

export interface StatusChange {
  status: ServerStatus;
  statusMessage?: string;
}

/** 400 reasons that apply before looking at any stored version. */
export function statusChangeShapeRefusal(change: StatusChange): string | undefined {
  if (change.status === "active" && change.statusMessage !== undefined) {
    return "status_message cannot be provided when setting status to active";
  }
  return undefined;
}

/** True when the version already has this status and message (both absent counts as equal). */
export function isUnchangedStatus(record: VersionRecord, change: StatusChange): boolean {
  return record.status === change.status && record.statusMessage === (change.statusMessage ?? null);
}

/** The version after a status change at `now`. */
export function applyStatusChange(record: VersionRecord, change: StatusChange, now: number): VersionRecord {
  return {
    ...record,
    status: change.status,
    // Setting active always clears the message; otherwise the given one replaces it.
    statusMessage: change.status === "active" ? null : (change.statusMessage ?? null),
    statusChangedAt: record.status === change.status ? record.statusChangedAt : now,
    updatedAt: now,
  };
}

/**
 * Why a version of `name` may not be created through the view of `group` (null: the public
 * catalogue) while its namespace is claimed by `claim` (null: unclaimed), or undefined. The
 * public refusal never names the claiming group: private means invisible.
 */
export function claimRefusal(name: string, group: string | null, claim: string | null): string | undefined {
  return group === claim ? undefined : claimChangedRefusal(name, group);
}

/** The refusal of a version of `name` whose namespace is not (or no longer) claimed as `group` is. */
export function claimChangedRefusal(name: string, group: string | null): string {
  const namespace = namespaceOf(name);
  return group === null
    ? `namespace ${namespace} is reserved for a private registry`
    : `namespace ${namespace} is not claimed by group ${group}`;
}

/**
 * Whether a stored server may be changed (status, edit) through the view of `group` (null: the
 * public catalogue): its namespace's claim and its rows' group must both be that view's. Anything
 * else is answered as a missing server.
 */
export function writableIn(group: string | null, claim: string | null, serverGroup: string | null): boolean {
  return claim === group && serverGroup === group;
}

/** The namespace of a server name: the part before '/'. */
export function namespaceOf(name: string): string {
  const slash = name.indexOf("/");
  return slash === -1 ? name : name.slice(0, slash);
}
