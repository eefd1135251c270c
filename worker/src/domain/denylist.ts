// The denylist's matching rules. Pure: what an entry's value is, and which entries a server.json
// would hit. Every kind has ONE canonical form, used alike to store, list, remove and match, so
// a server.json is reduced to the keys it would be refused under and a publish needs one
// indexed lookup, not a scan:
//
//   namespace    lower case, labels of [a-z0-9-], none empty ("com.zz..", ".com" are refused)
//   server       "<namespace>/<name>", the same namespace rules, name of [a-z0-9._-]
//   remote-host  canonicalHost: lower case, IDNA to punycode, IPv4 dotted, IPv6 compressed in
//                brackets, no trailing dot
//   package      "<registryType>:<identity>" by the registry's own rules (denylist-packages.ts)
import { matchesPattern } from "./name-patterns.ts";
import {
  isPackageRegistryType,
  packageEntryValue,
  packageMatchIdentity,
  type PackageRegistryType,
} from "./denylist-packages.ts";
import { canonicalHost, isIpHost, remoteHostKeys } from "./url-host.ts";
import { namespaceOf } from "./write-rules.ts";

export const DENYLIST_KINDS = ["namespace", "server", "remote-host", "package"] as const;
export type DenylistKind = (typeof DENYLIST_KINDS)[number];

export interface DenylistKey {
  kind: DenylistKind;
  value: string;
}

export interface DenylistEntry extends DenylistKey {
  reason: string;
  /**
   * The edit patterns of the scoped maintainer who added the entry: it applies (blocks and
   * sweeps) only to names they match. Null or absent: a global maintainer's, applies to all.
   */
  scope?: readonly string[] | null;
}

const NAMESPACE_LABEL = /^[a-z0-9-]+$/;
const SERVER_PART = /^[a-z0-9._-]+$/;

/** A namespace (or a name's namespace part) in lower case, or why it is none. */
function canonicalNamespace(value: string): { value: string } | { error: string } {
  const labels = value.split(".");
  if (labels.includes("")) return { error: `"${value}" has an empty label ("..", or a leading or trailing dot)` };
  if (!labels.every((label) => NAMESPACE_LABEL.test(label))) {
    return { error: "a namespace is the part of a server name before '/', e.g. com.example" };
  }
  return { value };
}

/** The key a server name is matched and stored under (resolutions denylist stored names with it). */
export function serverNameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * The stored form of an entry's value, or a reason it is not one. Package values need their
 * registry type: `registryType`, or a "<type>:" prefix of the value.
 */
export function normalizeDenylistValue(
  kind: DenylistKind,
  raw: string,
  registryType?: PackageRegistryType,
): { value: string } | { error: string } {
  const value = raw.trim().toLowerCase();
  if (value === "") return { error: "value must not be empty" };
  switch (kind) {
    case "namespace":
      return canonicalNamespace(value);
    case "server": {
      const slash = value.indexOf("/");
      if (slash === -1 || !SERVER_PART.test(value.slice(slash + 1))) {
        return { error: "a server value is a full server name, e.g. com.example/weather" };
      }
      const namespace = canonicalNamespace(value.slice(0, slash));
      return "error" in namespace ? namespace : { value: serverNameKey(value) };
    }
    case "remote-host":
      return canonicalHost(raw);
    case "package":
      return packageEntryValue(registryType, raw);
  }
}

/** Whether a stored entry's value is in the canonical form (rows from before 0004 may not be). */
export function isCanonicalValue(key: DenylistKey): boolean {
  const normalized = normalizeDenylistValue(key.kind, key.value);
  return "value" in normalized && normalized.value === key.value;
}

/** "a.b.c" → ["a.b.c", "a.b", "a"]: reverse-DNS namespaces and their parents. */
function namespaceAndParents(namespace: string): string[] {
  const parts = namespace.split(".");
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("."));
}

/** "x.evil.com" → ["x.evil.com", "evil.com", "com"]: a host and the domains above it. */
function hostAndParents(host: string): string[] {
  if (isIpHost(host)) return [host];
  const parts = host.split(".");
  return parts.map((_, i) => parts.slice(i).join("."));
}

