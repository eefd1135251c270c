// Property-based fuzzing of every route: random methods, paths (with real and random names,
// percent-encodings, long and invalid segments), query strings, headers and bodies (deep, wide,
// long, invalid UTF-8, NUL), without a token or with a real one scoped to an empty namespace.
// Whatever arrives, the answer is never a 5xx, every error is problem+json within the size cap
// (the site's pages answer HTML error pages, the MCP endpoint JSON-RPC errors),
// and nothing is written: no catalogue row, report, denylist entry or review mark changes, and
// the audit trail gains nothing but token exchanges and refusals. The governance routes (groups,
// members, approvals, tokens, the /groups/{group}/ views, RFC 9728 metadata) get their own run
// with bodies shaped like theirs, called by a group member who may read but change nothing.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createGroup, createToken, githubToken, orgAdminToken, personalToken, putMember } from "./helpers/groups.ts";
import { groupPublish } from "./helpers/group-writes.ts";
import { tokenFor } from "./helpers/publishing.ts";
import { api, loadFixtures, serverJson } from "./helpers/registry.ts";

/** No problem reply may be larger than this (issue 9: bounded error replies). */
const MAX_PROBLEM_BYTES = 64 * 1024;
const RUNS = 400;
/** An error page of the site (HTML) is bounded too. */
const MAX_PAGE_BYTES = 128 * 1024;

const KNOWN = ["io.github.fuzz/alpha", "com.example.fuzz/beta", "com.fuzz-claimed/secret"];
/** Groups made in beforeAll: the fuzzing member is a viewer of one, a publisher of the other. */
const GROUPS = ["fuzz-private", "fuzz-public"];

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PROPFIND"];

/** Route templates; `{name}`, `{version}` and `{id}` are filled by the generators below. */
const TEMPLATES = [
  "/",
  "/docs",
  "/openapi.json",
  "/openapi.yaml",
  "/mcp",
  "/guide",
  "/maintain",
  "/maintain/{segment}",
  "/sign-in",
  "/sign-out",
  "/server/{name}",
  "/server/{name}/report",
  "/static/{segment}",
  "/{prefix}/health",
  "/{prefix}/ping",
  "/{prefix}/version",
  "/{prefix}/servers",
  "/{prefix}/servers/{name}/versions",
  "/{prefix}/servers/{name}/versions/{version}",
  "/{prefix}/servers/{name}/versions/{version}/status",
  "/{prefix}/servers/{name}/status",
  "/{prefix}/publish",
  "/{prefix}/validate",
  "/{prefix}/auth/github-at",
  "/{prefix}/auth/github-oidc",
  "/{prefix}/auth/dns",
  "/{prefix}/auth/http",
  "/{prefix}/auth/oidc",
  "/{prefix}/auth/none",
  "/x/search",
  "/x/reports",
  "/x/moderation-log",
  "/x/admin/reports",
  "/x/admin/reports/{id}/resolve",
  "/x/admin/denylist",
  "/x/admin/audit",
  "/x/admin/auth-failures",
  "/x/{segment}",
  "/{segment}/{segment}",
  ...[
    "/x/admin/groups",
    "/x/admin/groups/{group}",
    "/x/admin/groups/{group}/members",
    "/x/admin/groups/{group}/members/{member}",
    "/x/admin/groups/{group}/pending",
    "/x/admin/groups/{group}/pending/{name}/{version}",
    "/x/tokens",
    "/x/tokens/{id}",
    "/groups/{group}/{prefix}/servers",
    "/groups/{group}/{prefix}/servers/{name}/versions/{version}",
    "/groups/{group}/{prefix}/publish",
    "/groups/{group}/x/search",
    "/groups/{group}/",
    "/groups/{group}/server/{name}",
    "/groups/{group}/maintain",
    "/groups/{group}/mcp",
    "/.well-known/oauth-protected-resource",
    "/.well-known/oauth-protected-resource/groups/{group}",
  ],
];

