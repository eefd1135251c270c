// The rules of group administration and API tokens (docs/governance.md), pure: the bounds of
// every input, the canonical forms of claims, include patterns and policies, and who may grant
// what. Routes parse and answer; writers apply; this file decides.
import { canonicalHost } from "./url-host.ts";
import { PACKAGE_REGISTRY_TYPES } from "./denylist-packages.ts";
import { atLeast, type Access, type AdmissionPolicy, type Role } from "./groups.ts";
import { MAX_NAME_LENGTH } from "./server-json/framework-schema.ts";

/** Most groups a deployment holds. */
export const MAX_GROUPS = 1000;
/** Most claimed namespaces, include patterns per group. */
export const MAX_NAMESPACES = 100;
export const MAX_INCLUDE = 100;
export const MAX_TITLE = 200;
/** Most members per group. */
export const MAX_MEMBERS = 10_000;
/** Most entries of a policy's registries and remoteHosts lists. */
export const MAX_POLICY_ENTRIES = 100;
/** Most active (neither revoked nor expired) personal tokens per person, service tokens per group. */
export const MAX_TOKENS_PER_OWNER = 100;
export const MAX_TOKENS_PER_GROUP = 1000;
export const MAX_TOKEN_NAME = 100;
/** Most access entries of one token (one per group). */
export const MAX_TOKEN_ACCESS = 100;
const DAY_MICROS = 86_400 * 1_000_000;
export const DEFAULT_TOKEN_LIFETIME_MICROS = 90 * DAY_MICROS;
export const MAX_TOKEN_LIFETIME_MICROS = 365 * DAY_MICROS;

/** The audit stream of a group's configuration, members, service tokens and approvals. */
export function groupStream(group: string): string {
  return `~group:${group}`;
}

/** The audit stream of personal tokens. */
export const TOKENS_STREAM = "~tokens";

/** The 404 of a group the caller may not see (or that does not exist), wherever it is refused. */
export const GROUP_NOT_FOUND = "Group not found";
/** The 404 of a token the caller may not see (or that does not exist), wherever it is refused. */
export const TOKEN_NOT_FOUND = "Token not found";

type Canonical = { value: string } | { error: string };

const NAMESPACE_LABEL = /^[a-z0-9-]+$/;
/** A name's namespace part can be this long at most (the name needs "/" and one character). */
const MAX_NAMESPACE_LENGTH = MAX_NAME_LENGTH - 2;

/** A claimed namespace in its one stored form (lower case, dot-separated labels), or why not. */
export function canonicalNamespace(raw: string): Canonical {
  const value = raw.trim().toLowerCase();
  if (value === "") return { error: "a namespace must not be empty" };
  if (value.length > MAX_NAMESPACE_LENGTH)
    return { error: `a namespace is at most ${MAX_NAMESPACE_LENGTH} characters` };
  const labels = value.split(".");
  if (labels.includes("")) return { error: `"${value}" has an empty label ("..", or a leading or trailing dot)` };
  if (!labels.every((label) => NAMESPACE_LABEL.test(label))) {
    return { error: "a namespace is the part of a server name before '/', e.g. com.example.internal" };
  }
  return { value };
}

const NAME_CHARS = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;
const PREFIX_CHARS = /^[a-zA-Z0-9.-]*(\/[a-zA-Z0-9._-]*)?$/;

/**
 * An include pattern as the view matches it (domain/name-patterns.ts): "*", a prefix ending in
 * "*" (e.g. "io.github.acme/*", "com.example"), or an exact server name. Names are
 * case-sensitive, so patterns are kept as written.
 */
export function canonicalInclude(raw: string): Canonical {
  const value = raw.trim();
  if (value === "*") return { value };
  if (value.length > MAX_NAME_LENGTH + 1)
    return { error: `an include pattern is at most ${MAX_NAME_LENGTH + 1} characters` };
  if (value.endsWith("*")) {
    const prefix = value.slice(0, -1);
    if (prefix.includes("*") || !PREFIX_CHARS.test(prefix)) {
      return { error: 'a prefix pattern is the start of a server name followed by one "*", e.g. io.github.acme/*' };
    }
    return { value };
  }
  if (!NAME_CHARS.test(value)) {
    return { error: 'an include entry is a server name (namespace/name) or a prefix ending in "*"' };
  }
  return { value };
}

/** A violation of one list entry, with its index for the error's location. */
export interface EntryError {
  index: number;
  error: string;
}

/** Canonical forms of a list, without duplicates (first occurrence kept), or the entries' errors. */
export function canonicalList(
  raw: readonly string[],
  canonical: (entry: string) => Canonical,
): { values: string[] } | { errors: EntryError[] } {
  const values: string[] = [];
  const errors: EntryError[] = [];
  raw.forEach((entry, index) => {
    const result = canonical(entry);
    if ("error" in result) errors.push({ index, error: result.error });
    else if (!values.includes(result.value)) values.push(result.value);
  });
  return errors.length > 0 ? { errors } : { values };
}

