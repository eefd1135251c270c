// The leak test of issue 10, end to end through HTTP: an administrator sets up dev-mcps (private)
// and prod-mcps (public, curated) with members of every role, personal and service tokens;
// publishers publish private servers into both (some deprecated or deleted through the groups'
// status routes) and one into a group that requires approval. Then every public read path, each
// group's view and the other group's are crawled (all pages, every list and search parameter,
// facets, totals, errors): cold, warm, after a search index build, and after public writes that
// change the catalogue generation. Public answers must be byte-identical to the answers before
// any private server existed (or, later, after the groups are purged), each view's answers
// identical whatever private servers other groups hold, and no answer of any status may carry a
// private marker it does not own. Private groups and names answer like unknown ones.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSearchIndex } from "../worker/src/cron/build-search-index.ts";
import { CURRENT_SCHEMA_URL } from "../worker/src/domain/server-json/index.ts";
import {
  createGroup,
  createToken,
  deleteGroup,
  githubToken,
  listGroups,
  orgAdminToken,
  personalToken,
  putMember,
  revokeToken,
} from "./helpers/groups.ts";
import { groupPublish, listPendingOf, statusAt } from "./helpers/group-writes.ts";
import { denylistAdd, maintainerToken } from "./helpers/moderation.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { api, apiJson, loadFixtures, type FixtureVersion } from "./helpers/registry.ts";

const DEV = "dev-mcps";
const PROD = "prod-mcps";
const REVIEW = "review-mcps";
const DEV_NS = "com.acme.dev";
const PROD_NS = "com.acme.prod";
const REVIEW_NS = "com.acme.review";
// Every private string (name, title, description, package, remote host, status message, some
// versions) carries its group's marker.
const DEV_MARK = "zzsecretdev";
const PROD_MARK = "zzsecretprod";
const PENDING_MARK = "zzsecretpending";
const PREFIXES = ["/v0", "/v0.1"] as const;
/** Before every private publish: `updated_since` with it finds only later writes. */
const RECENT = new Date(Date.now() - 1000).toISOString();

// ---- the public catalogue ----------------------------------------------------------------

const npm = (identifier: string, version: string) => ({
  packages: [{ registryType: "npm", identifier, version, transport: { type: "stdio" } }],
});
const pypi = (identifier: string, version: string) => ({
  packages: [{ registryType: "pypi", identifier, version, transport: { type: "stdio" } }],
});
const remote = (url: string, type = "streamable-http") => ({ remotes: [{ type, url }] });

const PUBLIC: FixtureVersion[] = [
  {
    name: "io.github.modelcontextprotocol/filesystem",
    version: "1.0.0",
    publishedAt: "2025-03-01T00:00:00Z",
    extra: npm("@modelcontextprotocol/server-filesystem", "1.0.0"),
  },
  {
    name: "io.github.modelcontextprotocol/filesystem",
    version: "1.1.0",
    publishedAt: "2025-03-02T00:00:00Z",
    extra: npm("@modelcontextprotocol/server-filesystem", "1.1.0"),
  },
  {
    name: "io.github.modelcontextprotocol/everything",
    version: "1.0.0",
    publishedAt: "2025-03-03T00:00:00Z",
    extra: remote("https://everything.example.com/mcp"),
  },
  {
    name: "io.github.modelcontextprotocol/git",
    version: "0.9.0",
    status: "deleted",
    publishedAt: "2025-03-04T00:00:00Z",
  },
  {
    name: "io.github.modelcontextprotocol/git",
    version: "1.0.0",
    status: "deprecated",
    statusMessage: "use 2.x",
    publishedAt: "2025-03-05T00:00:00Z",
  },
  // A prefix of the included pattern's namespace, not inside it.
  { name: "io.github.modelcontextprotocol-community/fetch", version: "1.0.0", publishedAt: "2025-03-06T00:00:00Z" },
  {
    name: "com.example/weather",
    version: "1.0.0",
    publishedAt: "2025-03-07T00:00:00Z",
    extra: remote("https://weather.example.com/sse", "sse"),
  },
  {
    name: "com.example/weather",
    version: "2.0.0",
    publishedAt: "2025-03-08T00:00:00Z",
    extra: remote("https://weather.example.com/mcp"),
  },
  {
    name: "com.example/calendar",
    version: "1.0.0",
    publishedAt: "2025-03-09T00:00:00Z",
    extra: npm("@example/calendar", "1.0.0"),
  },
  {
    name: "io.github.someone/notes",
    version: "1.0.0",
    publishedAt: "2025-03-10T00:00:00Z",
    extra: pypi("notes-mcp", "1.0.0"),
  },
  { name: "io.github.someone/notes-extra", version: "1.0.0", publishedAt: "2025-03-11T00:00:00Z" },
  { name: "com.example/unapproved", version: "1.0.0", publishedAt: "2025-03-12T00:00:00Z" },
  { name: "net.other/tool", version: "1.0.0", status: "deleted", publishedAt: "2025-03-13T00:00:00Z" },
];
const APPROVED = ["com.example/weather", "com.example/calendar", "io.github.someone/notes"];
const PROD_INCLUDE = ["io.github.modelcontextprotocol/*", ...APPROVED];
const inProd = (name: string) => name.startsWith("io.github.modelcontextprotocol/") || APPROVED.includes(name);

