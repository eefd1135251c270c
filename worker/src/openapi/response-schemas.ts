// What the API answers, as valibot schemas: the routes render their bodies as JSON text (no
// schema runs on the way out), so these are the description the OpenAPI document gives of them,
// and test/openapi-responses-match-document.test.ts checks real answers of every route against
// it. Objects are strict: a field a route starts to answer fails that test until it is described.
import * as v from "valibot";
import { APPROVAL_META_KEY, DECISIONS } from "../domain/approvals.ts";
import { FEED_ACTIONS } from "../domain/change-feed.ts";
import { DENYLIST_KINDS } from "../domain/denylist.ts";
import { ROLES } from "../domain/groups.ts";
import { REPORT_REASONS, RESOLVE_ACTIONS } from "../domain/moderation.ts";
import { ServerJsonSchema } from "../domain/server-json/framework-schema.ts";
import { MIRROR_META_KEY, MODERATION_META_KEY, OFFICIAL_META_KEY } from "../domain/server-response.ts";

const described = <const T extends v.GenericSchema>(schema: T, text: string) => v.pipe(schema, v.description(text));

const integer = v.pipe(v.number(), v.integer());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** RFC 3339 in UTC with the fraction Go prints (microseconds, trailing zeros dropped). */
const timestamp = v.pipe(v.string(), v.isoTimestamp());
const nullableTimestamp = v.nullable(timestamp);

const STATUSES = ["active", "deprecated", "deleted"] as const;
const ACCESSES = [...ROLES, "admin"] as const;

// --- The official API --------------------------------------------------------------------

export const OfficialMeta = described(
  v.strictObject({
    status: v.picklist(STATUSES),
    statusChangedAt: timestamp,
    statusMessage: v.optional(v.string()),
    publishedAt: timestamp,
    updatedAt: timestamp,
    isLatest: v.boolean(),
  }),
  "The registry's metadata of a version (the official key).",
);

export const ModerationMeta = described(
  v.strictObject({ underReview: v.literal(true), since: timestamp }),
  "Present while the server's weighted open reports hold it under review.",
);

export const MirrorMeta = described(
  v.strictObject({ source: v.string(), upstreamUpdatedAt: timestamp }),
  "Present on a version mirrored from an upstream registry: where from, and its updatedAt there.",
);

export const ResponseMeta = v.strictObject({
  [OFFICIAL_META_KEY]: OfficialMeta,
  [MODERATION_META_KEY]: v.optional(ModerationMeta),
  [MIRROR_META_KEY]: v.optional(MirrorMeta),
});

export const ServerResponse = described(
  v.strictObject({ server: ServerJsonSchema, _meta: ResponseMeta }),
  "One version: its server.json as published, and the registry's metadata beside it.",
);

export const ServerList = described(
  v.strictObject({
    servers: v.array(ServerResponse),
    metadata: v.strictObject({
      count,
      nextCursor: v.optional(
        described(v.string(), "Present only on a full page: pass it as `cursor` for the next page."),
      ),
    }),
  }),
  "A page of versions.",
);

export const StatusAllResponse = v.strictObject({ updatedCount: count, servers: v.array(ServerResponse) });

export const ApprovalMeta = described(
  v.strictObject({
    state: v.literal("pending"),
    group: v.string(),
    submittedAt: timestamp,
    submittedBy: v.optional(described(v.string(), "The submitter; shown to the group's managers.")),
  }),
  "The approval state of a version that awaits a manager's decision.",
);

export const PendingVersion = described(
  v.strictObject({ server: ServerJsonSchema, _meta: v.strictObject({ [APPROVAL_META_KEY]: ApprovalMeta }) }),
  "A submitted version awaiting approval in a group that requires it.",
);

export const ValidationIssue = v.strictObject({
  type: v.picklist(["json", "schema", "semantic", "linter"]),
  path: described(v.string(), 'Where, e.g. "packages[0].transport.url".'),
  message: v.string(),
  severity: v.picklist(["error", "warning", "info"]),
  reference: described(v.string(), 'A rule slug, e.g. "version-looks-like-range".'),
});