/** The governance routes and the group views with the methods they serve (the second property). */
const GOVERNANCE_ROUTES: [string, string][] = [
  ["POST", "/x/admin/groups"],
  ["GET", "/x/admin/groups"],
  ["GET", "/x/admin/groups/{group}"],
  ["PATCH", "/x/admin/groups/{group}"],
  ["DELETE", "/x/admin/groups/{group}"],
  ["GET", "/x/admin/groups/{group}/{segment}"],
  ["GET", "/x/admin/groups/{group}/members"],
  ["PUT", "/x/admin/groups/{group}/members/{member}"],
  ["DELETE", "/x/admin/groups/{group}/members/{member}"],
  ["GET", "/x/admin/groups/{group}/pending"],
  ["POST", "/x/admin/groups/{group}/pending/{name}/{version}"],
  ["POST", "/x/admin/groups/{group}/pending/{name}"],
  ["POST", "/x/tokens"],
  ["GET", "/x/tokens"],
  ["DELETE", "/x/tokens/{id}"],
  ["DELETE", "/x/tokens/{id}/{segment}"],
  ["GET", "/groups/{group}"],
  ["GET", "/groups/{group}/{segment}"],
  ["GET", "/groups/{group}/{prefix}/health"],
  ["GET", "/groups/{group}/{prefix}/servers"],
  ["GET", "/groups/{group}/{prefix}/servers/{name}/versions"],
  ["GET", "/groups/{group}/{prefix}/servers/{name}/versions/{version}"],
  ["PUT", "/groups/{group}/{prefix}/servers/{name}/versions/{version}"],
  ["PATCH", "/groups/{group}/{prefix}/servers/{name}/versions/{version}/status"],
  ["PATCH", "/groups/{group}/{prefix}/servers/{name}/status"],
  ["POST", "/groups/{group}/{prefix}/publish"],
  ["POST", "/groups/{group}/{prefix}/validate"],
  ["POST", "/groups/{group}/{prefix}/auth/github-at"],
  ["POST", "/groups/{group}/{prefix}/auth/none"],
  ["GET", "/groups/{group}/x/search"],
  ["GET", "/groups/{group}/x/moderation-log"],
  ["GET", "/.well-known/oauth-protected-resource"],
  ["GET", "/.well-known/oauth-protected-resource/groups/{group}"],
  ["GET", "/.well-known/oauth-protected-resource/{segment}"],
];

const QUERY_KEYS = [
  "purge",
  "group",
  "all",
  "limit",
  "cursor",
  "search",
  "version",
  "updated_since",
  "include_deleted",
  "q",
  "registryType",
  "transport",
  "hosting",
  "namespace",
  "status",
  "name",
  "kind",
  "value",
  "since",
  "actor",
  "action",
];

