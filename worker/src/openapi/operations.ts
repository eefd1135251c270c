// What the OpenAPI document says of each route: its summary, who may call it, its parameters, its
// body and what it answers. Keyed by method and path as http/router.ts routes them (the official
// prefix written {p}); document.ts walks the router's own table and fails on a route missing here
// or an entry no route has, so the two cannot drift apart.
import * as v from "valibot";
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT } from "../domain/change-feed.ts";
import { DENYLIST_KINDS } from "../domain/denylist.ts";
import { PACKAGE_REGISTRY_TYPES } from "../domain/denylist-packages.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../domain/list-query.ts";
import { DELIVERIES_DEFAULT_LIMIT, DELIVERIES_MAX_LIMIT } from "../domain/webhooks.ts";
import type { ComponentName } from "./components.ts";

export const TAGS = [
  { name: "Servers", description: "Discovery: the official list, versions and detail reads (`/v0.1`, `/v0`)." },
  { name: "Publishing", description: "The official writes: publish, validate, status changes, administrators' edits." },
  { name: "Authentication", description: "Token exchanges: a proof of a namespace for a 5-minute registry token." },
  { name: "Service", description: "Liveness and build information." },
  { name: "Search", description: "Ranked search with facets (our extension, under `/x/`)." },
  { name: "Change feed", description: "Every change in commit order, for mirrors and sync." },
  { name: "Moderation", description: "Community reports, the review queue, the denylist and the audit trail." },
  { name: "Groups", description: "Private sub-registries: groups, members and publishes awaiting approval." },
  { name: "Tokens", description: "Personal (PAT) and service (VAT) API tokens." },
  { name: "Sync", description: "Upstream registries mirrored here, and change-feed webhooks." },
  { name: "Discovery", description: "Metadata for OAuth clients (RFC 9728)." },
  { name: "Reference", description: "This document." },
] as const;

export type Tag = (typeof TAGS)[number]["name"];

/**
 * Who may call: "none" takes no token; "optional" reads one when sent (a bad one is 401); "required"
 * answers 401 without one.
 */
export type Auth = "none" | "optional" | "required";

export interface QueryParam {
  name: string;
  schema: v.GenericSchema;
  description: string;
  /** An array sent as one comma-separated value (`style: form, explode: false`). */
  commaList?: boolean;
}

export interface Success {
  status: number;
  description: string;
  /** The body's component(s): several are alternatives (oneOf); none: no body. */
  body?: ComponentName | readonly ComponentName[];
}

export interface OperationSpec {
  /** The operationId at the root's /v0.1 (or /x/); other prefixes add a suffix. */
  id: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth: Auth;
  query?: readonly QueryParam[];
  body?: { schema: ComponentName; required?: boolean; description?: string };
  /** Answered with an ETag and Cache-Control, and 304 to a matching If-None-Match. */
  conditional?: boolean;
  ok: readonly Success[];
  /** Error statuses it really answers, each with what it means here (or the default text). */
  errors: Readonly<Record<number, string | true>>;
}

/** The text of an error status when an operation gives none of its own. */
export const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: "Bad request: the body is missing or is not JSON (too deep or too large included), or the operation's own rules refused it (`detail`, `errors[].message`).",
  401: "No valid token: missing, malformed, expired, revoked or not verifiable.",
  403: "The token's permissions or the caller's role do not allow this.",
  404: "Not found.",
  409: "Conflict with the current state (retrying after a concurrent change may succeed).",
  410: "Gone.",
  413: "The body is larger than 1 MiB.",
  422: "Validation failed: a parameter, header or the body breaks its schema; `errors[]` names each `location`.",
  429: "Over a rate limit: retry after `Retry-After` seconds.",
  503: "The database or a namespace's writer is unavailable: retry after `Retry-After` seconds (a write that landed is then refused as a duplicate).",
};

// Query parameters ----------------------------------------------------------------------------

const integerFrom1 = (max: number, fallback: number) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max)), fallback);