export const ValidationReport = v.strictObject({
  valid: described(v.boolean(), "No issue of severity error."),
  issues: v.array(ValidationIssue),
});

export const RegistryToken = v.strictObject({
  registry_token: described(v.string(), "A registry JWT (Ed25519), for `Authorization: Bearer`."),
  expires_at: described(integer, "Unix seconds."),
});

export const Health = v.strictObject({
  status: v.literal("ok"),
  github_client_id: v.optional(described(v.string(), "For the GitHub device flow, when configured.")),
});

export const Ping = v.strictObject({ pong: v.literal(true) });

export const BuildInfo = v.strictObject({ version: v.string(), git_commit: v.string(), build_time: v.string() });

export const ProblemError = v.strictObject({
  message: v.string(),
  location: v.optional(described(v.string(), 'Where, e.g. "body.name", "query.limit".')),
  value: v.optional(described(v.unknown(), "The offending value (long values are cut).")),
});

export const Problem = described(
  v.strictObject({
    title: described(v.string(), "The HTTP reason phrase."),
    status: integer,
    detail: v.string(),
    errors: v.optional(v.array(ProblemError)),
  }),
  "An RFC 9457 problem (application/problem+json), in the official registry's shape.",
);

// --- Search and the change feed -----------------------------------------------------------

const counts = v.record(v.string(), count);

export const SearchResult = v.strictObject({
  server: ServerJsonSchema,
  _meta: ResponseMeta,
  score: described(v.number(), "Relevance; results come best first."),
});

export const SearchResults = v.strictObject({
  results: v.array(SearchResult),
  facets: described(
    v.strictObject({ registryType: counts, transport: counts, hosting: counts }),
    "Matches per filter value, over every match of the query.",
  ),
  metadata: v.strictObject({
    count,
    total: described(count, "Every server matching the query and filters."),
    nextCursor: v.optional(v.string()),
  }),
});

export const Change = v.strictObject({
  cursor: described(v.string(), "Resume after this change with `after=<cursor>`."),
  time: timestamp,
  name: v.string(),
  version: v.string(),
  action: v.picklist(FEED_ACTIONS),
  cause: v.optional(v.picklist(["denylist-sweep", "mirror", "import"])),
  server: v.optional(described(ServerJsonSchema, "Absent when the version left this view.")),
  _meta: ResponseMeta,
});

export const ChangeFeedPage = v.strictObject({
  changes: v.array(Change),
  metadata: v.strictObject({
    count,
    nextCursor: described(v.string(), "Always present: where the next poll starts."),
    more: described(v.boolean(), "The page was full: ask again at once."),
  }),
});

// --- Moderation ---------------------------------------------------------------------------

export const ReportFiled = v.strictObject({ id: v.string(), status: v.literal("open") });

export const Report = v.strictObject({
  id: v.string(),
  name: v.string(),
  version: v.optional(v.string()),
  reason: v.picklist(REPORT_REASONS),
  details: v.optional(v.string()),
  reporter: described(v.string(), "A token's subject, or a salted hash of the address."),
  weight: count,
  status: v.picklist(["open", "resolved"]),
  createdAt: timestamp,
  targetWeight: described(count, "The server's weighted open reports."),
  underReview: v.boolean(),
  resolution: v.optional(
    v.strictObject({
      action: v.picklist(RESOLVE_ACTIONS),
      message: v.nullable(v.string()),
      resolvedAt: nullableTimestamp,
    }),
  ),
});

const pageMetadata = v.strictObject({ count, nextCursor: v.optional(v.string()) });

export const ReportList = v.strictObject({ reports: v.array(Report), metadata: pageMetadata });

export const ResolveResult = v.strictObject({
  id: v.string(),
  status: v.literal("resolved"),
  action: v.picklist(RESOLVE_ACTIONS),
  name: v.string(),
  resolvedReports: described(v.array(v.string()), "Every open report of the server, resolved together."),
  changedVersions: v.array(v.strictObject({ version: v.string(), status: v.picklist(STATUSES) })),
});