/** Percent-encodes some characters, leaves others raw, and sometimes breaks the encoding. */
const encodedSegment = (raw: fc.Arbitrary<string>) =>
  fc.tuple(raw, fc.constantFrom("encode", "raw", "broken", "double")).map(([s, how]) => {
    if (how === "encode") return encodeURIComponent(s);
    if (how === "double") return encodeURIComponent(encodeURIComponent(s));
    if (how === "broken") return `${encodeURIComponent(s)}%${s.length % 2 === 0 ? "ZZ" : "C3%28"}%FF`;
    return s.replace(/[?#]/g, "");
  });

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer({ min: 1, max: 5000 }).map((n) => "x".repeat(n)),
  fc.constantFrom("latest", "1.0.0", "..", ".", "%00", "\u0000", "a:b", "o:9", "2025-01-01T00:00:00Z", "true", "*"),
);

const nameSegment = fc.oneof(
  fc.constantFrom(...KNOWN).map(encodeURIComponent),
  encodedSegment(fc.oneof(anyText, fc.constantFrom(...KNOWN))),
);

/** Real groups, names a group could have, and anything else. */
const groupSegment = fc.oneof(
  { arbitrary: fc.constantFrom(...GROUPS), weight: 4 },
  fc.constantFrom("no-such-group", "a".repeat(64), "A", "-x", "x".repeat(63)),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
  encodedSegment(anyText),
);

const memberSegment = fc.oneof(
  fc
    .constantFrom("github:fuzz-member", "GitHub:Someone", "idp:team", "oidc:sub", "a@b.example", "none:anonymous")
    .map(encodeURIComponent),
  encodedSegment(anyText),
);

const idSegment = fc.oneof(
  fc.constantFrom("tok_0123456789abcdef", "tok_", "tok_ZZZZZZZZZZZZZZZZ"),
  encodedSegment(anyText),
);

/** Fills a template's placeholders; a trailing slash one time in `slashOneIn`. */
const filledPath = (templates: fc.Arbitrary<string>, prefixes: fc.Arbitrary<string>, slashOneIn: number) =>
  fc
    .tuple(
      templates,
      prefixes,
      nameSegment,
      encodedSegment(anyText),
      idSegment,
      encodedSegment(anyText),
      groupSegment,
      memberSegment,
      fc.integer({ min: 1, max: slashOneIn }).map((n) => n === 1),
    )
    .map(([template, prefix, name, version, id, segment, group, member, slash]) => {
      const filled = template
        .replace("{prefix}", prefix)
        .replace("{name}", name)
        .replace("{version}", version)
        .replace("{id}", id)
        .replace("{group}", group)
        .replace("{member}", member)
        .replaceAll("{segment}", segment);
      return slash && filled !== "/" ? `${filled}/` : filled;
    });

const ANY_PREFIX = fc.constantFrom("v0", "v0.1", "v1", "V0");
const path = filledPath(fc.constantFrom(...TEMPLATES), ANY_PREFIX, 2);

/** Mostly each route's own method and an official prefix, so that requests reach the handlers. */
const governanceRequest: fc.Arbitrary<[string, string]> = fc
  .integer({ min: 0, max: GOVERNANCE_ROUTES.length - 1 })
  .chain((i) =>
    fc.tuple(
      fc.oneof({ arbitrary: fc.constant(GOVERNANCE_ROUTES[i]![0]), weight: 4 }, fc.constantFrom(...METHODS)),
      filledPath(
        fc.constant(GOVERNANCE_ROUTES[i]![1]),
        fc.oneof({ arbitrary: fc.constantFrom("v0", "v0.1"), weight: 4 }, ANY_PREFIX),
        10,
      ),
    ),
  );

const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), anyText), encodedSegment(anyText)), { maxLength: 6 })
  .map((pairs) => (pairs.length === 0 ? "" : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&")}`));

/** JSON nested `depth` levels inside one field. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom("[", '{"a":'), fc.constantFrom("name", "status", "kind"))
  .map(([depth, open, key]) => {
    const close = open === "[" ? "]" : "}";
    return `{"${key}":${open.repeat(depth)}1${close.repeat(depth)}}`;
  });

/** A server.json-like object with a random twist. */
const serverish = fc
  .record({
    $schema: fc.oneof(
      fc.constant("https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"),
      anyText,
    ),
    name: fc.oneof(fc.constantFrom(...KNOWN), anyText),
    description: anyText,
    version: fc.oneof(fc.constant("1.0.0"), anyText),
    packages: fc.oneof(
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }),
      fc.integer({ min: 1, max: 50_000 }).map((n) => Array.from({ length: n }, () => ({}))),
    ),
    remotes: fc.array(fc.record({ type: anyText, url: anyText }), { maxLength: 3 }),
  })
  .map((value) => JSON.stringify(value));

const body = fc.oneof(
  fc.constant(undefined),
  fc.constant(""),
  deep,
  serverish,
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  fc
    .record({ status: anyText, statusMessage: anyText, kind: anyText, value: anyText, reason: anyText })
    .map((v) => JSON.stringify(v)),
  anyText,
  fc.uint8Array({ maxLength: 2000 }),
  fc.integer({ min: 1, max: 200_000 }).map((n) => `{"description":"${"\u0000".repeat(n)}"}`),
);