// ---- the private servers -------------------------------------------------------------------

/** A private server.json: every field a client shows or searches carries the marker. */
function privateServer(namespace: string, mark: string, slug: string, version: string, kind: "npm" | "pypi") {
  const identifier = kind === "npm" ? `@acme/${mark}-${slug}` : `${mark}-${slug}`;
  return {
    $schema: CURRENT_SCHEMA_URL,
    name: `${namespace}/${mark}-${slug}`,
    title: `${mark} ${slug}`,
    description: `Internal ${mark} ${slug} server`,
    version,
    ...(kind === "npm" ? npm(identifier, version) : pypi(identifier, version)),
    remotes: [{ type: kind === "npm" ? "sse" : "streamable-http", url: `https://${mark}-${slug}.acme.example/mcp` }],
  };
}

const devName = (slug: string) => `${DEV_NS}/${DEV_MARK}-${slug}`;
const prodName = (slug: string) => `${PROD_NS}/${PROD_MARK}-${slug}`;
const PENDING_NAME = `${REVIEW_NS}/${PENDING_MARK}-x`;
const DEV_NAMES = [devName("alpha"), devName("beta"), devName("gone")];
const PROD_NAMES = [prodName("gamma"), prodName("delta")];
const PRIVATE_NAMES = [...DEV_NAMES, ...PROD_NAMES, PENDING_NAME];
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0", "1.0.1", `7.7.7-${DEV_MARK}.1`, `7.7.7-${PROD_MARK}.1`];

/** What is stored of each private version (status after the status changes). */
interface Stored {
  name: string;
  version: string;
  status: "active" | "deprecated" | "deleted";
}
const DEV_STORED: Stored[] = [
  { name: devName("alpha"), version: "1.0.0", status: "deprecated" },
  { name: devName("alpha"), version: "1.1.0", status: "active" },
  { name: devName("alpha"), version: `7.7.7-${DEV_MARK}.1`, status: "active" },
  { name: devName("beta"), version: "1.0.0", status: "active" },
  { name: devName("beta"), version: "2.0.0", status: "deleted" },
  { name: devName("gone"), version: "1.0.0", status: "deleted" },
];
const PROD_STORED: Stored[] = [
  { name: prodName("gamma"), version: "1.0.0", status: "deleted" },
  { name: prodName("gamma"), version: "1.0.1", status: "active" },
  { name: prodName("gamma"), version: `7.7.7-${PROD_MARK}.1`, status: "active" },
  { name: prodName("delta"), version: "1.0.0", status: "deprecated" },
];

// ---- callers ---------------------------------------------------------------------------------

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
const ANONYMOUS: RequestInit = {};
/** Tokens made in beforeAll (registry JWTs live 5 minutes: longer than this file runs). */
const tokens: Record<string, string> = {};

// ---- reading and recording ------------------------------------------------------------------

/** Answers of one crawl: request (method, path inside its base) → status and body. */
type Snapshot = Map<string, string>;

/** The patterns an answer in a crawl must not contain (whatever its status). */
type Forbidden = readonly string[];

const ALL_SECRETS: Forbidden = ["zzsecret", DEV_NS, PROD_NS, REVIEW_NS, "acme.example", "@acme/"];
const NOT_DEV: Forbidden = [PROD_MARK, PENDING_MARK, PROD_NS, REVIEW_NS];
const NOT_PROD: Forbidden = [DEV_MARK, PENDING_MARK, DEV_NS, REVIEW_NS];
const NOT_REVIEW: Forbidden = [DEV_MARK, PROD_MARK, PENDING_MARK, DEV_NS, PROD_NS];

let requests = 0;

/** Headers that differ between any two answers (time, request ids). */
const VOLATILE_HEADERS = new Set(["date", "x-request-id", "cf-ray"]);

interface Answer {
  status: number;
  body: string;
  headers: string;
}

async function read(path: string, init: RequestInit, forbidden: Forbidden): Promise<Answer> {
  requests++;
  const response = await api(path, init);
  const body = await response.text();
  const headers = [...response.headers]
    .filter(([k]) => !VOLATILE_HEADERS.has(k))
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  expect(response.status, `${path}: ${body}`).toBeLessThan(500);
  // What the caller sent may come back (an unknown path is echoed): only the rest can leak.
  const echoFree = (text: string) => text.split(path).join("").split(decodeURIComponent(path)).join("").toLowerCase();
  const [bodyText, headerText] = [echoFree(body), echoFree(headers)];
  for (const secret of forbidden) {
    if (bodyText.includes(secret.toLowerCase()) || headerText.includes(secret.toLowerCase())) {
      throw new Error(
        `leak of ${secret} in ${init.method ?? "GET"} ${path} (${response.status}): ${body.slice(0, 600)}`,
      );
    }
  }
  return { status: response.status, body, headers };
}