const limit = (fallback: number, max: number): QueryParam => ({
  name: "limit",
  schema: integerFrom1(max, fallback),
  description: `Items per page, 1 to ${max}.`,
});
const cursor = (what = "Where the previous page ended: its `metadata.nextCursor`."): QueryParam => ({
  name: "cursor",
  schema: v.string(),
  description: what,
});
const includeDeleted: QueryParam = {
  name: "include_deleted",
  schema: v.optional(v.boolean(), false),
  description: "Include deleted versions.",
};
const rfc3339 = v.pipe(v.string(), v.isoTimestamp());
const text = (name: string, description: string): QueryParam => ({ name, schema: v.string(), description });

/** A comma list of known values, as /x/search reads its filters (case-insensitive). */
const oneOfList = (name: string, values: readonly [string, ...string[]], description: string): QueryParam => ({
  name,
  schema: v.array(v.picklist(values)),
  description,
  commaList: true,
});

// Shared descriptions -------------------------------------------------------------------------

const WRITE_FRAMEWORK =
  "The framework layer runs first, as in the official registry: a missing `Authorization` header and a body that breaks its model are one 422, before any token is checked.";
const SERVER_NOT_FOUND = "No such server or version (or one this view does not show).";
const GROUP_NOT_FOUND = "No such group, or one the caller holds no role in.";
const SERVER_JSON_BODY = { schema: "ServerJson", description: "A server.json (its body model: strict keys)." } as const;

/** An exchange of a proof for a registry token (spec §10.4). */
function exchange(
  id: string,
  summary: string,
  description: string,
  body?: ComponentName,
  extra: Record<number, string> = {},
): OperationSpec {
  const bodyErrors: Record<number, true> = body === undefined ? {} : { 400: true, 413: true, 422: true };
  return {
    id,
    tag: "Authentication",
    summary,
    description: `${description} Identical under every prefix and every group (a token is not bound to a group).`,
    auth: "none",
    ...(body === undefined ? {} : { body: { schema: body } }),
    ok: [{ status: 200, description: "A registry token.", body: "RegistryToken" }],
    errors: {
      ...bodyErrors,
      401: "The proof was refused (`errors[0].message` says why).",
      429: true,
      503: true,
      ...extra,
    },
  };
}

const DISABLED = { 404: "This exchange is switched off on this deployment." };