/** Bodies shaped like the governance routes' (groups, members, tokens, decisions), twisted. */
const roleish = fc.oneof(fc.constantFrom("viewer", "publisher", "manager", "admin", "Viewer", ""), anyText);
const governanceBody = fc.oneof(
  body,
  fc
    .record(
      {
        name: fc.oneof(groupSegment, anyText),
        title: fc.oneof(anyText, fc.constant(null)),
        visibility: fc.oneof(fc.constantFrom("private", "public"), anyText),
        namespaces: fc.array(fc.oneof(fc.constantFrom("com.fuzz-claimed", "io.github.fuzz", "COM.X"), anyText), {
          maxLength: 4,
        }),
        include: fc.array(fc.oneof(fc.constantFrom("*", "io.github.*", "io.github.fuzz/alpha"), anyText), {
          maxLength: 4,
        }),
        requireApproval: fc.oneof(fc.boolean(), anyText),
        policy: fc.oneof(
          fc.constant(null),
          fc.record({
            registries: fc.array(anyText, { maxLength: 3 }),
            remoteHosts: fc.array(anyText, { maxLength: 3 }),
          }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.record({ role: roleish }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        name: anyText,
        kind: fc.oneof(fc.constantFrom("personal", "service"), anyText),
        group: fc.oneof(fc.constantFrom(...GROUPS), anyText),
        // Never a role the fuzzing member holds: a token they may mint would be a write.
        access: fc.oneof(
          fc.array(
            fc.record({
              group: fc.oneof(fc.constantFrom(...GROUPS), anyText),
              role: fc.oneof(fc.constant("manager"), anyText),
            }),
            { maxLength: 3 },
          ),
          fc.integer({ min: 1, max: 5000 }).map((n) => Array.from({ length: n }, () => ({ group: "x", role: "x" }))),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        expiresAt: fc.oneof(fc.constantFrom("2099-01-01T00:00:00Z", "2000-01-01T00:00:00Z"), anyText),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      { decision: fc.oneof(fc.constantFrom("approve", "reject"), anyText), message: anyText },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

/** A real registry token (publish and edit on a namespace that holds nothing), set in beforeAll. */
let scopedToken = "";
/** A group member's credentials (set in beforeAll): a registry token, a PAT, a VAT, a revoked PAT. */
const memberTokens: string[] = [];

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constant("scoped").map(() => `Bearer ${scopedToken}`),
      fc.integer({ min: 0, max: 3 }).map((i) => `Bearer ${memberTokens[i]}`),
      fc.constantFrom("Bearer mcpr_pat_", "Bearer mcpr_vat_x", "Bearer mcpr_pat_0000000000000000000000000000000000"),
      fc.constant("Bearer "),
      anyText.map((t) => `Bearer ${t}`),
      fc.constant("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
      anyText.map((t) => `Basic ${t}`),
    ),
    "content-type": fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "nonsense"),
    "cf-connecting-ip": fc.oneof(fc.ipV4(), fc.ipV6(), anyText),
    origin: fc.constantFrom("https://example.test", "null"),
    "access-control-request-method": fc.constantFrom(...METHODS),
  },
  { requiredKeys: [] },
);

/** Mostly the member's credentials, so that requests get past authentication. */
const memberHeaders = fc.record(
  {
    authorization: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 3 }).map((i) => `Bearer ${memberTokens[i]}`), weight: 6 },
      headers.map((h) => h.authorization ?? "Bearer "),
    ),
    "content-type": fc.constantFrom("application/json", "text/plain"),
  },
  { requiredKeys: ["authorization"] },
) as fc.Arbitrary<Record<string, string>>;

/** Header values a Headers object accepts (no CR, LF or NUL; Latin-1). */
function headerSafe(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.replace(/[^\x20-\x7e]/g, "_").slice(0, 4000);
  }
  return out;
}

async function writeCounts() {
  const tables = [
    "server_versions",
    "servers",
    "server_remotes",
    "reports",
    "review_marks",
    "denylist",
    "groups",
    "group_namespaces",
    "group_members",
    "api_tokens",
    "pending_versions",
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
    counts[table] = row?.n ?? 0;
  }
  const audit = await env.DB.prepare(
    "SELECT count(*) AS n FROM audit_log WHERE action <> 'token-exchange' AND outcome = 'ok'",
  ).first<{
    n: number;
  }>();
  counts.audit_log = audit?.n ?? 0;
  const revoked = await env.DB.prepare("SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NOT NULL").first<{
    n: number;
  }>();
  counts.revoked_tokens = revoked?.n ?? 0;
  const groups = await env.DB.prepare(
    "SELECT group_concat(name || ':' || updated_at || ':' || visibility, ',') AS v FROM groups",
  ).first<{ v: string | null }>();
  counts.group_versions = groups?.v?.length ?? 0;
  return counts;
}