class Crawl {
  readonly answers: Snapshot = new Map();
  readonly base: string;
  readonly init: RequestInit;
  readonly forbidden: Forbidden;
  constructor(base: string, init: RequestInit, forbidden: Forbidden) {
    this.base = base;
    this.init = init;
    this.forbidden = forbidden;
  }

  async get(path: string): Promise<Answer> {
    const answer = await read(`${this.base}${path}`, this.init, this.forbidden);
    this.answers.set(`GET ${path}`, `${answer.status} ${answer.body}`);
    return answer;
  }

  /** Every page of a paged query, following metadata.nextCursor. */
  async pages(path: string, query: string, limit: number): Promise<void> {
    let cursor: string | undefined;
    for (let page = 0; page < 500; page++) {
      const params = new URLSearchParams(query);
      params.set("limit", String(limit));
      if (cursor !== undefined) params.set("cursor", cursor);
      const { status, body } = await this.get(`${path}?${params}`);
      expect(status, `${this.base}${path}?${params}: ${body}`).toBe(200);
      cursor = JSON.parse(body).metadata.nextCursor;
      if (cursor === undefined) return;
    }
    throw new Error(`${path}?${query}: paging does not end`);
  }
}

const SEARCH_WORDS = [
  "zzsecret",
  DEV_MARK,
  PROD_MARK,
  PENDING_MARK,
  "acme",
  "com.acme",
  DEV_NS,
  PROD_NS,
  REVIEW_NS,
  "secret",
  "alpha",
  "gamma",
  "io.github.modelcontextprotocol",
  "com.example",
  "weather",
  "e",
  "/",
  ...PRIVATE_NAMES,
];

const LIST_QUERIES = [
  "",
  "version=latest",
  "include_deleted=true",
  "version=latest&include_deleted=true",
  "updated_since=1970-01-01T00:00:00Z",
  "updated_since=1970-01-01T00:00:00Z&version=latest",
  `updated_since=${RECENT}`,
  `updated_since=${RECENT}&version=latest`,
  "version=1.0.0",
  "version=2.0.0&include_deleted=true",
  `version=${encodeURIComponent(VERSIONS[4]!)}`,
  `version=${encodeURIComponent(VERSIONS[5]!)}&include_deleted=true`,
  `cursor=${encodeURIComponent(`${devName("alpha")}:1.0.0`)}`,
  `cursor=${encodeURIComponent(`${prodName("gamma")}:1.0.1`)}&include_deleted=true`,
  `cursor=${DEV_NS}`,
  ...SEARCH_WORDS.map((w) => `search=${encodeURIComponent(w)}`),
  ...["zzsecret", DEV_MARK, PROD_MARK, "acme", "e"].map((w) => `search=${w}&include_deleted=true`),
  "search=zzsecret&version=latest",
  `search=acme&updated_since=${RECENT}`,
];

const SEARCH_QUERIES = [
  "",
  ...SEARCH_WORDS.map((w) => `q=${encodeURIComponent(w)}`),
  `q=${encodeURIComponent(`@acme/${DEV_MARK}-alpha`)}`,
  `q=${PROD_MARK}-gamma`,
  `q=${DEV_MARK}-alpha.acme.example`,
  "q=internal server",
  "registryType=npm",
  "registryType=pypi",
  "registryType=npm,pypi,oci,nuget,mcpb",
  "transport=stdio",
  "transport=sse",
  "transport=streamable-http",
  "hosting=remote",
  "hosting=package",
  `namespace=${DEV_NS}`,
  `namespace=${PROD_NS}`,
  `namespace=${REVIEW_NS}`,
  "namespace=io.github.modelcontextprotocol",
  "namespace=com.example",
  "status=active",
  "status=deprecated",
  "status=active,deprecated",
  "q=zzsecret&status=deprecated",
  "q=acme&hosting=remote&transport=sse",
  `q=${DEV_MARK}&registryType=npm&namespace=${DEV_NS}`,
];

/** Every list query on every page size of `limits`, plus every limit 1..100 without parameters. */
async function crawlLists(crawl: Crawl, full: boolean): Promise<void> {
  for (const prefix of PREFIXES) {
    if (full) {
      for (let limit = 1; limit <= 100; limit++) await crawl.pages(`${prefix}/servers`, "", limit);
    }
    for (const query of LIST_QUERIES) {
      for (const limit of [1, 100]) await crawl.pages(`${prefix}/servers`, query, limit);
    }
  }
}