export const Decision = v.strictObject({
  id: v.string(),
  time: timestamp,
  action: v.picklist([...RESOLVE_ACTIONS, "undenylist"]),
  // A resolution's target is a server; a denylist decision's, its entry (of any kind).
  target: v.strictObject({ kind: v.picklist(DENYLIST_KINDS), value: v.string() }),
  message: v.nullable(v.string()),
});

export const ModerationLog = v.strictObject({ decisions: v.array(Decision), metadata: pageMetadata });

const scope = described(v.array(v.string()), "The edit patterns of the scoped maintainer who added it.");

export const DenylistEntry = v.strictObject({
  kind: v.picklist(DENYLIST_KINDS),
  value: described(v.string(), "Canonical form (packages as <registryType>:<identity>)."),
  reason: v.string(),
  scope: v.optional(scope),
  createdAt: timestamp,
  createdBy: v.string(),
});

export const DenylistList = v.strictObject({ entries: v.array(DenylistEntry), metadata: v.strictObject({ count }) });

export const DenylistAdded = v.strictObject({
  kind: v.picklist(DENYLIST_KINDS),
  value: v.string(),
  reason: v.string(),
  scope: v.optional(scope),
  deleted: described(v.record(v.string(), v.array(v.string())), "Versions deleted by the sweep, by server name."),
  sweepComplete: v.optional(
    described(v.literal(false), "A namespace's writer could not be reached: the cron finishes the sweep."),
  ),
});

export const DenylistRemoved = v.strictObject({
  kind: v.picklist(DENYLIST_KINDS),
  value: v.string(),
  removed: v.literal(true),
});

export const AuditEntry = v.strictObject({
  id: v.string(),
  namespace: described(v.string(), 'The stream: a namespace, or "~auth", "~moderation", "~group:<name>"…'),
  seq: described(count, "Gapless within the stream."),
  time: timestamp,
  actor: v.strictObject({ method: v.string(), subject: v.string() }),
  action: v.string(),
  target: v.strictObject({ name: v.nullable(v.string()), version: v.nullable(v.string()) }),
  outcome: v.picklist(["ok", "denied", "failed"]),
  reason: v.optional(v.string()),
  requestId: v.nullable(v.string()),
  detail: v.optional(v.record(v.string(), v.unknown())),
});

export const AuditLog = v.strictObject({ entries: v.array(AuditEntry), metadata: pageMetadata });

export const AuthFailureCount = v.strictObject({
  hour: timestamp,
  method: v.string(),
  status: integer,
  count,
  audited: described(count, "How many of them have an audit entry of their own."),
  lastReason: v.nullable(v.string()),
  lastClaimed: v.nullable(v.string()),
  lastAt: timestamp,
});

export const AuthFailures = v.strictObject({
  failures: v.array(AuthFailureCount),
  metadata: v.strictObject({ count }),
});

// --- Groups, members, approvals, tokens ---------------------------------------------------

const policy = v.strictObject({
  registries: v.optional(v.array(v.string())),
  remoteHosts: v.optional(v.array(v.string())),
});

export const Group = v.strictObject({
  name: v.string(),
  title: v.nullable(v.string()),
  visibility: v.picklist(["private", "public"]),
  namespaces: described(v.array(v.string()), "The namespaces the group claims: their servers are private to it."),
  include: described(v.array(v.string()), "Public names or prefix* patterns its view shows."),
  requireApproval: v.boolean(),
  policy: v.nullable(described(policy, "What its publishers may publish (absent lists: anything).")),
  createdAt: timestamp,
  updatedAt: timestamp,
  createdBy: v.optional(described(v.string(), "Shown to its managers.")),
  access: described(v.picklist(ACCESSES), "What the caller holds in it."),
});

export const GroupList = v.strictObject({ groups: v.array(Group), metadata: v.strictObject({ count }) });

export const GroupDeleted = v.strictObject({
  name: v.string(),
  deleted: v.literal(true),
  purged: described(v.array(v.string()), "Names of the servers deleted with it (the first ones)."),
  purgedCount: count,
  pendingDeleted: count,
});

export const Member = v.strictObject({
  member: described(v.string(), "github:<login>, oidc:<subject>, idp:<group>, an e-mail…"),
  role: v.picklist(ROLES),
  addedAt: timestamp,
  addedBy: v.string(),
});

