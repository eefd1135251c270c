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

/** What an API token grants: its kind, a service token's group, its role per group. */
export interface TokenScope {
  kind: "personal" | "service";
  /** A service token's group (null for personal tokens). */
  group: string | null;
  access: readonly { group: string; role: Role }[];
}

/**
 * What a caller holds in `group` now, the one place rights are combined: an organisation
 * administrator (never through an API token) "admin"; a sign-in the strongest of the roles its
 * identities hold there (`memberRoles`); a personal token the weaker of that and what it was
 * given, so it follows its person down at once; a service token exactly what it was given, in its
 * own group only (it has no identities and outlives its creator's membership).
 */
export function effectiveAccess(
  group: string,
  caller: { admin: boolean; token?: TokenScope | undefined },
  memberRoles: readonly Role[],
): Access | undefined {
  const { token } = caller;
  if (caller.admin && token === undefined) return "admin";
  const granted = token?.access.find((a) => a.group === group)?.role;
  if (token?.kind === "service") return token.group === group ? granted : undefined;
  let held: Access | undefined;
  for (const role of memberRoles) held = stronger(held, role);
  return token === undefined ? held : weaker(held, granted);
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
  /** `variables`: the remote's URL template variables (name → {value, default, choices, …}). */
  remotes?: readonly { url?: string; variables?: unknown }[];
}

const NO_HOST = "the URL has no host the group's policy can allow";
const HTTPS_ONLY = "the group's policy allows remotes over https only";
const USER_CHOSEN_HOST = "the group's policy cannot check a host chosen by the user";
const notAllowed = (host: string) => `host "${host}" is not allowed by the group's policy`;

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
    const violation = remoteViolation(policy, remote);
    if (violation !== undefined) violations.push(`remotes[${i}]: ${violation}`);
  }
  return violations;
}

/** Why one remote does not pass the policy, if it does not. */
function remoteViolation(
  policy: AdmissionPolicy,
  remote: NonNullable<AdmissionSubject["remotes"]>[number],
): string | undefined {
  const raw = remote.url ?? "";
  // A template under allowed hosts: the parser reads "{tenant}.acme.cloud" as a host, but the
  // client connects to whatever the variables are substituted with.
  if (policy.remoteHosts !== undefined && /[{}]/.test(raw)) {
    return templateViolation(policy.remoteHosts, raw, remote.variables);
  }
  const url = schemeAndHost(raw);
  if (url === undefined) return NO_HOST;
  if (url.scheme !== "https") return HTTPS_ONLY;
  if (policy.remoteHosts !== undefined && !hostAllowed(policy.remoteHosts, url.host)) return notAllowed(url.host);
  return undefined;
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

/** The most URLs one remote's template is expanded to for a policy check (choices multiply). */
const MAX_TEMPLATE_EXPANSIONS = 256;

const TEMPLATE_VARIABLE = /\{([^{}]*)\}/g;

/**
 * Where a URL's scheme and authority end as the WHATWG parser reads them (at the first '/',
 * '\\', '?' or '#' after the scheme's slashes), `{variables}` taken whole. A variable before
 * that point may change the host; one after it cannot. (Erring short is safe: a variable left
 * unsubstituted in the authority is refused below.)
 */
function authorityEnd(url: string): number {
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:[/\\]*/.exec(url);
  let inVariable = false;
  for (let i = scheme?.[0].length ?? 0; i < url.length; i++) {
    const c = url[i];
    if (c === "{") inVariable = true;
    else if (c === "}") inVariable = false;
    else if (!inVariable && (c === "/" || c === "\\" || c === "?" || c === "#")) return i;
  }
  return url.length;
}

/**
 * Every value a client may substitute for a remote's variable `name`: its value, default and
 * choices; undefined when the user may type anything (neither a value nor choices: a default is
 * only a suggestion).
 */
function substitutions(variables: unknown, name: string): string[] | undefined {
  const spec = isRecord(variables) && Object.hasOwn(variables, name) ? variables[name] : undefined;
  if (!isRecord(spec)) return undefined;
  const choices = Array.isArray(spec.choices) ? spec.choices.filter((c): c is string => typeof c === "string") : [];
  if (typeof spec.value !== "string" && choices.length === 0) return undefined;
  return [...new Set([spec.value, spec.default, ...choices].filter((v): v is string => typeof v === "string"))];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Why a remote URL template does not pass allowed hosts: each variable of its scheme and
 * authority must have declared values, and every URL their combinations make must parse, use
 * https and reach an allowed host, with no variable left in its authority.
 */
function templateViolation(hosts: readonly string[], raw: string, variables: unknown): string | undefined {
  // What the parser ignores anyway: tabs and newlines anywhere, C0 controls and spaces around.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the URL parser's own trimming
  const url = raw.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  const end = authorityEnd(url);
  const names = [...new Set([...url.matchAll(TEMPLATE_VARIABLE)].filter((m) => m.index < end).map((m) => m[1]!))];
  const choices: string[][] = [];
  for (const name of names) {
    const values = substitutions(variables, name);
    if (values === undefined) return `${USER_CHOSEN_HOST} ({${name}})`;
    choices.push(values);
  }
  const total = choices.reduce((n, values) => n * values.length, 1);
  if (total > MAX_TEMPLATE_EXPANSIONS) {
    return `the group's policy cannot check the ${total} hosts this template may reach (at most ${MAX_TEMPLATE_EXPANSIONS})`;
  }
  for (let k = 0; k < total; k++) {
    const chosen = new Map<string, string>();
    let rest = k;
    for (const [i, name] of names.entries()) {
      const values = choices[i]!;
      chosen.set(name, values[rest % values.length]!);
      rest = Math.floor(rest / values.length);
    }
    // One pass, as a client substitutes: a value is never substituted again.
    const violation = concreteViolation(
      hosts,
      url.replace(TEMPLATE_VARIABLE, (whole, name: string) => chosen.get(name) ?? whole),
    );
    if (violation !== undefined) return violation;
  }
  return undefined;
}

/** Why one substituted remote URL does not pass allowed hosts, if it does not. */
function concreteViolation(hosts: readonly string[], url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return NO_HOST;
  }
  if (parsed.protocol !== "https:") return HTTPS_ONLY;
  // A variable still in the authority (a value that is itself a template, or one read as path
  // text above): its substitution is not known.
  if (/[{}]|%7b|%7d/i.test(`${parsed.username}:${parsed.password}@${parsed.hostname}`)) return USER_CHOSEN_HOST;
  return hostAllowed(hosts, parsed.hostname) ? undefined : notAllowed(parsed.hostname);
}