/** The versions and detail paths of a name, in both prefixes. */
function detailPaths(name: string): string[] {
  const paths: string[] = [];
  for (const prefix of PREFIXES) {
    const base = `${prefix}/servers/${encodeURIComponent(name)}/versions`;
    paths.push(base, `${base}?include_deleted=true`, `${base}/latest`, `${base}/latest?include_deleted=true`);
    for (const version of VERSIONS) {
      paths.push(
        `${base}/${encodeURIComponent(version)}`,
        `${base}/${encodeURIComponent(version)}?include_deleted=true`,
      );
    }
  }
  return paths;
}

/** A never-existing name of the same shape: the marker swapped for as many other letters. */
function decoy(name: string): string {
  return name.replace(/zzsecret[a-z]*/, (mark) => "zq".padEnd(mark.length, "x"));
}

/** Versions and detail of every name; a name the view does not show answers like its decoy. */
async function crawlDetails(crawl: Crawl, visible: readonly string[]): Promise<void> {
  for (const name of [...PRIVATE_NAMES, "com.example/weather", "io.github.modelcontextprotocol/git"]) {
    const hidden = PRIVATE_NAMES.includes(name) && !visible.includes(name);
    for (const path of detailPaths(name)) {
      const answer = await crawl.get(path);
      if (!hidden) continue;
      const twin = path.replace(encodeURIComponent(name), encodeURIComponent(decoy(name)));
      const unknown = await read(`${crawl.base}${twin}`, crawl.init, crawl.forbidden);
      expect(answer.status, `${crawl.base}${path}`).toBe(404);
      expect(answer, `${crawl.base}${path}`).toEqual(unknown);
    }
  }
}

async function crawlSearch(crawl: Crawl): Promise<void> {
  for (const query of SEARCH_QUERIES) {
    for (const limit of [1, 100]) await crawl.pages("/x/search", query, limit);
  }
}

/** The change feed, every page with page sizes 1 and 100 (following nextCursor while `more`). */
async function crawlFeed(crawl: Crawl): Promise<void> {
  for (const limit of [1, 100]) {
    let after = "0";
    for (let page = 0; page < 500; page++) {
      const { status, body } = await crawl.get(`/x/changes?after=${after}&limit=${limit}`);
      expect(status, `${crawl.base}/x/changes?after=${after}: ${body}`).toBe(200);
      const { metadata } = JSON.parse(body);
      if (!metadata.more) break;
      after = metadata.nextCursor;
    }
  }
}

/** A whole view: lists, versions and detail, ranked search, the change feed. */
async function crawlView(base: string, init: RequestInit, forbidden: Forbidden, visible: readonly string[]) {
  const crawl = new Crawl(base, init, forbidden);
  await crawlLists(crawl, false);
  await crawlDetails(crawl, visible);
  await crawlSearch(crawl);
  await crawlFeed(crawl);
  return crawl.answers;
}

/** The public catalogue: every read, the moderation log, and reports on private names. */
async function crawlPublic(init: RequestInit = ANONYMOUS): Promise<Snapshot> {
  const crawl = new Crawl("", init, ALL_SECRETS);
  await crawlLists(crawl, true);
  await crawlDetails(crawl, []);
  await crawlSearch(crawl);
  await crawlFeed(crawl);
  await crawl.pages("/x/moderation-log", "", 1);
  const log = await crawl.get("/x/moderation-log");
  expect(log.body).toContain("com.example/banned");
  // Reporting a private server: the answer of a name nobody has.
  for (const name of PRIVATE_NAMES) {
    const report = (n: string) =>
      read(
        "/x/reports",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: n, reason: "spam" }),
        },
        ALL_SECRETS,
      );
    const [mine, unknown] = [await report(name), await report(decoy(name))];
    expect(mine.status).toBe(404);
    expect(mine).toEqual(unknown);
  }
  return crawl.answers;
}

/** Two crawls answered alike, request by request. */
function expectSame(actual: Snapshot, expected: Snapshot, what: string): void {
  for (const [key, value] of expected) {
    if (actual.get(key) !== value) {
      throw new Error(
        `${what}: ${key} answered\n${actual.get(key)?.slice(0, 800)}\ninstead of\n${value.slice(0, 800)}`,
      );
    }
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) throw new Error(`${what}: ${key} was not asked before (pages differ)`);
  }
}

/**
 * The catalog clock's flush, which follows every write within a second: run now, so each crawl
 * starts from a new catalogue generation (cold caches), and no alarm is left pending at the end
 * of a test (the test runner drops those).
 */
async function flushWrites(): Promise<void> {
  await runDurableObjectAlarm(env.CATALOG_CLOCK.getByName("catalog"));
}

// ---- setup through the governance API ---------------------------------------------------------

async function ok<T extends { status: number; body: any }>(call: Promise<T>, status: number, what: string): Promise<T> {
  const result = await call;
  if (result.status !== status) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result;
}