export interface DenylistSubject {
  name: string;
  remotes?: readonly { url?: string }[];
  packages?: readonly { registryType?: string; identifier?: string }[];
}

/**
 * Every key an entry could have that would block this server: its name, its namespace and the
 * namespaces above it (denylisting com.evil also blocks com.evil.mcp), every canonical host of
 * its remotes and the domains above them, and its packages' identities.
 */
export function denylistKeys(server: DenylistSubject): DenylistKey[] {
  const keys = new Map<string, DenylistKey>();
  const add = (kind: DenylistKind, value: string) => keys.set(`${kind}\n${value}`, { kind, value });
  const name = serverNameKey(server.name);
  add("server", name);
  for (const ns of namespaceAndParents(namespaceOf(name))) add("namespace", ns);
  for (const remote of server.remotes ?? []) {
    if (typeof remote.url !== "string") continue;
    for (const host of remoteHostKeys(remote.url)) for (const h of hostAndParents(host)) add("remote-host", h);
  }
  for (const pkg of server.packages ?? []) {
    const type = typeof pkg.registryType === "string" ? pkg.registryType.trim().toLowerCase() : "";
    if (!isPackageRegistryType(type) || typeof pkg.identifier !== "string" || pkg.identifier.trim() === "") continue;
    add("package", `${type}:${packageMatchIdentity(type, pkg.identifier)}`);
  }
  return [...keys.values()];
}

/** Whether an entry applies to this name at all: a scoped maintainer's entry only inside its scope. */
export function entryReaches(entry: Pick<DenylistEntry, "scope">, name: string): boolean {
  const scope = entry.scope;
  return scope === undefined || scope === null || scope.some((pattern) => matchesPattern(pattern, name));
}

/** Whether an entry blocks this server. */
export function denylistMatches(entry: DenylistKey & Pick<DenylistEntry, "scope">, server: DenylistSubject): boolean {
  if (!entryReaches(entry, server.name)) return false;
  return denylistKeys(server).some((key) => key.kind === entry.kind && key.value === entry.value);
}

/** The first of `entries` that blocks this server, if any. */
export function blockingEntry<T extends DenylistKey & Pick<DenylistEntry, "scope">>(
  entries: readonly T[],
  server: DenylistSubject,
): T | undefined {
  if (entries.length === 0) return undefined;
  const keys = new Set(denylistKeys(server).map((key) => `${key.kind}\n${key.value}`));
  return entries.find((entry) => keys.has(`${entry.kind}\n${entry.value}`) && entryReaches(entry, server.name));
}

/**
 * What a scoped maintainer's patterns must cover for it to manage an entry: a server entry its
 * name; a namespace entry every name in the namespace and in every namespace below it, today's
 * and future ones ("N/…" and "N.…/…"). Conservative: a set of names counts as covered only when
 * one pattern covers all of it. Host and package entries span namespaces: never covered.
 * (Stored names of other spellings, which lower-case matching also reaches, are checked apart.)
 */
export function scopeCoversEntry(patterns: readonly string[], key: DenylistKey): boolean {
  const coversPrefix = (prefix: string) =>
    patterns.some((pattern) => pattern.endsWith("*") && prefix.startsWith(pattern.slice(0, -1)));
  switch (key.kind) {
    case "server":
      return patterns.some((pattern) => matchesPattern(pattern, key.value));
    case "namespace":
      return coversPrefix(`${key.value}/`) && coversPrefix(`${key.value}.`);
    default:
      return patterns.includes("*");
  }
}

/** Longest reason an entry may carry (it becomes part of a 500-character statusMessage). */
export const MAX_DENYLIST_REASON = 300;

/** The status message of versions a denylist entry removed. */
export function denylistStatusMessage(entry: DenylistEntry): string {
  return `Removed by registry moderation (denylisted ${entry.kind} ${entry.value}): ${entry.reason}`.slice(0, 500);
}

/** The 403 detail of a publish a denylist entry refuses. */
export function denylistRefusal(entry: DenylistEntry): string {
  return `Publishing is blocked by the registry's denylist (${entry.kind} ${entry.value}): ${entry.reason}`;
}

/** Audit stream (and Durable Object) of denylist entries: they may match in any namespace. */
export const MODERATION_STREAM = "~moderation";