// The operations ------------------------------------------------------------------------------

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  "GET {p}/health": {
    id: "health",
    tag: "Service",
    summary: "Liveness",
    auth: "none",
    ok: [{ status: 200, description: "The service answers.", body: "Health" }],
    errors: {},
  },
  "GET {p}/ping": {
    id: "ping",
    tag: "Service",
    summary: "Ping",
    auth: "none",
    ok: [{ status: 200, description: "Pong.", body: "Ping" }],
    errors: {},
  },
  "GET {p}/version": {
    id: "version",
    tag: "Service",
    summary: "Build information",
    auth: "none",
    ok: [{ status: 200, description: "The deployed build.", body: "BuildInfo" }],
    errors: {},
  },
  "GET {p}/servers": {
    id: "listServers",
    tag: "Servers",
    summary: "List server versions",
    description:
      "Every visible version row, sorted by (name, version). `updated_since` turns it into an incremental sync (deleted rows included); `version=latest` keeps each server's latest version.",
    auth: "none",
    conditional: true,
    query: [
      cursor("The `metadata.nextCursor` of the previous page (`name:version` of its last row)."),
      limit(DEFAULT_LIMIT, MAX_LIMIT),
      text("search", "Case-insensitive substring of the name (`%` and `_` are literal)."),
      {
        name: "updated_since",
        schema: rfc3339,
        description: "RFC 3339: only rows updated strictly after it (deleted rows included).",
      },
      text("version", "`latest`, or an exact version."),
      includeDeleted,
    ],
    ok: [{ status: 200, description: "A page of versions.", body: "ServerList" }],
    errors: {
      400: "`updated_since` is not RFC 3339, or is combined with `include_deleted=false`.",
      422: true,
      503: true,
    },
  },
  "GET {p}/servers/:name/versions": {
    id: "listServerVersions",
    tag: "Servers",
    summary: "List the versions of one server",
    description: "Every visible version of the server, newest publish first.",
    auth: "none",
    conditional: true,
    query: [includeDeleted],
    ok: [{ status: 200, description: "Its versions.", body: "ServerList" }],
    errors: { 404: SERVER_NOT_FOUND, 422: true, 503: true },
  },
  "GET {p}/servers/:name/versions/:version": {
    id: "getServerVersion",
    tag: "Servers",
    summary: "Get one version",
    description: "One version of a server; the version `latest` resolves to its latest version.",
    auth: "none",
    conditional: true,
    query: [includeDeleted],
    ok: [{ status: 200, description: "The version.", body: "ServerResponse" }],
    errors: { 404: SERVER_NOT_FOUND, 422: true, 503: true },
  },
  "POST {p}/publish": {
    id: "publishServer",
    tag: "Publishing",
    summary: "Publish a version",
    description: `Publishes a new version of a server (\`publish\` permission on its name; in a group, the publisher role and one of the group's namespaces). Versions are immutable. ${WRITE_FRAMEWORK}`,
    auth: "required",
    body: SERVER_JSON_BODY,
    ok: [
      { status: 200, description: "Published: the stored version.", body: "ServerResponse" },
      {
        status: 202,
        description: "In a group that requires approval: submitted, awaiting a manager's decision.",
        body: "PendingVersion",
      },
    ],
    errors: {
      400: "Refused by a publishing rule: duplicate version, remote URL used by another server, package ownership, publisher `_meta` over 4 KB, the group's admission policy… (`errors[0].message`).",
      401: true,
      403: "No permission on the name, a denylisted name, package or host, or a namespace claimed by a group.",
      409: "A concurrent change of the same server (retry), or the version already awaits approval.",
      413: true,
      422: "The body model or the semantic rules refused it (call /validate for the full report).",
      429: true,
      503: true,
    },
  },
  "POST {p}/validate": {
    id: "validateServer",
    tag: "Publishing",
    summary: "Validate a server.json",
    description:
      "Runs every schema and semantic rule and reports the issues; no token, nothing stored. Limited per address.",
    auth: "none",
    body: SERVER_JSON_BODY,
    ok: [{ status: 200, description: "The report (also when it finds errors).", body: "ValidationReport" }],
    errors: { 400: true, 413: true, 422: "The body model refused it.", 429: true },
  },
  "PUT {p}/servers/:name/versions/:version": {
    id: "editServerVersion",
    tag: "Publishing",
    summary: "Edit a stored version",
    description: `Administrators' edit of a stored version (\`edit\` permission; in a group, its managers and its own servers). The body keeps the same name and version. ${WRITE_FRAMEWORK}`,
    auth: "required",
    body: SERVER_JSON_BODY,
    ok: [{ status: 200, description: "The edited version.", body: "ServerResponse" }],
    errors: {
      400: "A rename, a version that does not match the path, or a publishing rule.",
      401: true,
      403: true,
      404: SERVER_NOT_FOUND,
      409: true,
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "PATCH {p}/servers/:name/versions/:version/status": {
    id: "setVersionStatus",
    tag: "Publishing",
    summary: "Set the status of one version",
    description: `\`active\`, \`deprecated\` or \`deleted\`, with an optional message (\`publish\` or \`edit\` permission). ${WRITE_FRAMEWORK}`,
    auth: "required",
    body: { schema: "StatusUpdate" },
    ok: [{ status: 200, description: "The version with its new status.", body: "ServerResponse" }],
    errors: {
      400: "Nothing to change, or a transition the rules refuse.",
      401: true,
      403: true,
      404: SERVER_NOT_FOUND,
      409: true,
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "PATCH {p}/servers/:name/status": {
    id: "setServerStatus",
    tag: "Publishing",
    summary: "Set the status of every version",
    description: `The same change for all versions of the server, at once. ${WRITE_FRAMEWORK}`,
    auth: "required",
    body: { schema: "StatusUpdate" },
    ok: [{ status: 200, description: "The versions changed.", body: "StatusAllResponse" }],
    errors: {
      400: "Nothing to change, or a transition the rules refuse.",
      401: true,
      403: true,
      404: SERVER_NOT_FOUND,
      409: true,
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "POST {p}/auth/github-at": exchange(
    "exchangeGitHubAccessToken",
    "Exchange a GitHub access token",
    "Grants `publish` on `io.github.<login>/*` and on `io.github.<org>/*` for organisations the user owns.",
    "GitHubTokenExchange",
  ),
  "POST {p}/auth/github-oidc": exchange(
    "exchangeGitHubOidcToken",
    "Exchange a GitHub Actions OIDC token",
    "Grants `publish` on `io.github.<repository_owner>/*`.",
    "OidcTokenExchange",
  ),
  "POST {p}/auth/dns": exchange(
    "exchangeDnsProof",
    "Prove a domain by DNS",
    "A signed timestamp checked against the `v=MCPv1` TXT record of the domain; grants `publish` on `<reversed domain>/*` and `<reversed domain>.*`.",
    "KeyProofExchange",
  ),
  "POST {p}/auth/http": exchange(
    "exchangeHttpProof",
    "Prove a domain by HTTP",
    "The same proof with the record at `https://<domain>/.well-known/mcp-registry-auth`; grants `publish` on `<reversed domain>/*`.",
    "KeyProofExchange",
  ),
  "POST {p}/auth/oidc": exchange(
    "exchangeOidcToken",
    "Exchange an OIDC ID token",
    "For administrators signing in with the organisation's identity provider (only when OIDC is enabled).",
    "OidcTokenExchange",
    DISABLED,
  ),
  "POST {p}/auth/none": exchange(
    "exchangeAnonymous",
    "Anonymous token",
    "Local development only (when anonymous auth is enabled): grants `io.modelcontextprotocol.anonymous/*`. Any body is ignored.",
    undefined,
    DISABLED,
  ),
  "GET /x/search": {
    id: "searchServers",
    tag: "Search",
    summary: "Ranked search",
    description:
      "Free text over names, titles, descriptions and packages (words, name fragments, prefixes, typos); one result per server (its latest visible version), with facet counts. Only computed queries count against the rate limit; repeated ones come from a cache.",
    auth: "none",
    conditional: true,
    query: [
      text("q", "The query text."),
      limit(20, 100),
      cursor("The `metadata.nextCursor` of the previous page (opaque)."),
      oneOfList("registryType", ["npm", "pypi", "oci", "nuget", "mcpb"], "Only servers with a package of these types."),
      oneOfList("transport", ["stdio", "streamable-http", "sse"], "Only servers offering one of these transports."),
      {
        name: "hosting",
        schema: v.picklist(["remote", "package"]),
        description: "Only servers with a remote, or only with a package.",
      },
      text("namespace", "Only servers of this namespace."),
      oneOfList("status", ["active", "deprecated"], "Statuses to include (default both)."),
    ],
    ok: [{ status: 200, description: "A page of results with facets.", body: "SearchResults" }],
    errors: { 422: true, 429: true, 503: true },
  },
  "GET /x/changes": {
    id: "listChanges",
    tag: "Change feed",
    summary: "Read the change feed",
    description:
      "Every change of the view (publish, status, deletion, edit, sweep, import, mirror) in commit order; cursors resume exactly and count only what the reader may see.",
    auth: "none",
    conditional: true,
    query: [
      text("after", "A `nextCursor` of a previous page; absent or `0`: from the start."),
      limit(FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT),
    ],
    ok: [{ status: 200, description: "A page of changes.", body: "ChangeFeedPage" }],
    errors: {
      410: "The cursor is ahead of the feed's end (the registry was restored), or was issued under other includes of the group: read again from `after=0`.",
      422: "An invalid cursor or limit.",
      503: true,
    },
  },
  "POST /x/reports": {
    id: "fileReport",
    tag: "Moderation",
    summary: "Report a server",
    description:
      "Anyone may report a visible server or version. Without a token the reporter is a salted hash of the address (weight 1); with one, its subject (weight 3). A reporter counts once per server.",
    auth: "optional",
    body: { schema: "ReportRequest" },
    ok: [{ status: 201, description: "Filed.", body: "ReportFiled" }],
    errors: { 400: true, 401: true, 404: SERVER_NOT_FOUND, 413: true, 422: true, 429: true, 503: true },
  },
  "GET /x/moderation-log": {
    id: "listModerationLog",
    tag: "Moderation",
    summary: "Moderation decisions",
    description: "Public: what was decided, on what, and the message; never who reported or decided.",
    auth: "none",
    query: [cursor(), limit(50, 500)],
    ok: [{ status: 200, description: "A page of decisions.", body: "ModerationLog" }],
    errors: { 422: true, 503: true },
  },
  "GET /x/admin/reports": {
    id: "listReports",
    tag: "Moderation",
    summary: "The review queue",
    description: "Reports on the names the caller may `edit` (`edit` on `*`: all).",
    auth: "required",
    query: [
      {
        name: "status",
        schema: v.optional(v.picklist(["open", "resolved"]), "open"),
        description: "Open or resolved reports.",
      },
      text("name", "Only reports on this server."),
      cursor(),
      limit(50, 500),
    ],
    ok: [{ status: 200, description: "A page of reports.", body: "ReportList" }],
    errors: { 401: true, 403: "No `edit` permission, or none on `name`.", 422: true, 503: true },
  },
  "POST /x/admin/reports/:id/resolve": {
    id: "resolveReport",
    tag: "Moderation",
    summary: "Resolve a report",
    description:
      "Resolves the report and every other open report of the server: dismiss, deprecate or delete every version (the message becomes their status message), or denylist the server.",
    auth: "required",
    body: { schema: "ResolveRequest" },
    ok: [{ status: 200, description: "Resolved.", body: "ResolveResult" }],
    errors: {
      400: true,
      401: true,
      403: "Outside the caller's `edit` scope.",
      404: "No such report.",
      409: "Already resolved.",
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/admin/denylist": {
    id: "listDenylist",
    tag: "Moderation",
    summary: "Denylist entries",
    description: "The entries the caller may manage.",
    auth: "required",
    ok: [{ status: 200, description: "The entries.", body: "DenylistList" }],
    errors: { 401: true, 403: true, 503: true },
  },
  "POST /x/admin/denylist": {
    id: "addDenylistEntry",
    tag: "Moderation",
    summary: "Add a denylist entry",
    description:
      "Blocks publishing what matches from now on, and deletes every matching version before answering. Values are stored in one canonical form.",
    auth: "required",
    body: { schema: "DenylistEntryRequest" },
    ok: [{ status: 201, description: "Added and swept.", body: "DenylistAdded" }],
    errors: {
      400: true,
      401: true,
      403: "Outside the caller's scope.",
      409: "Already denylisted.",
      413: true,
      422: "A value with no canonical form, or a bad field.",
      429: true,
      503: true,
    },
  },
  "DELETE /x/admin/denylist": {
    id: "removeDenylistEntry",
    tag: "Moderation",
    summary: "Remove a denylist entry",
    description:
      "Unblocks (restores nothing). The entry as GET lists it, in the body or as the query parameters `kind`, `value` and `registryType`.",
    auth: "required",
    query: [
      { name: "kind", schema: v.picklist(DENYLIST_KINDS), description: "The entry's kind (instead of a body)." },
      text("value", "The entry's value (instead of a body)."),
      {
        name: "registryType",
        schema: v.picklist(PACKAGE_REGISTRY_TYPES),
        description: "A package entry's registry type.",
      },
    ],
    body: { schema: "DenylistRemoveRequest", required: false, description: "Unless the query names the entry." },
    ok: [{ status: 200, description: "Removed.", body: "DenylistRemoved" }],
    errors: {
      400: true,
      401: true,
      403: "Outside the caller's scope.",
      404: "Not denylisted.",
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/admin/audit": {
    id: "listAuditLog",
    tag: "Moderation",
    summary: "The audit trail",
    description:
      "Every write and decision, and every refused write of an authenticated caller. Global maintainers only.",
    auth: "required",
    query: [
      text("namespace", "Only this stream."),
      text("actor", "Only this actor subject."),
      text("action", "Only this action."),
      { name: "since", schema: rfc3339, description: "RFC 3339: entries from then on." },
      cursor(),
      limit(100, 1000),
    ],
    ok: [{ status: 200, description: "A page of entries.", body: "AuditLog" }],
    errors: { 401: true, 403: "Not a global maintainer (`edit` on `*`).", 422: true, 503: true },
  },
  "GET /x/admin/auth-failures": {
    id: "listAuthFailures",
    tag: "Moderation",
    summary: "Failed token exchanges",
    description: "Counted per hour, method and status, newest hour first. Global maintainers only.",
    auth: "required",
    query: [{ name: "since", schema: rfc3339, description: "RFC 3339 (default: 24 hours ago)." }, limit(200, 1000)],
    ok: [{ status: 200, description: "The counts.", body: "AuthFailures" }],
    errors: { 401: true, 403: "Not a global maintainer (`edit` on `*`).", 422: true, 503: true },
  },
  "POST /x/admin/groups": {
    id: "createGroup",
    tag: "Groups",
    summary: "Create a group",
    description: "A private or public sub-registry claiming namespaces. Organisation administrators only.",
    auth: "required",
    body: { schema: "GroupCreateRequest" },
    ok: [{ status: 201, description: "Created.", body: "Group" }],
    errors: {
      400: true,
      401: true,
      403: true,
      409: "It exists, a claim conflicts, or the registry holds the most groups it may.",
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/admin/groups": {
    id: "listGroups",
    tag: "Groups",
    summary: "List groups",
    description: "The groups the caller holds a role in (administrators: all), with its access.",
    auth: "required",
    ok: [{ status: 200, description: "The groups.", body: "GroupList" }],
    errors: { 401: true, 503: true },
  },
  "GET /x/admin/groups/:group": {
    id: "getGroup",
    tag: "Groups",
    summary: "Get a group",
    auth: "required",
    ok: [{ status: 200, description: "The group.", body: "Group" }],
    errors: { 401: true, 404: GROUP_NOT_FOUND, 503: true },
  },
  "PATCH /x/admin/groups/:group": {
    id: "updateGroup",
    tag: "Groups",
    summary: "Change a group",
    description: "Managers change `title` and `include`; administrators everything. `null` clears title and policy.",
    auth: "required",
    body: { schema: "GroupPatchRequest" },
    ok: [{ status: 200, description: "The group as changed.", body: "Group" }],
    errors: {
      400: true,
      401: true,
      403: true,
      404: GROUP_NOT_FOUND,
      409: true,
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "DELETE /x/admin/groups/:group": {
    id: "deleteGroup",
    tag: "Groups",
    summary: "Delete a group",
    description:
      "Administrators only. Refused while it holds servers or pending versions, unless `purge=true` deletes them too.",
    auth: "required",
    query: [{ name: "purge", schema: v.optional(v.boolean(), false), description: "Delete its servers too." }],
    ok: [{ status: 200, description: "Deleted.", body: "GroupDeleted" }],
    errors: {
      401: true,
      403: true,
      404: GROUP_NOT_FOUND,
      409: "It still holds servers or pending versions.",
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/admin/groups/:group/members": {
    id: "listMembers",
    tag: "Groups",
    summary: "List members",
    description: "For the group's managers and administrators.",
    auth: "required",
    ok: [{ status: 200, description: "The members.", body: "MemberList" }],
    errors: { 401: true, 403: true, 404: GROUP_NOT_FOUND, 503: true },
  },
  "PUT /x/admin/groups/:group/members/:member": {
    id: "putMember",
    tag: "Groups",
    summary: "Add a member or change its role",
    description: "Managers give viewer and publisher to anyone who is not a manager; administrators anything.",
    auth: "required",
    body: { schema: "MemberRequest" },
    ok: [
      { status: 200, description: "The member's role changed.", body: "Member" },
      { status: 201, description: "A new member.", body: "Member" },
    ],
    errors: {
      400: true,
      401: true,
      403: true,
      404: GROUP_NOT_FOUND,
      409: "The group holds the most members it may.",
      413: true,
      422: "Not a member form, or a bad role.",
      429: true,
      503: true,
    },
  },
  "DELETE /x/admin/groups/:group/members/:member": {
    id: "removeMember",
    tag: "Groups",
    summary: "Remove a member",
    auth: "required",
    ok: [{ status: 200, description: "Removed.", body: "MemberRemoved" }],
    errors: {
      401: true,
      403: true,
      404: "No such group, or not a member.",
      409: true,
      422: "Not a member form.",
      429: true,
      503: true,
    },
  },
  "GET /x/admin/groups/:group/pending": {
    id: "listPending",
    tag: "Groups",
    summary: "Publishes awaiting approval",
    description: "Oldest first. For the group's managers.",
    auth: "required",
    query: [cursor(), limit(50, 500)],
    ok: [{ status: 200, description: "A page of pending versions.", body: "PendingList" }],
    errors: { 401: true, 403: true, 404: GROUP_NOT_FOUND, 422: true, 503: true },
  },
  "POST /x/admin/groups/:group/pending/:name/:version": {
    id: "decidePending",
    tag: "Groups",
    summary: "Approve or reject a pending version",
    auth: "required",
    body: { schema: "PendingDecisionRequest" },
    ok: [
      {
        status: 200,
        description: "Approved (the published version) or rejected.",
        body: ["ServerResponse", "PendingRejected"],
      },
    ],
    errors: {
      400: "The group's admission policy refuses it now.",
      401: true,
      403: true,
      404: "No such group or pending version.",
      409: true,
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "POST /x/tokens": {
    id: "createToken",
    tag: "Tokens",
    summary: "Create an API token",
    description:
      "A personal token (made with a sign-in, never above the person's roles) or a service token of a group (by its managers, at most publisher). The secret is answered once.",
    auth: "required",
    body: { schema: "TokenCreateRequest" },
    ok: [{ status: 201, description: "Created, with its secret.", body: "ApiTokenCreated" }],
    errors: {
      400: true,
      401: true,
      403: true,
      404: GROUP_NOT_FOUND,
      409: "At the cap of active tokens.",
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/tokens": {
    id: "listTokens",
    tag: "Tokens",
    summary: "List API tokens",
    description: "The caller's personal tokens (a personal token: itself), or with `group` the group's service tokens.",
    auth: "required",
    query: [text("group", "A group whose service tokens to list (its managers)."), cursor(), limit(100, 1000)],
    ok: [{ status: 200, description: "A page of tokens, without secrets.", body: "ApiTokenList" }],
    errors: { 401: true, 403: true, 404: GROUP_NOT_FOUND, 422: true, 503: true },
  },
  "DELETE /x/tokens/:id": {
    id: "revokeToken",
    tag: "Tokens",
    summary: "Revoke an API token",
    description: "Effective at once. Revoking a revoked token answers it as it is.",
    auth: "required",
    ok: [{ status: 200, description: "The token, revoked.", body: "ApiToken" }],
    errors: { 401: true, 404: "No such token, or one the caller may not revoke.", 409: true, 429: true, 503: true },
  },
  "POST /x/admin/sources": {
    id: "createSource",
    tag: "Sync",
    summary: "Register an upstream source",
    description:
      "A registry speaking the official API, mirrored into the public catalogue or a group by the cron. Organisation administrators only.",
    auth: "required",
    body: { schema: "SourceCreateRequest" },
    ok: [{ status: 201, description: "Registered.", body: "Source" }],
    errors: {
      400: true,
      401: true,
      403: true,
      409: "The URL has a source already, or the registry holds the most sources it may.",
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/admin/sources": {
    id: "listSources",
    tag: "Sync",
    summary: "List upstream sources",
    description: "Every source with its mirroring state.",
    auth: "required",
    ok: [{ status: 200, description: "The sources.", body: "SourceList" }],
    errors: { 401: true, 403: true, 503: true },
  },
  "DELETE /x/admin/sources/:id": {
    id: "deleteSource",
    tag: "Sync",
    summary: "Delete an upstream source",
    description: "Stops mirroring; mirrored versions stay.",
    auth: "required",
    ok: [{ status: 200, description: "The deleted source.", body: "Source" }],
    errors: { 401: true, 403: true, 404: "No such source.", 429: true, 503: true },
  },
  "POST /x/admin/sources/:id/sync": {
    id: "syncSource",
    tag: "Sync",
    summary: "Run one mirroring step now",
    auth: "required",
    ok: [{ status: 200, description: "The source's state and what the step did.", body: "SourceSync" }],
    errors: { 401: true, 403: true, 404: "No such source.", 429: true, 503: true },
  },
  "POST /x/admin/webhooks": {
    id: "createWebhook",
    tag: "Sync",
    summary: "Subscribe a webhook",
    description:
      "Each matching change is POSTed, signed with HMAC-SHA256 of the secret (never answered), in feed order. Organisation administrators only.",
    auth: "required",
    body: { schema: "WebhookCreateRequest" },
    ok: [{ status: 201, description: "Subscribed.", body: "Webhook" }],
    errors: {
      400: true,
      401: true,
      403: true,
      409: "At the cap of subscriptions.",
      413: true,
      422: true,
      429: true,
      503: true,
    },
  },
  "GET /x/admin/webhooks": {
    id: "listWebhooks",
    tag: "Sync",
    summary: "List webhooks",
    auth: "required",
    ok: [{ status: 200, description: "The subscriptions.", body: "WebhookList" }],
    errors: { 401: true, 403: true, 503: true },
  },
  "DELETE /x/admin/webhooks/:id": {
    id: "deleteWebhook",
    tag: "Sync",
    summary: "Delete a webhook",
    description: "The subscription and its deliveries log.",
    auth: "required",
    ok: [{ status: 200, description: "Deleted.", body: "WebhookDeleted" }],
    errors: { 401: true, 403: true, 404: "No such subscription.", 429: true, 503: true },
  },
  "GET /x/admin/webhooks/:id/deliveries": {
    id: "listDeliveries",
    tag: "Sync",
    summary: "A webhook's deliveries",
    description: "Newest first.",
    auth: "required",
    query: [cursor(), limit(DELIVERIES_DEFAULT_LIMIT, DELIVERIES_MAX_LIMIT)],
    ok: [{ status: 200, description: "A page of deliveries.", body: "DeliveryList" }],
    errors: { 401: true, 403: true, 404: "No such subscription.", 422: true, 503: true },
  },
  "GET /.well-known/oauth-protected-resource": {
    id: "protectedResourceMetadata",
    tag: "Discovery",
    summary: "Protected resource metadata",
    description: "Where OAuth clients find the issuer of the access tokens this registry accepts.",
    auth: "none",
    ok: [{ status: 200, description: "The metadata.", body: "ProtectedResourceMetadata" }],
    errors: {},
  },
  "GET /.well-known/oauth-protected-resource/groups/:group": {
    id: "groupProtectedResourceMetadata",
    tag: "Discovery",
    summary: "A group's protected resource metadata",
    description: "Answered for every valid group name, existing or not.",
    auth: "none",
    ok: [{ status: 200, description: "The metadata.", body: "ProtectedResourceMetadata" }],
    errors: { 404: "Not a valid group name." },
  },
};

/** Path parameters, by their name in the router. */
export const PATH_PARAMS: Readonly<Record<string, { name: string; description: string }>> = {
  name: { name: "serverName", description: "The server name (`namespace/name`); its `/` is sent as `%2F`." },
  version: { name: "version", description: "A version of the server (a `+` is sent as `%2B`)." },
  group: { name: "group", description: "A group's name." },
  member: { name: "member", description: "github:<login>, oidc:<subject>, idp:<group>, an e-mail address…" },
  id: { name: "id", description: "The identifier the listing gives." },
};
