// Long query values never reach a KV key as written (issue 9): a key part longer than
// MAX_PLAIN_KEY_PART is replaced by its SHA-256, so long but legal queries are answered (never a
// 500 "exceeds key length limit"), including cursors that point past a long version stored
// before versions were bounded, and /x/search's answer cache is keyed by bounded strings.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { rawAnswerKey } from "../worker/src/http/routes/search.ts";
import { listPageKey, MAX_PLAIN_KEY_PART, serverKey } from "../worker/src/storage/kv-keys.ts";
import { api, apiJson, loadFixtures, walkList } from "./helpers/registry.ts";

const NS = "com.long-keys";
/** A version stored before the 255 limit (the 102 KB one of issue 9). */
const LONG_VERSION = `1.0.0-${"x".repeat(102_000)}`;
const KV_KEY_LIMIT = 512;

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).byteLength;
}

async function allKvKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.CACHE.list(cursor === undefined ? {} : { cursor });
    keys.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return keys;
}

beforeAll(async () => {
  await loadFixtures(
    ["alpha", "bravo", "charlie", "delta", "echo"].map((s, i) => ({
      name: `${NS}/${s}`,
      version: "1.0.0",
      publishedAt: `2025-01-0${i + 1}T00:00:00Z`,
    })),
  );
  // Stored as it was before the fix, without going through the body model.
  const micros = Date.parse("2025-02-01T00:00:00Z") * 1000;
  const serverJson = JSON.stringify({
    $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
    name: `${NS}/charlie`,
    description: "A long version",
    version: LONG_VERSION,
  });
  await env.DB.prepare(
    `INSERT INTO server_versions (name, version, status, status_message, status_changed_at, published_at,
       updated_at, is_latest, server_json) VALUES (?, ?, 'active', NULL, ?, ?, ?, 0, ?)`,
  )
    .bind(`${NS}/charlie`, LONG_VERSION, micros, micros, micros, serverJson)
    .run();
});

describe("long list queries", () => {
  it.each([
    ["search", "q".repeat(480)],
    ["search", "é".repeat(300)],
    ["cursor", `${NS}/bravo:${"9".repeat(430)}`],
    ["cursor", `${"n".repeat(600)}:1.0.0`],
    ["version", "1".repeat(480)],
    ["version", "2".repeat(5_000)],
  ])("%s of %#: answered 200", async (key, value) => {
    const { status, body } = await apiJson(`/v0.1/servers?${key}=${encodeURIComponent(value)}`);
    expect(status).toBe(200);
    expect(body.metadata).toBeDefined();
  });

  it("answers a long name on the versions and detail endpoints with 404", async () => {
    const name = encodeURIComponent(`${NS}/${"n".repeat(600)}`);
    expect((await api(`/v0.1/servers/${name}/versions`)).status).toBe(404);
    expect((await api(`/v0.1/servers/${name}/versions/1.0.0`)).status).toBe(404);
  });

  it("walks past a long stored version with cursors, and so does an updated_since scan", async () => {
    const { items } = await walkList(`search=${NS}`, 1);
    expect(items.map((i) => `${i.server.name}@${i.server.version.slice(0, 8)}`)).toEqual([
      `${NS}/alpha@1.0.0`,
      `${NS}/bravo@1.0.0`,
      `${NS}/charlie@1.0.0`,
      `${NS}/charlie@1.0.0-xx`,
      `${NS}/delta@1.0.0`,
      `${NS}/echo@1.0.0`,
    ]);
    const mirror = await walkList("updated_since=2024-12-31T00:00:00Z", 2);
    expect(mirror.items.filter((i) => i.server.name.startsWith(NS))).toHaveLength(6);
    expect(mirror.items.some((i) => i.server.version === LONG_VERSION)).toBe(true);
  });

  it("keeps every KV key within the limit and the cached pages distinct", async () => {
    // Two pages whose cursors differ only past the plain-key length: cached under distinct keys.
    const first = await apiJson(`/v0.1/servers?limit=1&cursor=${encodeURIComponent(`${NS}/charlie:1.0.0`)}`);
    const next = await apiJson(`/v0.1/servers?limit=1&cursor=${encodeURIComponent(first.body.metadata.nextCursor)}`);
    expect(first.body.servers[0].server.version).toBe(LONG_VERSION);
    expect(next.body.servers[0].server.name).toBe(`${NS}/delta`);
    const again = await apiJson(`/v0.1/servers?limit=1&cursor=${encodeURIComponent(first.body.metadata.nextCursor)}`);
    expect(again.body).toEqual(next.body);
    const keys = await allKvKeys();
    expect(keys.filter((k) => k.startsWith("list:")).length).toBeGreaterThan(0);
    for (const key of keys) expect(utf8Length(key)).toBeLessThanOrEqual(KV_KEY_LIMIT);
  });
});

/** SHA-256 hex by WebCrypto, to check the keys' digests against. */
async function sha256Hex(input: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input)));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("KV key builders", () => {
  it("keep short parts as written and hash long ones to a fixed length", async () => {
    expect(listPageKey("g", '["a",null]')).toBe('list:g:["a",null]');
    expect(serverKey("com.example/tool")).toBe("server:com.example/tool");
    const long = "x".repeat(MAX_PLAIN_KEY_PART + 1);
    const digest = await sha256Hex(long);
    expect(listPageKey("g", long)).toBe(`list:g:#${digest}`);
    expect(serverKey(long)).toBe(`server:#${digest}`);
    expect(listPageKey("g", `${long}y`)).not.toBe(listPageKey("g", long));
    // Bytes count, not characters: 200 three-byte characters are hashed too.
    expect(serverKey("€".repeat(MAX_PLAIN_KEY_PART)).startsWith("server:#")).toBe(true);
  });
});

describe("/x/search with long parameters", () => {
  it.each([
    ["q", "w".repeat(20_000)],
    ["q", "long words ".repeat(2_000)],
    ["cursor", "A".repeat(100_000)],
    ["namespace", "n".repeat(20_000)],
    ["registryType", "npm,".repeat(5_000)],
  ])("%s of %#: never a 500, and a bounded answer", async (key, value) => {
    for (let i = 0; i < 2; i++) {
      const response = await api(`/x/search?${key}=${encodeURIComponent(value)}`);
      expect(response.status).toBeLessThan(500);
      expect((await response.arrayBuffer()).byteLength).toBeLessThanOrEqual(64 * 1024);
    }
  });

  it("keys its in-memory answers by bounded strings", () => {
    const short = rawAnswerKey("snap", "?q=weather");
    expect(short).toBe("snap|raw|?q=weather");
    const long = rawAnswerKey("snap", `?q=${"w".repeat(100_000)}`);
    expect(long.length).toBeLessThan(300);
    expect(long).not.toBe(rawAnswerKey("snap", `?q=${"w".repeat(100_001)}`));
  });
});
