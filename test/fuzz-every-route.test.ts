// Property-based fuzzing of every route: random methods, paths (with real and random names,
// percent-encodings, long and invalid segments), query strings, headers and bodies (deep, wide,
// long, invalid UTF-8, NUL), without a token or with a real one scoped to an empty namespace.
// Whatever arrives, the answer is never a 5xx, every error is problem+json within the size cap,
// and nothing is written: no catalogue row, report, denylist entry or review mark changes, and
// the audit trail gains nothing but token exchanges and refusals.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "./helpers/publishing.ts";
import { api, loadFixtures } from "./helpers/registry.ts";

/** No problem reply may be larger than this (issue 9: bounded error replies). */
const MAX_PROBLEM_BYTES = 64 * 1024;
const RUNS = 400;

const KNOWN = ["io.github.fuzz/alpha", "com.example.fuzz/beta"];

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PROPFIND"];

/** Route templates; `{name}`, `{version}` and `{id}` are filled by the generators below. */
const TEMPLATES = [
  "/",
  "/docs",
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
];

const QUERY_KEYS = [
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

const path = fc
  .tuple(
    fc.constantFrom(...TEMPLATES),
    fc.constantFrom("v0", "v0.1", "v1", "V0"),
    nameSegment,
    encodedSegment(anyText),
    encodedSegment(anyText),
    encodedSegment(anyText),
    fc.boolean(),
  )
  .map(([template, prefix, name, version, id, segment, slash]) => {
    const filled = template
      .replace("{prefix}", prefix)
      .replace("{name}", name)
      .replace("{version}", version)
      .replace("{id}", id)
      .replaceAll("{segment}", segment);
    return slash && filled !== "/" ? `${filled}/` : filled;
  });

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

/** A real registry token (publish and edit on a namespace that holds nothing), set in beforeAll. */
let scopedToken = "";

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constant("scoped").map(() => `Bearer ${scopedToken}`),
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

/** Header values a Headers object accepts (no CR, LF or NUL; Latin-1). */
function headerSafe(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.replace(/[^\x20-\x7e]/g, "_").slice(0, 4000);
  }
  return out;
}

async function writeCounts() {
  const tables = ["server_versions", "servers", "server_remotes", "reports", "review_marks", "denylist"];
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
  return counts;
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
  });

  it("answers every request without a 5xx, with bounded problem+json errors, and writes nothing", async () => {
    const before = await writeCounts();
    const statuses = new Map<number, number>();
    let refusedByTest = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), path, query, headers, body, async (method, p, q, h, b) => {
        const init: RequestInit = { method, headers: headerSafe(h as Record<string, string>) };
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
        if (response.status >= 400 && method !== "HEAD") {
          expect(response.headers.get("content-type"), `${method} ${p}${q}`).toBe("application/problem+json");
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
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(await writeCounts()).toEqual(before);
    // The generators must reach the Worker, and reach it in many ways.
    expect(refusedByTest).toBeLessThan(RUNS / 4);
    expect(statuses.size).toBeGreaterThanOrEqual(5);
  });
});