/** Runs `runs` random requests; none may answer 5xx or a malformed, oversized problem. */
async function fuzzRequests(
  requests: fc.Arbitrary<[string, string]>,
  queries: fc.Arbitrary<string>,
  headerSets: fc.Arbitrary<Record<string, string>>,
  bodies: fc.Arbitrary<string | Uint8Array | undefined>,
  runs: number,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let refusedByTest = 0;
  await fc.assert(
    fc.asyncProperty(requests, queries, headerSets, bodies, async ([method, p], q, h, b) => {
      const init: RequestInit = { method, headers: headerSafe(h) };
      if (b !== undefined && method !== "GET" && method !== "HEAD") init.body = b;
      let response: Response;
      try {
        response = await api(`${p}${q}`, init);
      } catch (err) {
        // The test's own Request construction may refuse a URL or method: not the Worker's fault.
        if (err instanceof TypeError && /Invalid URL|method|header/i.test(err.message)) {
          refusedByTest++;
          return;
        }
        throw err;
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, `${method} ${p}${q}`).toBeLessThan(500);
      const type = response.headers.get("content-type") ?? "";
      if (response.status >= 400 && method !== "HEAD" && type.startsWith("text/html")) {
        // The site's pages answer errors as pages, under the same security headers, bounded.
        expect(response.headers.get("content-security-policy"), `${method} ${p}${q}`).toContain("script-src 'self'");
        expect(bytes.byteLength).toBeLessThanOrEqual(MAX_PAGE_BYTES);
      } else if (response.status >= 400 && method !== "HEAD" && /\/mcp\/?$/.test(p) && type === "application/json") {
        // The MCP endpoint answers protocol errors as JSON-RPC errors.
        const reply = JSON.parse(new TextDecoder().decode(bytes)) as { jsonrpc: string; error: { code: number } };
        expect(reply.jsonrpc).toBe("2.0");
        expect(typeof reply.error.code).toBe("number");
      } else if (response.status >= 400 && method !== "HEAD") {
        expect(type, `${method} ${p}${q}`).toBe("application/problem+json");
        expect(bytes.byteLength).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
        const problem = JSON.parse(new TextDecoder().decode(bytes)) as {
          status: number;
          title: string;
          detail: string;
        };
        expect(problem.status).toBe(response.status);
        expect(typeof problem.title).toBe("string");
        expect(typeof problem.detail).toBe("string");
      }
    }),
    { numRuns: runs, endOnFailure: true },
  );
  // The generators must reach the Worker, and reach it in many ways.
  expect(refusedByTest).toBeLessThan(runs / 4);
  return statuses;
}

describe("fuzzing every route", () => {
  beforeAll(async () => {
    scopedToken = await tokenFor([
      { action: "publish", resource: "com.fuzz-empty/*" },
      { action: "edit", resource: "com.fuzz-empty/*" },
    ]);
    await loadFixtures([
      { name: KNOWN[0]!, version: "1.0.0", publishedAt: "2025-06-01T00:00:00Z" },
      { name: KNOWN[1]!, version: "2.0.0", publishedAt: "2025-06-02T00:00:00Z" },
    ]);
    // Groups with a private server, and a member who may read both but change neither.
    const admin = await orgAdminToken();
    const setup = [
      await createGroup({
        name: GROUPS[0],
        visibility: "private",
        namespaces: ["com.fuzz-claimed"],
        include: ["io.github.fuzz/*"],
      }),
      await createGroup({
        name: GROUPS[1],
        visibility: "public",
        namespaces: ["com.fuzz-public"],
        include: ["*"],
        requireApproval: true,
        policy: { registries: ["npm"] },
      }),
      await putMember(GROUPS[0]!, "github:fuzz-member", "viewer", admin),
      await putMember(GROUPS[1]!, "github:fuzz-member", "publisher", admin),
      await groupPublish(GROUPS[0]!, admin, serverJson(KNOWN[2]!, "1.0.0")),
    ];
    expect(setup.map((r) => r.status)).toEqual([201, 201, 201, 201, 200]);
    const viewer = [{ group: GROUPS[0]!, role: "viewer" }];
    const vat = await createToken({ name: "fuzz bot", kind: "service", group: GROUPS[0], access: viewer }, admin);
    const revoked = await personalToken("fuzz-member", viewer);
    const member = await githubToken("fuzz-member");
    expect(
      (await api(`/x/tokens/${revoked.id}`, { method: "DELETE", headers: { authorization: `Bearer ${member}` } }))
        .status,
    ).toBe(200);
    memberTokens.push(member, (await personalToken("fuzz-member", viewer)).token, vat.body.token, revoked.token);
  });

  it("answers every request without a 5xx, with bounded problem+json errors, and writes nothing", async () => {
    const before = await writeCounts();
    const requests = fc.tuple(fc.constantFrom(...METHODS), path);
    const statuses = await fuzzRequests(requests, query, headers as fc.Arbitrary<Record<string, string>>, body, RUNS);
    expect(await writeCounts()).toEqual(before);
    expect(statuses.size).toBeGreaterThanOrEqual(5);
  });

  it("the governance routes and group views too, called by a member who may change nothing", async () => {
    const before = await writeCounts();
    const queries = fc.oneof({ arbitrary: fc.constant(""), weight: 2 }, query);
    const statuses = await fuzzRequests(governanceRequest, queries, memberHeaders, governanceBody, RUNS);
    expect(await writeCounts()).toEqual(before);
    // Reached past the routing: reads (200), refusals (401, 403, 404), bad bodies (400, 422).
    const seen = JSON.stringify(Object.fromEntries(statuses));
    for (const status of [200, 401, 403, 404, 422])
      expect(statuses.get(status) ?? 0, `${status} in ${seen}`).toBeGreaterThan(0);
  });
});