beforeAll(async () => {
  await loadFixtures(PUBLIC);
  const admin = await orgAdminToken();
  tokens.admin = admin;
  await ok(
    createGroup({
      name: DEV,
      title: "Development",
      visibility: "private",
      namespaces: [DEV_NS],
      include: ["*"],
      requireApproval: false,
    }),
    201,
    "dev-mcps",
  );
  await ok(
    createGroup({
      name: PROD,
      title: "Production",
      visibility: "public",
      namespaces: [PROD_NS],
      include: PROD_INCLUDE,
    }),
    201,
    "prod-mcps",
  );
  await ok(
    createGroup({ name: REVIEW, visibility: "private", namespaces: [REVIEW_NS], include: [], requireApproval: true }),
    201,
    "review-mcps",
  );
  for (const [group, prefix] of [
    [DEV, "dev"],
    [PROD, "prod"],
    [REVIEW, "rev"],
  ] as const) {
    for (const role of ["viewer", "publisher", "manager"] as const) {
      await ok(putMember(group, `github:${prefix}-${role}`, role, admin), 201, `${group} ${role}`);
      tokens[`${prefix}-${role}`] = await githubToken(`${prefix}-${role}`);
    }
  }
  tokens.outsider = await githubToken("outsider");
  tokens.devPat = (await personalToken("dev-viewer", [{ group: DEV, role: "viewer" }])).token;
  tokens.devPublisherPat = (await personalToken("dev-publisher", [{ group: DEV, role: "publisher" }])).token;
  tokens.prodPat = (await personalToken("prod-viewer", [{ group: PROD, role: "viewer" }])).token;
  const vat = (group: string, role: string, manager: string) =>
    ok(
      createToken({ name: `${group} bot`, kind: "service", group, access: [{ group, role }] }, tokens[manager]!),
      201,
      `VAT ${group}`,
    );
  tokens.devVat = (await vat(DEV, "viewer", "dev-manager")).body.token;
  tokens.prodVat = (await vat(PROD, "publisher", "prod-manager")).body.token;
  const revoked = await personalToken("dev-viewer", [{ group: DEV, role: "viewer" }]);
  await ok(revokeToken(revoked.id, tokens["dev-viewer"]!), 200, "revoke");
  tokens.revokedPat = revoked.token;
  // Moderation decisions: one public, one about a name in a claimed namespace (not logged
  // publicly while the namespace is claimed: review-mcps keeps its claim to the end).
  const maintainer = await maintainerToken();
  const banned = `${REVIEW_NS}/${PENDING_MARK}-banned`;
  await ok(denylistAdd(maintainer, { kind: "server", value: "com.example/banned", reason: "spam" }), 201, "deny");
  await ok(denylistAdd(maintainer, { kind: "server", value: banned, reason: `${PENDING_MARK} ban` }), 201, "deny");
  await buildSearchIndex(env);
}, 120_000);

/** Publishes dev-mcps' servers (a publisher's token and PAT, a manager) and changes statuses. */
async function publishDev(): Promise<void> {
  const at = `/groups/${DEV}`;
  const server = (slug: string, version: string, kind: "npm" | "pypi" = "npm") =>
    privateServer(DEV_NS, DEV_MARK, slug, version, kind);
  await ok(groupPublish(DEV, tokens["dev-publisher"], server("alpha", "1.0.0")), 200, "alpha 1.0.0");
  await ok(groupPublish(DEV, tokens.devPublisherPat, server("alpha", "1.1.0"), "/v0.1"), 200, "alpha 1.1.0");
  await ok(groupPublish(DEV, tokens["dev-manager"], server("alpha", VERSIONS[4]!)), 200, "alpha 7.7.7");
  await ok(groupPublish(DEV, tokens["dev-publisher"], server("beta", "1.0.0", "pypi")), 200, "beta 1.0.0");
  await ok(groupPublish(DEV, tokens["dev-publisher"], server("beta", "2.0.0", "pypi")), 200, "beta 2.0.0");
  await ok(groupPublish(DEV, tokens["dev-publisher"], server("gone", "1.0.0")), 200, "gone 1.0.0");
  const message = { statusMessage: `${DEV_MARK} retired` };
  await ok(
    statusAt(at, tokens["dev-publisher"]!, devName("alpha"), "1.0.0", { status: "deprecated", ...message }),
    200,
    "deprecate",
  );
  await ok(
    statusAt(at, tokens["dev-publisher"]!, devName("beta"), "2.0.0", { status: "deleted", ...message }),
    200,
    "delete",
  );
  await ok(
    statusAt(at, tokens.devPublisherPat!, devName("gone"), undefined, { status: "deleted", ...message }),
    200,
    "delete all",
  );
}

