// The denylist's matching rules. Pure: what an entry's value is, and which entries a server.json
// would hit. Values are stored normalised (lower case), and a server.json is reduced to the
// keys it would be refused under, so a publish needs one indexed lookup, not a scan.
import { urlHost } from "./url-host.ts";
import { namespaceOf } from "./write-rules.ts";

export const DENYLIST_KINDS = ["namespace", "server", "remote-host", "package"] as const;
export type DenylistKind = (typeof DENYLIST_KINDS)[number];

export interface DenylistKey {
  kind: DenylistKind;
  value: string;
}

export interface DenylistEntry extends DenylistKey {
  reason: string;
}

const NAMESPACE = /^[a-z0-9.-]+$/;
const SERVER_NAME = /^[a-z0-9.-]+\/[a-z0-9._-]+$/;
const HOST = /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/;

/** The stored form of an entry's value, or a reason it is not one. */
export function normalizeDenylistValue(kind: DenylistKind, raw: string): { value: string } | { error: string } {
  const value = raw.trim().toLowerCase().replace(/\.$/, "");
  if (value === "") return { error: "value must not be empty" };
  switch (kind) {
    case "namespace":
      return NAMESPACE.test(value)
        ? { value }
        : { error: "a namespace is the part of a server name before '/', e.g. com.example" };
    case "server":
      return SERVER_NAME.test(value)
        ? { value }
        : { error: "a server value is a full server name, e.g. com.example/weather" };
    case "remote-host":
      return HOST.test(value)
        ? { value }
        : { error: "a remote-host value is a host name, e.g. mcp.example.com (no scheme, port or path)" };
    case "package":
      return { value: packageKey(value) };
  }
}

/**
 * A package identifier as compared: lower case, and for image references without the tag or
 * digest, so "ghcr.io/evil/mcp" blocks every tag of that image.
 */
export function packageKey(identifier: string): string {
  let key = identifier.trim().toLowerCase();
  const at = key.indexOf("@sha256:");
  if (at !== -1) key = key.slice(0, at);
  const slash = key.lastIndexOf("/");
  const colon = key.lastIndexOf(":");
  if (colon > slash && slash !== -1) key = key.slice(0, colon);
  return key;
}

/** "a.b.c" → ["a.b.c", "a.b", "a"]: reverse-DNS namespaces and their parents. */
function namespaceAndParents(namespace: string): string[] {
  const parts = namespace.split(".");
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("."));
}

/** "x.evil.com" → ["x.evil.com", "evil.com", "com"]: a host and the domains above it. */
function hostAndParents(host: string): string[] {
  if (host.startsWith("[")) return [host];
  const parts = host.split(".");
  return parts.map((_, i) => parts.slice(i).join("."));
}

export interface DenylistSubject {
  name: string;
  remotes?: readonly { url?: string }[];
  packages?: readonly { identifier?: string }[];
}

/**
 * Every key an entry could have that would block this server: its name, its namespace and the
 * namespaces above it (denylisting com.evil also blocks com.evil.mcp), the hosts of its remotes
 * and the domains above them, and its package identifiers.
 */
export function denylistKeys(server: DenylistSubject): DenylistKey[] {
  const keys = new Map<string, DenylistKey>();
  const add = (kind: DenylistKind, value: string) => keys.set(`${kind}\n${value}`, { kind, value });
  const name = server.name.toLowerCase();
  add("server", name);
  for (const ns of namespaceAndParents(namespaceOf(name))) add("namespace", ns);
  for (const remote of server.remotes ?? []) {
    const host = typeof remote.url === "string" ? urlHost(remote.url) : undefined;
    if (host !== undefined) for (const h of hostAndParents(host)) add("remote-host", h);
  }
  for (const pkg of server.packages ?? []) {
    if (typeof pkg.identifier === "string" && pkg.identifier !== "") add("package", packageKey(pkg.identifier));
  }
  return [...keys.values()];
}

/** Whether an entry blocks this server. */
export function denylistMatches(entry: DenylistKey, server: DenylistSubject): boolean {
  return denylistKeys(server).some((key) => key.kind === entry.kind && key.value === entry.value);
}

/** The first of `entries` that blocks this server, if any. */
export function blockingEntry<T extends DenylistKey>(entries: readonly T[], server: DenylistSubject): T | undefined {
  if (entries.length === 0) return undefined;
  const keys = new Set(denylistKeys(server).map((key) => `${key.kind}\n${key.value}`));
  return entries.find((entry) => keys.has(`${entry.kind}\n${entry.value}`));
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
