// Real answers match the OpenAPI document: every route is called for its success and its main
// refusals, and each answer's status, content type and body must be what the document says of
// that operation. Then every documented bound, enum and type of a query parameter is tried at
// its edges against the routes, so the parameters the document states are the ones enforced.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ed25519ProofKey,
  isoNow,
  jsonResponse,
  nowSeconds,
  type ProofKey,
  rsaIssuer,
  stubFetch,
  type TokenIssuer,
} from "./helpers/auth-fixtures.ts";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { createGroup, githubToken, orgAdminToken, putMember, uniqueGroupName } from "./helpers/groups.ts";
import { type Answer, answerOf, DocumentChecker, type Json, METHODS, servedDocument } from "./helpers/openapi.ts";
import { editAll, publishAll, tokenFor } from "./helpers/publishing.ts";
import { api, loadFixtures, serverJson } from "./helpers/registry.ts";

interface Call {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A successful read, replayed with edge values of its query parameters at the end. */
interface Read {
  path: string;
  token: string | undefined;
}

let checker: DocumentChecker;
const reads: Read[] = [];

/** Calls the Worker, expects `status`, and checks the answer against the document. */
async function call(
  method: string,
  path: string,
  status: number | readonly number[],
  init: Call = {},
): Promise<Answer & { json: any }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const body =
    init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const response = await api(path, { method, headers, ...(body === undefined ? {} : { body }) });
  const answer = await answerOf(response);
  expect(typeof status === "number" ? [status] : status, `${method} ${path}: ${answer.text.slice(0, 400)}`).toContain(
    answer.status,
  );
  expect(checker.problems(method, path.split("?")[0]!, answer)).toEqual([]);
  if (method === "GET" && answer.status === 200) reads.push({ path, token: init.token });
  let json: unknown;
  try {
    json = answer.text === "" ? undefined : JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  return { ...answer, json };
}

const enc = encodeURIComponent;
const UPSTREAM = "https://upstream.oa.test";

let admin: string;
let publisher: string;
let editor: string;
let scoped: string;
let alice: string;
let groupA: string;
let groupB: string;
let proofKey: ProofKey;
let idp: TokenIssuer;
let actions: TokenIssuer;

/** The outside services the routes call, stubbed: an upstream registry, GitHub, DNS, an IdP. */
function stubOutside(upstream: FakeUpstream): void {
  const github = env.GITHUB_API_BASE_URL;
  stubFetch({
    [`${upstream.base}/v0.1/servers`]: (request) => upstream.handle(request),
    [`${upstream.base}/x/changes`]: (request) => upstream.handle(request),
    [`${github}/user`]: (request) =>
      request.headers.get("authorization")?.includes("gho_bad")
        ? jsonResponse({ message: "Bad credentials" }, { status: 401 })
        : jsonResponse({ login: "oa-gh", id: 9 }),
    [`${github}/user/memberships/orgs`]: () => jsonResponse([]),
    [env.DNS_RESOLVER_URL]: () =>
      jsonResponse({ Status: 0, Answer: [{ name: "example.com.", type: 16, TTL: 300, data: `"${proofKey.record}"` }] }),
    "https://example.com/.well-known/mcp-registry-auth": () => new Response(proofKey.record),
    [env.OIDC_JWKS_URL]: () => jsonResponse({ keys: [idp.jwk] }),
    [env.GITHUB_OIDC_JWKS_URL]: () => jsonResponse({ keys: [actions.jwk] }),
  });
}

async function keyProof() {
  const timestamp = isoNow();
  return { domain: "example.com", timestamp, signed_timestamp: await proofKey.sign(timestamp) };
}

function idToken(issuer: TokenIssuer, claims: Record<string, unknown>): Promise<string> {
  const now = nowSeconds();
  return issuer.sign({ iat: now - 5, nbf: now - 5, exp: now + 300, ...claims });
}

beforeAll(async () => {
  checker = new DocumentChecker(await servedDocument());
  await loadFixtures([
    { name: "com.example/alpha", version: "1.0.0", publishedAt: "2025-01-01T00:00:00Z" },
    { name: "com.example/alpha", version: "1.1.0", publishedAt: "2025-01-02T00:00:00Z" },
    {
      name: "com.example/beta",
      version: "1.0.0",
      status: "deprecated",
      statusMessage: "use alpha",
      publishedAt: "2025-01-03T00:00:00Z",
    },
    { name: "com.example/gamma", version: "1.0.0", publishedAt: "2025-01-04T00:00:00Z" },
    {
      name: "com.example/delta",
      version: "1.0.0",
      publishedAt: "2025-01-05T00:00:00Z",
      extra: {
        packages: [{ registryType: "npm", identifier: "delta", version: "1.0.0", transport: { type: "stdio" } }],
      },
    },
  ]);
  const upstream = new FakeUpstream(UPSTREAM);
  upstream.publish({ ...serverJson("org.mirrored/tool", "1.0.0"), name: "org.mirrored/tool", version: "1.0.0" });
  [proofKey, idp, actions] = await Promise.all([ed25519ProofKey(), rsaIssuer("oa-idp"), rsaIssuer("oa-actions")]);
  // Every other outbound request fails like an unreachable host.
  stubOutside(upstream);
  admin = await orgAdminToken();
  publisher = await tokenFor(publishAll("io.github.oa/*"), "github-at", "oa");
  editor = await tokenFor(editAll("io.github.oa/*"));
  scoped = await tokenFor(editAll("com.example/*"), "oidc", "scoped@example.test");
  alice = await githubToken("alice-oa");
  groupA = uniqueGroupName("oa");
  groupB = uniqueGroupName("oa-approve");
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe("the official API", () => {
  it("service routes", async () => {
    await call("GET", "/v0.1/health", 200);
    await call("GET", "/v0.1/ping", 200);
    await call("GET", "/v0.1/version", 200);
    await call("GET", "/v0/health", 200);
    await call("GET", "/v0/ping", 200);
    await call("GET", "/v0/version", 200);
  });

  it("discovery reads", async () => {
    await call("GET", "/v0.1/servers", 200);
    await call("GET", "/v0.1/servers", 304, { headers: { "if-none-match": await etagOf("/v0.1/servers") } });
    const page = await call("GET", "/v0.1/servers?limit=1", 200);
    expect(page.json.metadata.nextCursor).toBeDefined();
    await call("GET", `/v0.1/servers?cursor=${enc(page.json.metadata.nextCursor)}&version=latest&search=example`, 200);
    await call("GET", "/v0.1/servers?updated_since=2025-01-01T00:00:00Z", 200);
    await call("GET", "/v0.1/servers?limit=0", 422);
    await call("GET", "/v0.1/servers?updated_since=yesterday", 400);
    await call("GET", "/v0/servers", 200);
    await call("GET", `/v0.1/servers/${enc("com.example/alpha")}/versions`, 200);
    await call("GET", `/v0/servers/${enc("com.example/alpha")}/versions`, 200);
    await call("GET", `/v0.1/servers/${enc("com.example/nothing")}/versions`, 404);
    await call("GET", `/v0.1/servers/${enc("com.example/alpha")}/versions?include_deleted=maybe`, 422);
    await call("GET", `/v0.1/servers/${enc("com.example/alpha")}/versions/latest`, 200);
    await call("GET", `/v0/servers/${enc("com.example/beta")}/versions/1.0.0`, 200);
    await call("GET", `/v0.1/servers/${enc("com.example/alpha")}/versions/9.9.9`, 404);
  });

  it("publish, validate, edit and status changes", async () => {
    const body = serverJson("io.github.oa/tool", "1.0.0");
    await call("POST", "/v0.1/publish", 200, { token: publisher, body });
    await call("POST", "/v0/publish", 200, { token: publisher, body: serverJson("io.github.oa/tool", "1.0.1") });
    await call("POST", "/v0.1/publish", 400, { token: publisher, body });
    await call("POST", "/v0.1/publish", 422, { body });
    await call("POST", "/v0.1/publish", 401, { token: "not-a-token", body });
    await call("POST", "/v0.1/publish", 403, { token: publisher, body: serverJson("io.github.other/tool", "1.0.0") });
    await call("POST", "/v0.1/publish", 422, { token: publisher, body: {} });
    await call("POST", "/v0.1/publish", 400, { token: publisher, body: "" });
    await call("POST", "/v0.1/publish", 413, { token: publisher, body: `"${"x".repeat(1_100_000)}"` });

    await call("POST", "/v0.1/validate", 200, { body });
    await call("POST", "/v0/validate", 200, { body: serverJson("io.github.oa/tool", "^1.0") });
    await call("POST", "/v0.1/validate", 422, { body: {} });
    await call("POST", "/v0.1/validate", 400, { body: "{" });

    const path = `/v0.1/servers/${enc("io.github.oa/tool")}/versions/1.0.0`;
    await call("PUT", path, 200, { token: editor, body: { ...body, description: "Edited" } });
    await call("PUT", `/v0/servers/${enc("io.github.oa/tool")}/versions/1.0.0`, 200, { token: editor, body });
    await call("PUT", path, 400, { token: editor, body: { ...body, version: "2.0.0" } });
    await call("PUT", path, 403, { token: publisher, body });
    await call("PUT", `/v0.1/servers/${enc("io.github.oa/tool")}/versions/7.0.0`, 404, {
      token: editor,
      body: serverJson("io.github.oa/tool", "7.0.0"),
    });

    await call("PATCH", `${path}/status`, 200, {
      token: publisher,
      body: { status: "deprecated", statusMessage: "old" },
    });
    await call("PATCH", `${path}/status`, 400, {
      token: publisher,
      body: { status: "deprecated", statusMessage: "old" },
    });
    await call("PATCH", `${path}/status`, 422, { token: publisher, body: { status: "gone" } });
    await call("PATCH", `/v0/servers/${enc("io.github.oa/tool")}/versions/1.0.1/status`, 200, {
      token: publisher,
      body: { status: "deprecated" },
    });
    await call("PATCH", `/v0.1/servers/${enc("io.github.oa/tool")}/versions/8.0.0/status`, 404, {
      token: publisher,
      body: { status: "deleted" },
    });
    await call("PATCH", `/v0.1/servers/${enc("io.github.oa/tool")}/status`, 200, {
      token: publisher,
      body: { status: "active" },
    });
    await call("PATCH", `/v0/servers/${enc("io.github.oa/tool")}/status`, 200, {
      token: publisher,
      body: { status: "deprecated", statusMessage: "all old" },
    });
    await call("PATCH", `/v0.1/servers/${enc("io.github.oa/none")}/status`, 404, {
      token: publisher,
      body: { status: "deleted" },
    });
  });

  it("token exchanges", async () => {
    await call("POST", "/v0.1/auth/none", 200);
    await call("POST", "/v0/auth/none", 200);
    for (const prefix of ["/v0.1", "/v0"]) {
      await call("POST", `${prefix}/auth/github-at`, 200, { body: { github_token: "gho_oa" } });
      const actionsClaims = {
        iss: env.GITHUB_OIDC_ISSUER,
        aud: env.GITHUB_OIDC_AUDIENCE,
        sub: "repo:oa/tools:ref:refs/heads/main",
        repository: "oa/tools",
        repository_owner: "oa",
      };
      await call("POST", `${prefix}/auth/github-oidc`, 200, {
        body: { oidc_token: await idToken(actions, actionsClaims) },
      });
      await call("POST", `${prefix}/auth/dns`, 200, { body: await keyProof() });
      await call("POST", `${prefix}/auth/http`, 200, { body: await keyProof() });
      const adminClaims = {
        iss: env.OIDC_ISSUER,
        aud: env.OIDC_CLIENT_ID,
        sub: "oa-admin",
        email: "oa-admin@example.test",
        groups: ["registry-admins"],
      };
      await call("POST", `${prefix}/auth/oidc`, 200, { body: { oidc_token: await idToken(idp, adminClaims) } });
    }
    await call("POST", "/v0.1/auth/github-at", 422, { body: {} });
    await call("POST", "/v0.1/auth/github-at", 401, { body: { github_token: "gho_bad" } });
    await call("POST", "/v0/auth/github-at", 400, { body: "" });
    await call("POST", "/v0.1/auth/github-oidc", 401, { body: { oidc_token: "not-a-jwt" } });
    await call("POST", "/v0/auth/github-oidc", 422, { body: { oidc_token: 1 } });
    const forged = { ...(await keyProof()), signed_timestamp: "00" };
    await call("POST", "/v0.1/auth/dns", 401, { body: forged });
    await call("POST", "/v0/auth/dns", 422, { body: { domain: "example.com" } });
    await call("POST", "/v0.1/auth/http", 401, { body: forged });
    await call("POST", "/v0/auth/http", 422, { body: {} });
    await call("POST", "/v0.1/auth/oidc", 401, { body: { oidc_token: "not-a-jwt" } });
    await call("POST", "/v0/auth/oidc", 422, { body: {} });
  });
});

/** The ETag of a read, for a conditional request. */
async function etagOf(path: string, token?: string): Promise<string> {
  const response = await api(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.headers.get("etag")!;
}

describe("search and the change feed", () => {
  it("/x/search", async () => {
    await call("GET", "/x/search?q=alpha", 200);
    await call("GET", "/x/search?q=alpha", 304, { headers: { "if-none-match": await etagOf("/x/search?q=alpha") } });
    await call("GET", "/x/search?q=delt&registryType=npm&transport=stdio&hosting=package&status=active", 200);
    await call("GET", "/x/search?registryType=rubygems", 422);
  });

  it("/x/changes", async () => {
    const feed = await call("GET", "/x/changes?limit=2", 200);
    await call("GET", `/x/changes?after=${enc(feed.json.metadata.nextCursor)}`, 200);
    await call("GET", "/x/changes?after=not-a-cursor", 422);
    await call("GET", "/x/changes?after=999999999", 410);
  });
});

describe("moderation", () => {
  it("reports, the review queue and its decisions", async () => {
    const filed = await call("POST", "/x/reports", 201, { body: { name: "com.example/alpha", reason: "spam" } });
    await call("POST", "/x/reports", 404, { body: { name: "com.example/nothing", reason: "spam" } });
    await call("POST", "/x/reports", 422, { body: { name: "com.example/alpha", reason: "dislike" } });
    await call("POST", "/x/reports", 401, { token: "garbage", body: { name: "com.example/alpha", reason: "spam" } });
    // Two token holders (weight 3 each) put delta under review: its reads carry the mark.
    for (const who of ["r1", "r2"]) {
      await call("POST", "/x/reports", 201, {
        token: await tokenFor([], "github-at", `oa-${who}`),
        body: { name: "com.example/delta", version: "1.0.0", reason: "broken", details: "it breaks" },
      });
    }
    const marked = await call("GET", `/v0.1/servers/${enc("com.example/delta")}/versions/latest`, 200);
    expect(marked.json._meta["dev.mcp-registry-workers/moderation"]).toMatchObject({ underReview: true });

    const queue = await call("GET", "/x/admin/reports", 200, { token: admin });
    expect(queue.json.reports.length).toBeGreaterThan(0);
    await call("GET", "/x/admin/reports?status=resolved&name=com.example%2Falpha", 200, { token: admin });
    await call("GET", "/x/admin/reports", 401);
    await call("GET", "/x/admin/reports", 403, { token: publisher });
    await call("GET", "/x/admin/reports?status=closed", 422, { token: admin });

    const resolve = `/x/admin/reports/${enc(filed.json.id)}/resolve`;
    await call("POST", resolve, 200, { token: admin, body: { action: "dismiss", message: "not spam" } });
    await call("POST", resolve, 409, { token: admin, body: { action: "dismiss", message: "again" } });
    await call("POST", "/x/admin/reports/rep_nothing/resolve", 404, {
      token: admin,
      body: { action: "dismiss", message: "x" },
    });
    await call("POST", resolve, 422, { token: admin, body: { action: "ban", message: "x" } });
    await call("GET", "/x/moderation-log", 200);
    await call("GET", "/x/moderation-log?limit=0", 422);
  });

  it("the denylist", async () => {
    await call("GET", "/x/admin/denylist", 200, { token: admin });
    const entry = { kind: "server", value: "com.example/gamma", reason: "malware" };
    const added = await call("POST", "/x/admin/denylist", 201, { token: admin, body: entry });
    expect(added.json.deleted["com.example/gamma"]).toEqual(["1.0.0"]);
    await call("GET", "/x/admin/denylist", 200, { token: admin });
    await call("GET", "/x/moderation-log", 200);
    await call("POST", "/x/admin/denylist", 409, { token: admin, body: entry });
    await call("POST", "/x/admin/denylist", 422, { token: admin, body: { kind: "person", value: "x", reason: "y" } });
    await call("POST", "/x/admin/denylist", 403, {
      token: scoped,
      body: { kind: "namespace", value: "org.elsewhere", reason: "y" },
    });
    await call("DELETE", "/x/admin/denylist?kind=server&value=com.example%2Fgamma", 200, { token: admin });
    await call("DELETE", "/x/admin/denylist", 404, {
      token: admin,
      body: { kind: "server", value: "com.example/gamma" },
    });
    await call("GET", "/x/admin/denylist", 401);
  });

  it("the audit trail and failed exchanges", async () => {
    await call("GET", "/x/admin/audit", 200, { token: admin });
    await call("GET", "/x/admin/audit?namespace=com.example&action=resolve&since=2020-01-01T00:00:00Z", 200, {
      token: admin,
    });
    await call("GET", "/x/admin/audit?since=yesterday", 422, { token: admin });
    await call("GET", "/x/admin/audit", 403, { token: scoped });
    const failures = await call("GET", "/x/admin/auth-failures", 200, { token: admin });
    expect(failures.json.failures.length).toBeGreaterThan(0);
    await call("GET", "/x/admin/auth-failures?since=never", 422, { token: admin });
  });
});

describe("groups, approvals and tokens", () => {
  it("groups and members", async () => {
    await call("POST", "/x/admin/groups", 201, {
      token: admin,
      body: { name: groupA, title: "OA", visibility: "private", namespaces: ["com.oa-a"], include: ["com.example/*"] },
    });
    await call("POST", "/x/admin/groups", 409, { token: admin, body: { name: groupA, visibility: "private" } });
    await call("POST", "/x/admin/groups", 403, {
      token: alice,
      body: { name: uniqueGroupName(), visibility: "private" },
    });
    await call("POST", "/x/admin/groups", 422, { token: admin, body: { name: "Bad Name", visibility: "private" } });
    await call("GET", "/x/admin/groups", 200, { token: admin });
    await call("GET", "/x/admin/groups", 401);
    await call("GET", `/x/admin/groups/${groupA}`, 200, { token: admin });
    await call("GET", "/x/admin/groups/no-such-group-oa", 404, { token: admin });
    await call("PATCH", `/x/admin/groups/${groupA}`, 200, { token: admin, body: { title: "OA group", policy: null } });
    await call("PATCH", `/x/admin/groups/${groupA}`, 422, { token: admin, body: { visibility: "hidden" } });

    const member = (who: string) => `/x/admin/groups/${groupA}/members/${enc(who)}`;
    await call("PUT", member("github:alice-oa"), 201, { token: admin, body: { role: "viewer" } });
    await call("PUT", member("github:alice-oa"), 200, { token: admin, body: { role: "publisher" } });
    await call("PUT", member("not a member!"), 422, { token: admin, body: { role: "viewer" } });
    await call("PUT", member("github:bob-oa"), 201, { token: admin, body: { role: "viewer" } });
    await call("GET", `/x/admin/groups/${groupA}/members`, 200, { token: admin });
    await call("GET", `/x/admin/groups/${groupA}/members`, 403, { token: alice });
    await call("DELETE", member("github:bob-oa"), 200, { token: admin });
    await call("DELETE", member("github:bob-oa"), 404, { token: admin });

    const temporary = uniqueGroupName("oa-temp");
    await call("POST", "/x/admin/groups", 201, { token: admin, body: { name: temporary, visibility: "public" } });
    await call("DELETE", `/x/admin/groups/${temporary}?purge=false`, 200, { token: admin });
    await call("DELETE", `/x/admin/groups/${temporary}`, 404, { token: admin });
  });

  it("the API under a group's prefix", async () => {
    const g = `/groups/${groupA}`;
    await call("POST", `${g}/v0.1/publish`, 200, { token: alice, body: serverJson("com.oa-a/tool", "1.0.0") });
    await call("POST", `${g}/v0/publish`, 200, { token: alice, body: serverJson("com.oa-a/tool", "1.1.0") });
    await call("POST", `${g}/v0.1/publish`, 403, { token: alice, body: serverJson("com.elsewhere/tool", "1.0.0") });
    await call("DELETE", `/x/admin/groups/${groupA}`, 409, { token: admin });
    await call("GET", `${g}/v0.1/servers`, 200, { token: alice });
    await call("GET", `${g}/v0/servers?version=latest`, 200, { token: alice });
    await call("GET", `${g}/v0.1/servers`, 404);
    await call("GET", `${g}/v0.1/servers`, 401, { token: "garbage" });
    await call("GET", `${g}/v0.1/servers/${enc("com.oa-a/tool")}/versions`, 200, { token: alice });
    await call("GET", `${g}/v0.1/servers/${enc("com.oa-a/tool")}/versions/latest`, 200, { token: alice });
    await call("GET", `${g}/v0.1/servers/${enc("com.oa-a/nothing")}/versions/latest`, 404, { token: alice });
    await call("PATCH", `${g}/v0.1/servers/${enc("com.oa-a/tool")}/versions/1.0.0/status`, 200, {
      token: alice,
      body: { status: "deprecated" },
    });
    await call("POST", `${g}/v0.1/validate`, 200, { token: alice, body: serverJson("com.oa-a/tool", "2.0.0") });
    await call("GET", `${g}/x/search?q=tool`, 200, { token: alice });
    await call("GET", `${g}/x/changes`, 200, { token: alice });
    await call("GET", `${g}/x/changes`, 404);
    await call("GET", `${g}/v0.1/health`, 200, { token: alice });
    await call("POST", `${g}/v0.1/auth/none`, 200);
    await call("POST", "/groups/no-such-group-oa/v0/auth/none", 200);
  });

  it("publishes awaiting approval", async () => {
    await createGroup({ name: groupB, visibility: "private", namespaces: ["com.oa-b"], requireApproval: true });
    await putMember(groupB, "github:alice-oa", "publisher");
    const g = `/groups/${groupB}`;
    const pending = await call("POST", `${g}/v0.1/publish`, 202, {
      token: alice,
      body: serverJson("com.oa-b/tool", "1.0.0"),
    });
    expect(pending.json._meta["dev.mcp-registry-workers/approval"]).toMatchObject({ state: "pending", group: groupB });
    await call("POST", `${g}/v0.1/publish`, 202, { token: alice, body: serverJson("com.oa-b/tool", "1.1.0") });
    await call("POST", `${g}/v0.1/publish`, 409, { token: alice, body: serverJson("com.oa-b/tool", "1.1.0") });
    await call("GET", `/x/admin/groups/${groupB}/pending`, 200, { token: admin });
    await call("GET", `/x/admin/groups/${groupB}/pending?limit=1`, 200, { token: admin });
    await call("GET", `/x/admin/groups/${groupB}/pending`, 403, { token: alice });
    await call("GET", `/x/admin/groups/${groupB}/pending?cursor=%%%`, 422, { token: admin });
    const decide = (version: string) => `/x/admin/groups/${groupB}/pending/${enc("com.oa-b/tool")}/${version}`;
    const approved = await call("POST", decide("1.0.0"), 200, { token: admin, body: { decision: "approve" } });
    expect(approved.json.server.version).toBe("1.0.0");
    const rejected = await call("POST", decide("1.1.0"), 200, {
      token: admin,
      body: { decision: "reject", message: "no" },
    });
    expect(rejected.json).toEqual({ name: "com.oa-b/tool", version: "1.1.0", decision: "reject" });
    await call("POST", decide("1.1.0"), 404, { token: admin, body: { decision: "approve" } });
    await call("POST", decide("1.1.0"), 422, { token: admin, body: { decision: "maybe" } });
  });

  it("API tokens", async () => {
    const created = await call("POST", "/x/tokens", 201, {
      token: alice,
      body: { name: "laptop", kind: "personal", access: [{ group: groupA, role: "viewer" }] },
    });
    await call("POST", "/x/tokens", 201, {
      token: admin,
      body: { name: "ci", kind: "service", group: groupA, access: [{ group: groupA, role: "publisher" }] },
    });
    await call("POST", "/x/tokens", 422, { token: alice, body: { name: "x", kind: "personal", access: [] } });
    await call("POST", "/x/tokens", 404, {
      token: alice,
      body: { name: "x", kind: "personal", access: [{ group: "no-such-group-oa", role: "viewer" }] },
    });
    await call("GET", "/x/tokens", 200, { token: alice });
    await call("GET", `/x/tokens?group=${groupA}`, 200, { token: admin });
    await call("GET", `/x/tokens?group=${groupA}`, 403, { token: alice });
    await call("GET", "/x/tokens?cursor=nope", 422, { token: alice });
    await call("GET", `${`/groups/${groupA}`}/v0.1/servers`, 200, { token: created.json.token });
    await call("DELETE", `/x/tokens/${created.json.id}`, 200, { token: alice });
    await call("DELETE", "/x/tokens/tok_0000000000000000", 404, { token: alice });
    await call("GET", "/x/tokens", 401);
  });
});

describe("sync", () => {
  it("upstream sources", async () => {
    const created = await call("POST", "/x/admin/sources", 201, {
      token: admin,
      body: { url: UPSTREAM, into: "public", include: ["org.mirrored/*"] },
    });
    await call("POST", "/x/admin/sources", 409, { token: admin, body: { url: UPSTREAM, into: "public" } });
    await call("POST", "/x/admin/sources", 422, { token: admin, body: { url: "ftp://x", into: "public" } });
    await call("POST", "/x/admin/sources", 403, { token: alice, body: { url: UPSTREAM, into: "public" } });
    const step = await call("POST", `/x/admin/sources/${created.json.id}/sync`, 200, { token: admin });
    expect(step.json.step.added).toBe(1);
    // A mirrored version carries its provenance.
    const mirrored = await call("GET", `/v0.1/servers/${enc("org.mirrored/tool")}/versions/1.0.0`, 200);
    expect(mirrored.json._meta["dev.mcp-registry-workers/mirror"]).toMatchObject({ source: UPSTREAM });
    await call("GET", "/x/changes?limit=500", 200);
    await call("GET", "/x/admin/sources", 200, { token: admin });
    await call("GET", "/x/admin/sources", 403, { token: alice });
    await call("DELETE", `/x/admin/sources/${created.json.id}`, 200, { token: admin });
    await call("DELETE", `/x/admin/sources/${created.json.id}`, 404, { token: admin });
    await call("POST", `/x/admin/sources/${created.json.id}/sync`, 404, { token: admin });
  });

  it("webhooks", async () => {
    const created = await call("POST", "/x/admin/webhooks", 201, {
      token: admin,
      body: { url: "https://hooks.oa.test/in", events: ["publish"], group: groupA, secret: "0123456789abcdef0123" },
    });
    await call("POST", "/x/admin/webhooks", 422, {
      token: admin,
      body: { url: "https://hooks.oa.test/in", events: ["explode"], secret: "0123456789abcdef0123" },
    });
    await call("POST", "/x/admin/webhooks", 403, {
      token: alice,
      body: { url: "https://hooks.oa.test/in", events: ["*"], secret: "0123456789abcdef0123" },
    });
    await call("GET", "/x/admin/webhooks", 200, { token: admin });
    await call("GET", `/x/admin/webhooks/${created.json.id}/deliveries`, 200, { token: admin });
    await call("GET", `/x/admin/webhooks/${created.json.id}/deliveries?cursor=x`, 422, { token: admin });
    const doomed = await call("POST", "/x/admin/webhooks", 201, {
      token: admin,
      body: { url: "https://hooks.oa.test/other", events: ["*"], secret: "0123456789abcdef0123" },
    });
    await call("DELETE", `/x/admin/webhooks/${doomed.json.id}`, 200, { token: admin });
    await call("DELETE", `/x/admin/webhooks/${doomed.json.id}`, 404, { token: admin });
    await call("GET", `/x/admin/webhooks/${doomed.json.id}/deliveries`, 404, { token: admin });
  });
});

describe("discovery", () => {
  it("protected resource metadata", async () => {
    await call("GET", "/.well-known/oauth-protected-resource", 200);
    await call("GET", `/.well-known/oauth-protected-resource/groups/${groupA}`, 200);
    await call("GET", "/.well-known/oauth-protected-resource/groups/Not_A_Group", 404);
  });
});

/** The query parameters of a documented operation, resolved. */
function queryParameters(op: Json): Json[] {
  return (op.parameters ?? []).filter((p: Json) => p.in === "query");
}

function withParam(path: string, name: string, value: string): string {
  const url = new URL(path, "http://x");
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

describe("the document as a whole", () => {
  it("every operation was answered successfully and checked, at the root and samples of the prefixes", () => {
    const missing: string[] = [];
    for (const [template, item] of Object.entries<Json>(checker.document.paths)) {
      if (template.startsWith("/openapi.")) continue;
      for (const method of METHODS) {
        if (!item[method]) continue;
        const key = `${method.toUpperCase()} ${template}`;
        const statuses = [...(checker.seen.get(key) ?? [])];
        // The official copies under a group are the same handlers: a sample of them is called.
        if (template.startsWith("/groups/") && !statuses.length) continue;
        if (!statuses.some((status) => status >= 200 && status < 300)) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the query parameters' documented bounds, enumerations and types are the enforced ones", async () => {
    const tried = new Set<string>();
    for (const read of reads) {
      const bare = read.path.split("?")[0]!;
      const { template, op } = checker.operation("GET", bare);
      if (tried.has(template)) continue;
      tried.add(template);
      const edges: [string, string, number | number[]][] = [];
      for (const param of queryParameters(op)) {
        const schema = param.schema as Json;
        if (schema.type === "integer" && schema.maximum !== undefined) {
          edges.push([param.name, String(schema.maximum), 200], [param.name, String(schema.maximum + 1), 422]);
          edges.push([param.name, String(schema.minimum), 200], [param.name, String(schema.minimum - 1), 422]);
        }
        const values: unknown[] | undefined = schema.enum ?? schema.items?.enum;
        if (values !== undefined) {
          for (const value of values) edges.push([param.name, String(value), 200]);
          edges.push([param.name, "no-such-value", 422]);
        }
        if (schema.type === "boolean") edges.push([param.name, "true", 200], [param.name, "maybe", 422]);
        if (schema.format === "date-time") {
          // The official list refuses a bad updated_since with 400; our own routes with 422.
          edges.push([param.name, "2020-01-01T00:00:00Z", 200], [param.name, "yesterday", [400, 422]]);
        }
      }
      for (const [name, value, status] of edges) {
        // A comma list takes its values together too.
        await call(
          "GET",
          withParam(read.path, name, value),
          status,
          read.token === undefined ? {} : { token: read.token },
        );
      }
    }
    expect(tried.size).toBeGreaterThan(10);
  });
});