/** Publishes prod-mcps' servers (a publisher's token, a service token) and the pending one. */
async function publishProdAndPending(): Promise<void> {
  const at = `/groups/${PROD}`;
  const server = (slug: string, version: string) => privateServer(PROD_NS, PROD_MARK, slug, version, "pypi");
  await ok(groupPublish(PROD, tokens["prod-publisher"], server("gamma", "1.0.0")), 200, "gamma 1.0.0");
  await ok(groupPublish(PROD, tokens.prodVat, server("gamma", "1.0.1")), 200, "gamma 1.0.1");
  await ok(groupPublish(PROD, tokens["prod-publisher"], server("gamma", VERSIONS[5]!), "/v0.1"), 200, "gamma 7.7.7");
  await ok(groupPublish(PROD, tokens.prodVat, server("delta", "1.0.0")), 200, "delta 1.0.0");
  const message = { statusMessage: `${PROD_MARK} retired` };
  await ok(
    statusAt(at, tokens["prod-publisher"]!, prodName("gamma"), "1.0.0", { status: "deleted", ...message }),
    200,
    "delete",
  );
  await ok(
    statusAt(at, tokens.prodVat!, prodName("delta"), undefined, { status: "deprecated", ...message }),
    200,
    "deprecate all",
  );
  const pending = privateServer(REVIEW_NS, PENDING_MARK, "x", "1.0.0", "npm");
  await ok(groupPublish(REVIEW, tokens["rev-publisher"], pending), 202, "pending");
}

// ---- expectations of the views ----------------------------------------------------------------

const key = (item: any) => `${item.server.name}@${item.server.version}`;
const storedKey = (v: { name: string; version: string }) => `${v.name}@${v.version}`;

/** The name@version list a view shows (every page of limit 100), by name then version. */
async function listed(base: string, init: RequestInit, query: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", "100");
    if (cursor) params.set("cursor", cursor);
    const { status, body } = await apiJson(`${base}/v0.1/servers?${params}`, init);
    expect(status).toBe(200);
    out.push(...body.servers.map(key));
    cursor = body.metadata.nextCursor;
  } while (cursor);
  return out;
}

/** In list order: by name, then version. */
const sorted = (keys: string[]) =>
  keys
    .map((k) => k.split("@") as [string, string])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, version]) => `${name}@${version}`);
const publicKeys = (filter: (name: string) => boolean, withDeleted: boolean) =>
  PUBLIC.filter((v) => filter(v.name) && (withDeleted || v.status !== "deleted")).map(storedKey);
const privateKeys = (stored: Stored[], withDeleted: boolean) =>
  stored.filter((v) => withDeleted || v.status !== "deleted").map(storedKey);

/** The group views show their own private servers (so the crawls cannot pass vacuously). */
async function expectViewsShowTheirOwn(extra: string[] = []): Promise<void> {
  for (const withDeleted of [false, true]) {
    const query = withDeleted ? "include_deleted=true" : "";
    expect(await listed(`/groups/${DEV}`, bearer(tokens.devPat!), query)).toEqual(
      sorted([...publicKeys(() => true, withDeleted), ...extra, ...privateKeys(DEV_STORED, withDeleted)]),
    );
    expect(await listed(`/groups/${PROD}`, ANONYMOUS, query)).toEqual(
      sorted([
        ...publicKeys(inProd, withDeleted),
        ...extra.filter((k) => inProd(k.split("@")[0]!)),
        ...privateKeys(PROD_STORED, withDeleted),
      ]),
    );
    expect(await listed("", ANONYMOUS, query)).toEqual(sorted([...publicKeys(() => true, withDeleted), ...extra]));
  }
  const devSearch = await apiJson(`/groups/${DEV}/x/search?q=${DEV_MARK}&limit=100`, bearer(tokens.devVat!));
  expect(devSearch.body.results.map((r: any) => r.server.name).sort()).toEqual([devName("alpha"), devName("beta")]);
  expect(devSearch.body.metadata.total).toBe(2);
  const detail = await apiJson(
    `/groups/${DEV}/v0/servers/${encodeURIComponent(devName("alpha"))}/versions/latest`,
    bearer(tokens["dev-viewer"]!),
  );
  expect([detail.status, detail.body.server.version]).toEqual([200, VERSIONS[4]]);
  const prodSearch = await apiJson(`/groups/${PROD}/x/search?q=${PROD_MARK}&limit=100`);
  expect(prodSearch.body.results.map((r: any) => r.server.name).sort()).toEqual([prodName("delta"), prodName("gamma")]);
  expect(prodSearch.body.facets.hosting).toEqual({ remote: 2, package: 2 });
  const prodAll = await apiJson(`/groups/${PROD}/x/search?limit=100`);
  // Included public servers with a visible latest version, and prod's two.
  expect(prodAll.body.metadata.total).toBe(new Set(publicKeys(inProd, false).map((k) => k.split("@")[0])).size + 2);
  // The pending version is the managers' to see, in no catalogue.
  const pending = await listPendingOf(REVIEW, tokens["rev-manager"]!);
  expect(pending.status).toBe(200);
  expect(JSON.stringify(pending.body)).toContain(PENDING_NAME);
  expect(await listed(`/groups/${REVIEW}`, bearer(tokens["rev-viewer"]!), "include_deleted=true")).toEqual([]);
}

// ---- the callers who may not read a private group ---------------------------------------------