export const MemberList = v.strictObject({ members: v.array(Member), metadata: v.strictObject({ count }) });

export const MemberRemoved = v.strictObject({ ...Member.entries, removed: v.literal(true) });

export const PendingList = v.strictObject({ pending: v.array(PendingVersion), metadata: pageMetadata });

export const PendingRejected = v.strictObject({
  name: v.string(),
  version: v.string(),
  decision: v.literal(DECISIONS[1]),
});

const tokenEntries = {
  id: v.string(),
  name: v.string(),
  kind: v.picklist(["personal", "service"]),
  group: v.nullable(described(v.string(), "A service token's group.")),
  access: v.array(v.strictObject({ group: v.string(), role: v.picklist(ROLES) })),
  createdAt: timestamp,
  expiresAt: timestamp,
  lastUsedAt: nullableTimestamp,
  revokedAt: nullableTimestamp,
};

export const ApiToken = described(v.strictObject(tokenEntries), "A personal or service token, without its secret.");

export const ApiTokenCreated = v.strictObject({
  ...tokenEntries,
  token: described(v.string(), "The secret (mcpr_pat_… or mcpr_vat_…), shown this once."),
});

export const ApiTokenList = v.strictObject({ tokens: v.array(ApiToken), metadata: pageMetadata });

// --- Sync: sources, webhooks --------------------------------------------------------------

const sourceCounts = { added: count, updated: count, unchanged: count, skipped: count };

export const Source = v.strictObject({
  id: v.string(),
  url: v.string(),
  into: described(v.string(), '"public" or a group\'s name.'),
  include: v.array(v.string()),
  exclude: v.array(v.string()),
  createdAt: timestamp,
  createdBy: v.string(),
  mode: v.nullable(described(v.picklist(["feed", "list"]), "How it is read: its change feed, or list paging.")),
  position: v.nullable(v.string()),
  updatedSince: v.optional(nullableTimestamp),
  caughtUp: v.boolean(),
  lastAttemptAt: nullableTimestamp,
  lastSuccessAt: nullableTimestamp,
  caughtUpAt: nullableTimestamp,
  lagSeconds: v.nullable(count),
  lastError: v.nullable(v.string()),
  counts: v.strictObject(sourceCounts),
  recentSkips: v.array(
    v.strictObject({
      name: v.optional(v.string()),
      version: v.optional(v.string()),
      reason: v.string(),
      at: timestamp,
    }),
  ),
});

export const SourceList = v.strictObject({ sources: v.array(Source), metadata: v.strictObject({ count }) });

export const SourceSync = v.strictObject({
  source: Source,
  step: v.strictObject({
    pages: count,
    ...sourceCounts,
    caughtUp: v.boolean(),
    error: v.nullable(v.string()),
  }),
});

const webhookEntries = {
  id: v.string(),
  url: v.string(),
  events: described(v.array(v.string()), 'Feed actions, or ["*"].'),
  group: v.nullable(v.string()),
  createdAt: timestamp,
  createdBy: v.string(),
  delivering: described(v.boolean(), "A change is out for delivery now."),
};

export const Webhook = described(v.strictObject(webhookEntries), "A change-feed subscription (never its secret).");

export const WebhookList = v.strictObject({ webhooks: v.array(Webhook), metadata: v.strictObject({ count }) });

export const WebhookDeleted = v.strictObject({ ...webhookEntries, deleted: v.literal(true) });

export const Delivery = v.strictObject({
  id: v.string(),
  name: v.string(),
  version: v.string(),
  action: v.picklist(FEED_ACTIONS),
  state: v.picklist(["pending", "delivered", "dead"]),
  attempts: count,
  lastStatus: v.nullable(integer),
  lastError: v.nullable(v.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const DeliveryList = v.strictObject({ deliveries: v.array(Delivery), metadata: pageMetadata });

export const ProtectedResourceMetadata = described(
  v.strictObject({
    resource: v.string(),
    authorization_servers: v.array(v.string()),
    bearer_methods_supported: v.array(v.string()),
    resource_name: v.string(),
    resource_documentation: v.string(),
  }),
  "RFC 9728 protected resource metadata.",
);