/** A policy's registry type in stored form (lower case, a type the registry knows), or why not. */
export function canonicalRegistryType(raw: string): Canonical {
  const value = raw.trim().toLowerCase();
  return (PACKAGE_REGISTRY_TYPES as readonly string[]).includes(value)
    ? { value }
    : { error: `expected value to be one of "${PACKAGE_REGISTRY_TYPES.join(", ")}"` };
}

/** A policy's remote host: a host as URLs spell it (lower case, punycode), or "*." and a domain. */
export function canonicalRemoteHost(raw: string): Canonical {
  const trimmed = raw.trim();
  const wildcard = trimmed.startsWith("*.");
  const host = canonicalHost(wildcard ? trimmed.slice(2) : trimmed);
  if ("error" in host) return host;
  return { value: wildcard ? `*.${host.value}` : host.value };
}

/** The errors of a policy as sent, by field, or its stored form. */
export function canonicalPolicy(raw: {
  registries?: readonly string[] | undefined;
  remoteHosts?: readonly string[] | undefined;
}): { value: AdmissionPolicy } | { errors: { field: "registries" | "remoteHosts"; index: number; error: string }[] } {
  const value: AdmissionPolicy = {};
  const errors: { field: "registries" | "remoteHosts"; index: number; error: string }[] = [];
  for (const field of ["registries", "remoteHosts"] as const) {
    const list = raw[field];
    if (list === undefined) continue;
    const result = canonicalList(list, field === "registries" ? canonicalRegistryType : canonicalRemoteHost);
    if ("errors" in result) errors.push(...result.errors.map((e) => ({ field, ...e })));
    else value[field] = result.values;
  }
  return errors.length > 0 ? { errors } : { value };
}

// ---- Who may grant what -------------------------------------------------------------------------

/**
 * Why a caller holding `actor` may not set a member's role from `current` (undefined: not a
 * member) to `next` (undefined: remove), or undefined when they may. Managers manage viewers and
 * publishers only; appointing, changing or removing a manager takes an administrator.
 */
export function memberChangeRefusal(
  actor: Access | undefined,
  current: Role | undefined,
  next: Role | undefined,
): string | undefined {
  if (actor === "admin") return undefined;
  if (!atLeast(actor, "manager")) return "Managing members requires the manager role in the group";
  if (next === "manager" || current === "manager") {
    return "Only an organisation administrator may appoint, change or remove a manager";
  }
  return undefined;
}

/**
 * Why a service token for a group may not carry `role`, minted by a caller holding `actor`
 * there, or undefined. A service token outlives its creator's membership, so one that manages
 * the group (members, approvals, tokens) would be a manager nobody appointed: managers mint at
 * most publisher, and only an organisation administrator mints a manager-level one.
 */
export function serviceGrantRefusal(actor: Access | undefined, role: Role): string | undefined {
  if (!atLeast(actor, role)) return `You cannot grant ${role}: it is above your own access in the group`;
  if (role === "manager" && actor !== "admin") {
    return "Only an organisation administrator may create a service token with the manager role";
  }
  return undefined;
}

/**
 * The identities a personal token keeps: its person's, without identity-provider group claims
 * (`idp:…`). A group claim is only true as of the sign-in that carried it and the registry cannot
 * re-check it when the token is used, so roles held through one are never delegated to a PAT
 * (the organisation's access tokens carry fresh claims instead).
 */
export function delegableIdentities(identities: readonly string[]): string[] {
  return identities.filter((identity) => !identity.startsWith("idp:"));
}

/**
 * Why a personal token may not carry `role` in a group where its person holds `held` through
 * membership (what the token can ever use: a PAT never carries administrator rights), or undefined.
 */
export function personalGrantRefusal(held: Access | undefined, role: Role): string | undefined {
  if (held === undefined) return "A personal token carries your member roles only, and you hold none in the group";
  if (!atLeast(held, role)) return `You cannot grant ${role}: you hold ${held} in the group`;
  return undefined;
}

/** A token's expiry (µs) from the requested one (µs, or undefined for the default), or why not. */
export function tokenExpiry(now: number, requested: number | undefined): { value: number } | { error: string } {
  if (requested === undefined) return { value: now + DEFAULT_TOKEN_LIFETIME_MICROS };
  if (requested <= now) return { error: "expiresAt must be in the future" };
  if (requested > now + MAX_TOKEN_LIFETIME_MICROS) return { error: "expiresAt must be within one year" };
  return { value: requested };
}