/** Paths under a group's prefix, with what a caller sends. */
const GROUP_PROBES: [string, string, unknown?][] = [
  ["GET", "/v0/servers"],
  ["GET", `/v0.1/servers?search=${DEV_MARK}&include_deleted=true`],
  ["GET", `/v0/servers/${encodeURIComponent(devName("alpha"))}/versions`],
  ["GET", `/v0.1/servers/${encodeURIComponent(devName("alpha"))}/versions/latest`],
  ["GET", `/v0/servers/${encodeURIComponent(PENDING_NAME)}/versions/1.0.0`],
  ["GET", `/x/search?q=${DEV_MARK}`],
  ["GET", "/x/changes"],
  ["GET", "/x/changes?after=0.0&limit=500"],
  ["GET", "/x/changes?after=bad"],
  ["GET", "/v0/health"],
  ["GET", "/v0.1/version"],
  ["GET", "/v0/nothing-here"],
  ["POST", "/v0/publish", privateServer(DEV_NS, DEV_MARK, "alpha", "9.9.9", "npm")],
  ["PATCH", `/v0/servers/${encodeURIComponent(devName("alpha"))}/versions/1.1.0/status`, { status: "deleted" }],
  ["PATCH", `/v0.1/servers/${encodeURIComponent(devName("alpha"))}/status`, { status: "deleted" }],
];

const ADMIN_PROBES: [string, string, unknown?][] = [
  ["GET", ""],
  ["GET", "/members"],
  ["GET", "/pending"],
  ["PATCH", "", { title: "mine" }],
  ["PUT", "/members/github%3Aintruder", { role: "viewer" }],
  ["POST", `/pending/${encodeURIComponent(PENDING_NAME)}/1.0.0`, { decision: "approve", message: "ok" }],
];

/** A group name nobody created, of the same length. */
const unknownGroup = (group: string) => "zz-".padEnd(group.length, "q");

async function probe(method: string, path: string, init: RequestInit, body: unknown, forbidden: Forbidden) {
  const headers = { ...(init.headers as Record<string, string> | undefined), "content-type": "application/json" };
  return read(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, forbidden);
}

/** Every probe of a private group answers exactly as for a group that does not exist. */
async function expectUnreadable(group: string, init: RequestInit, forbidden: Forbidden): Promise<number[]> {
  const statuses: number[] = [];
  const other = unknownGroup(group);
  for (const [method, path, body] of GROUP_PROBES) {
    const mine = await probe(method, `/groups/${group}${path}`, init, body, forbidden);
    const unknown = await probe(method, `/groups/${other}${path}`, init, body, forbidden);
    expect(
      { ...mine, body: mine.body.replaceAll(group, other), headers: mine.headers.replaceAll(group, other) },
      `${method} ${group}${path}`,
    ).toEqual(unknown);
    statuses.push(mine.status);
  }
  for (const [method, path, body] of ADMIN_PROBES) {
    const mine = await probe(method, `/x/admin/groups/${group}${path}`, init, body, forbidden);
    const unknown = await probe(method, `/x/admin/groups/${other}${path}`, init, body, forbidden);
    expect({ ...mine, body: mine.body.replaceAll(group, other) }, `${method} admin ${group}${path}`).toEqual(unknown);
    statuses.push(mine.status);
  }
  return statuses;
}

async function expectPrivateGroupsUnreadable(): Promise<void> {
  const notDev: Forbidden = [DEV_MARK, PENDING_MARK];
  const statuses = [
    ...(await expectUnreadable(DEV, ANONYMOUS, notDev)),
    ...(await expectUnreadable(DEV, bearer(tokens.outsider!), notDev)),
    ...(await expectUnreadable(DEV, bearer(tokens["prod-manager"]!), notDev)),
    ...(await expectUnreadable(DEV, bearer(tokens.prodPat!), notDev)),
    ...(await expectUnreadable(DEV, bearer(tokens.prodVat!), notDev)),
    ...(await expectUnreadable(REVIEW, bearer(tokens["dev-manager"]!), notDev)),
    ...(await expectUnreadable(REVIEW, bearer(tokens.devVat!), notDev)),
    ...(await expectUnreadable(REVIEW, ANONYMOUS, notDev)),
  ];
  // Refusals are 404 (never 403), or 401 without a token for the administration routes.
  expect(new Set(statuses)).toEqual(new Set([404, 401]));
  // A revoked token is a bad token: 401 whether or not the group exists.
  const revoked = await expectUnreadable(DEV, bearer(tokens.revokedPat!), notDev);
  expect(new Set(revoked)).toEqual(new Set([401]));
  // A member's list of groups names only the groups they may read.
  for (const [token, expected] of [
    [tokens.outsider!, [PROD]],
    [tokens["dev-viewer"]!, [DEV, PROD]],
    [tokens.prodVat!, [PROD]],
  ] as const) {
    const { status, body } = await listGroups(token);
    expect(status).toBe(200);
    const names = (body.groups as { name: string }[]).map((g) => g.name).sort();
    expect(names.filter((n) => n !== PROD)).toEqual(expected.filter((n) => n !== PROD));
    expect(JSON.stringify(body)).not.toContain(REVIEW);
  }
}

