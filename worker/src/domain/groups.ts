// Private sub-registries (docs/governance.md): groups, roles, members, views. Pure: what a
// group is, who may do what in it, and which names a view shows. Storage and HTTP live elsewhere.
import { matchesPattern } from "./name-patterns.ts";

export const GROUP_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Roles in a group, weakest first. */
export const ROLES = ["viewer", "publisher", "manager"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a caller holds in a group: a role, or "admin" for an organisation administrator (`edit`
 * on "*"), who may do everything a manager may, in every group, and create and delete groups.
 */
export type Access = Role | "admin";

const RANK: Record<Access, number> = { viewer: 1, publisher: 2, manager: 3, admin: 4 };

/** Whether `held` includes everything `needed` allows. */
export function atLeast(held: Access | undefined, needed: Access): boolean {
  return held !== undefined && RANK[held] >= RANK[needed];
}

/** The stronger of two accesses. */
export function stronger(a: Access | undefined, b: Access | undefined): Access | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** The weaker of two accesses (a token never grants more than its holder has). */
export function weaker(a: Access | undefined, b: Access | undefined): Access | undefined {
  if (a === undefined || b === undefined) return undefined;
  return RANK[a] <= RANK[b] ? a : b;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export type Visibility = "private" | "public";

/** An admission policy: the security review a publish into the group must pass. */
export interface AdmissionPolicy {
  /** Package registry types allowed (e.g. ["npm", "oci"]); absent: any. Empty: none. */
  registries?: string[];
  /**
   * Remote hosts allowed: exact hosts or "*.example.com" (that domain's subdomains); absent: any
   * host. Remotes must use https whenever a policy is set.
   */
  remoteHosts?: string[];
}

/** A group's configuration, as every request reads it (cached briefly, see governance-cache). */
export interface GroupConfig {
  name: string;
  title: string | null;
  visibility: Visibility;
  /** Claimed namespaces, lower case. */
  namespaces: string[];
  /** Public names or "prefix*" patterns the group's view includes. */
  include: string[];
  requireApproval: boolean;
  policy: AdmissionPolicy | null;
  createdAt: number;
  createdBy: string;
  /** µs; changes with every change of the group's configuration (part of its cache keys). */
  updatedAt: number;
}

/** The catalogue a request sees: the public one, or a group's. */
export type View =
  | { kind: "public" }
  | {
      kind: "group";
      group: GroupConfig;
      /** What the caller holds in the group; undefined for anonymous readers of a public group. */
      access: Access | undefined;
    };

export const PUBLIC_VIEW: View = Object.freeze({ kind: "public" });

/** The group a view writes into and reads private servers of (null: the public catalogue). */
export function viewGroup(view: View): string | null {
  return view.kind === "group" ? view.group.name : null;
}

/**
 * The part of a cache key that tells views apart: empty for the public view (its keys are the
 * ones it always had), else the group and its configuration version. Two callers share an answer
 * only when they see the same catalogue.
 */
export function viewKey(view: View): string {
  return view.kind === "public" ? "" : `g:${view.group.name}:${view.group.updatedAt}`;
}

/** Whether a public name is among a group's curated includes. */
export function includes(group: Pick<GroupConfig, "include">, name: string): boolean {
  return group.include.some((pattern) => matchesPattern(pattern, name));
}

/**
 * Whether a server whose rows belong to `serverGroup` (null: public) is visible in `view`: the
 * public view shows public servers only; a group's view shows its own servers and the public
 * servers it includes. Never another group's.
 */
export function visibleIn(view: View, name: string, serverGroup: string | null): boolean {
  if (view.kind === "public") return serverGroup === null;
  if (serverGroup !== null) return serverGroup === view.group.name;
  return includes(view.group, name);
}

/** Whether the caller may read the group's view at all (else it answers 404, as if absent). */
export function mayRead(group: Pick<GroupConfig, "visibility">, access: Access | undefined): boolean {
  return group.visibility === "public" || atLeast(access, "viewer");
}

/** The lower-cased namespace of a name (before '/'), as claims store it. */
export function claimKey(name: string): string {
  const slash = name.indexOf("/");
  return (slash < 0 ? name : name.slice(0, slash)).toLowerCase();
}

/** Kinds of member a group can hold, by prefix; e-mail addresses have none. */
const CASE_FOLDED_PREFIXES = ["github:", "github-oidc:", "dns:", "http:", "none:"];
const EXACT_PREFIXES = ["oidc:", "idp:"];
const MAX_MEMBER_LENGTH = 320;

function isSpaceOrControl(char: string): boolean {
  const code = char.codePointAt(0)!;
  return code <= 0x20 || code === 0x7f || /\s/.test(char);
}

/**
 * The one canonical form of a member, or undefined when it is none of the accepted kinds:
 * `github:<login>` (and `github-oidc:`, `dns:`, `http:` subjects) and e-mail addresses in lower
 * case (`none:anonymous` too, for local development), `oidc:<subject>` and `idp:<group>` exactly as the identity provider sends them.
 */
export function canonicalMember(raw: string): string | undefined {
  const value = raw.trim();
  // Whitespace and control characters never belong to an identifier (\s covers neither DEL nor C0).
  if (value.length === 0 || value.length > MAX_MEMBER_LENGTH || [...value].some(isSpaceOrControl)) {
    return undefined;
  }
  const lower = value.toLowerCase();
  for (const prefix of CASE_FOLDED_PREFIXES) {
    if (lower.startsWith(prefix)) return lower.length > prefix.length ? lower : undefined;
  }
  for (const prefix of EXACT_PREFIXES) {
    if (lower.startsWith(prefix)) return value.length > prefix.length ? prefix + value.slice(prefix.length) : undefined;
  }
  if (/^[^@:]+@[^@:]+\.[^@:]+$/.test(value)) return lower;
  return undefined;
}

/** The member forms that name an identity proven by a registry-token exchange. */
export function exchangeIdentities(method: string, subject: string): string[] {
  switch (method) {
    case "github-at":
      return [`github:${subject.toLowerCase()}`];
    case "github-oidc":
    case "dns":
    case "http":
    // Anonymous tokens exist only where ENABLE_ANONYMOUS_AUTH is on (local development).
    case "none":
      return [`${method}:${subject.toLowerCase()}`];
    case "oidc":
      return [`oidc:${subject}`];
    default:
      return [];
  }
}

/** What a host is allowed as, under a policy's remoteHosts. */
function hostAllowed(allowed: readonly string[], host: string): boolean {
  return allowed.some((pattern) =>
    pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern,
  );
}

/** What an admission policy looks at in a server.json. */
export interface AdmissionSubject {
  packages?: readonly { registryType?: string }[];
  remotes?: readonly { url?: string }[];
}

/**
 * Why a server.json does not pass a group's admission policy (one message per violation, in
 * order), or an empty list.
 */
export function admissionViolations(policy: AdmissionPolicy | null, server: AdmissionSubject): string[] {
  if (policy === null) return [];
  const violations: string[] = [];
  const registries = policy.registries?.map((r) => r.toLowerCase());
  for (const [i, pkg] of (server.packages ?? []).entries()) {
    const type = (pkg.registryType ?? "").toLowerCase();
    if (registries !== undefined && !registries.includes(type)) {
      violations.push(`packages[${i}]: registry type "${type}" is not allowed by the group's policy`);
    }
  }
  for (const [i, remote] of (server.remotes ?? []).entries()) {
    const url = schemeAndHost(remote.url ?? "");
    if (url === undefined) {
      violations.push(`remotes[${i}]: the URL has no host the group's policy can allow`);
      continue;
    }
    if (url.scheme !== "https") {
      violations.push(`remotes[${i}]: the group's policy allows remotes over https only`);
      continue;
    }
    if (policy.remoteHosts !== undefined && !hostAllowed(policy.remoteHosts, url.host)) {
      violations.push(`remotes[${i}]: host "${url.host}" is not allowed by the group's policy`);
    }
  }
  return violations;
}

/** What a URL template's host may hold as written: DNS labels, IP literals and {variables}. */
const TEMPLATE_HOST = /^(?:[a-z0-9._-]|\{[a-z0-9_.-]+\})+$|^\[[0-9a-f:.]+\]$/;

/**
 * The lower-cased scheme and host of a remote URL, or undefined when it has none a policy can
 * judge. A URL the WHATWG parser accepts is judged as clients will parse it. A URL template it
 * refuses (`https://{tenant}.example.com/mcp`, `https://example.com:{port}/`) is judged by its
 * scheme and host as written, with the parser's own authority rules (ended by '/', '\\', '?'
 * or '#'; userinfo up to the last '@'; the port after the last ':'), and only when that host is
 * made of DNS characters and whole `{variables}`: anything else has no host to allow.
 */
function schemeAndHost(raw: string): { scheme: string; host: string } | undefined {
  try {
    const url = new URL(raw);
    return { scheme: url.protocol.slice(0, -1), host: url.hostname };
  } catch {
    // a template: judged as written below
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/\\?#]*)/.exec(raw.trim());
  if (match === null) return undefined;
  const authority = match[2]!.slice(match[2]!.lastIndexOf("@") + 1);
  const port = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.lastIndexOf(":");
  const host = (port > 0 ? authority.slice(0, port) : authority).toLowerCase().replace(/\.$/, "");
  if (host === "" || !TEMPLATE_HOST.test(host)) return undefined;
  return { scheme: match[1]!.toLowerCase(), host };
}