// ---- the crawl ---------------------------------------------------------------------------------

/** The views' answers when first crawled, to compare every later crawl with. */
const reference: Record<string, Snapshot> = {};

/** One round: the public catalogue, each group's view and the other's, each with a reader. */
async function crawlRound(
  readers: { pub: RequestInit; dev: RequestInit; prod: RequestInit },
  references: "keep" | "record",
) {
  const views: [string, () => Promise<Snapshot>][] = [
    ["public", () => crawlPublic(readers.pub)],
    ["dev", () => crawlView(`/groups/${DEV}`, readers.dev, NOT_DEV, [...DEV_NAMES])],
    ["prod", () => crawlView(`/groups/${PROD}`, readers.prod, NOT_PROD, [...PROD_NAMES])],
    ["review", () => crawlView(`/groups/${REVIEW}`, bearer(tokens["rev-manager"]!), NOT_REVIEW, [])],
  ];
  for (const [name, crawl] of views) {
    const answers = await crawl();
    if (references === "record" && name !== "public") reference[name] = answers;
    else expectSame(answers, reference[name]!, name);
  }
}

describe("private servers never leak", () => {
  it("the public catalogue answers alike before any private server exists (reference crawl)", async () => {
    reference.public = await crawlPublic();
    // The dev view before prod's private servers exist.
    await publishDev();
    await flushWrites();
    reference.devBeforeProd = await crawlView(`/groups/${DEV}`, bearer(tokens.devPat!), NOT_DEV, [...DEV_NAMES]);
    await publishProdAndPending();
    await flushWrites();
    expect(requests).toBeGreaterThan(1000);
  }, 240_000);

  it("cold caches: no crawl shows another's private servers; every view answers as without them", async () => {
    await crawlRound({ pub: ANONYMOUS, dev: bearer(tokens["dev-viewer"]!), prod: ANONYMOUS }, "record");
    expectSame(reference.dev!, reference.devBeforeProd!, "dev view, with prod's private servers");
    await expectViewsShowTheirOwn();
    await expectPrivateGroupsUnreadable();
  }, 240_000);

  it("warm caches, other credentials (a member's PAT, a VAT, the other group's member)", async () => {
    await crawlRound(
      { pub: bearer(tokens.devPat!), dev: bearer(tokens.devVat!), prod: bearer(tokens.devPat!) },
      "keep",
    );
    await expectPrivateGroupsUnreadable();
  }, 240_000);

  it("after a search index build (an administrator, the group's own tokens)", async () => {
    expect((await buildSearchIndex(env)).state).toBe("published");
    await crawlRound(
      { pub: bearer(tokens.prodPat!), dev: bearer(tokens.admin!), prod: bearer(tokens.prodVat!) },
      "keep",
    );
  }, 240_000);

  it("after public writes change the generation, and again once the private servers are gone", async () => {
    // A public publish and a public status change: new generation, new overlay.
    const published = await publish(await tokenFor(publishAll("com.example/*"), "github-at", "example"), {
      $schema: CURRENT_SCHEMA_URL,
      name: "com.example/weather",
      description: "Weather",
      version: "3.0.0",
    });
    expect(published.status).toBe(200);
    const status = await patchStatus(
      await tokenFor(editAll("io.github.modelcontextprotocol/*"), "oidc", "maintainer"),
      "io.github.modelcontextprotocol/everything",
      "1.0.0",
      { status: "deprecated", statusMessage: "superseded" },
    );
    expect(status.status).toBe(200);
    // Read-your-writes before the flush, then the crawls from the new generation.
    await expectViewsShowTheirOwn(["com.example/weather@3.0.0"]);
    await flushWrites();
    const after = await crawlPublic(bearer(tokens.admin!));
    const dev = await crawlView(`/groups/${DEV}`, bearer(tokens.devPat!), NOT_DEV, [...DEV_NAMES]);
    const prod = await crawlView(`/groups/${PROD}`, ANONYMOUS, NOT_PROD, [...PROD_NAMES]);
    await expectPrivateGroupsUnreadable();

    // Without dev's private servers, prod's view answers alike.
    const admin = await orgAdminToken();
    expect((await deleteGroup(DEV, admin, "?purge=true")).status).toBe(200);
    await flushWrites();
    expectSame(await crawlView(`/groups/${PROD}`, ANONYMOUS, NOT_PROD, [...PROD_NAMES]), prod, "prod without dev");
    // Without dev's and prod's private servers (review's pending one stays), the public
    // catalogue answers alike.
    expect((await deleteGroup(PROD, admin, "?purge=true")).status).toBe(200);
    await flushWrites();
    expectSame(await crawlPublic(), after, "public without private servers");
    expect(dev.size).toBeGreaterThan(500);
  }, 300_000);
});
