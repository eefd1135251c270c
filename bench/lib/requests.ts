// The requests every row sends, shared by the benchmark (run.ts) and the profiler (profile.ts).
import { issueRegistryToken } from "../../worker/src/auth/registry-token.ts";
import type { RegistryServer } from "./servers.ts";
import { triggerCron } from "./servers.ts";

export const SUBSTRING_WORDS = ["github", "mcp", "server", "ai", "weather", "postgres", "slack", "api"];
export const SEARCH_QUERIES = [
  "postgres",
  "send slack message",
  "kubernets",
  "github pull requests",
  "weather forecast",
  "file system",
  "browser automation",
  "notion pages",
  "jira tickets",
  "web search",
  "docker",
  "stripe payments",
  "aws s3 buckets",
  "google calendar",
  "memory knowledge graph",
  "sql datab",
];

export const enc = encodeURIComponent;

/** Deterministic pick of up to `n` names, spread over the whole catalogue. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

export interface ReadRowDef {
  id: string;
  endpoint: string;
  paths: string[];
}

/** The read rows, in table order; `names` are the (readable) names detail/versions rotate over. */
export function readRowDefs(names: readonly string[]): ReadRowDef[] {
  return [
    { id: "list", endpoint: "list page /v0.1/servers", paths: ["/v0.1/servers"] },
    { id: "latest", endpoint: "list ?version=latest&limit=100", paths: ["/v0.1/servers?version=latest&limit=100"] },
    {
      id: "substring",
      endpoint: `substring ?search=<${SUBSTRING_WORDS.length} words>`,
      paths: SUBSTRING_WORDS.map((w) => `/v0.1/servers?search=${enc(w)}`),
    },
    {
      id: "search",
      endpoint: `/x/search?q=<${SEARCH_QUERIES.length} queries>`,
      paths: SEARCH_QUERIES.map((q) => `/x/search?q=${enc(q)}`),
    },
    {
      id: "detail",
      endpoint: `detail …/versions/latest (${names.length} names)`,
      paths: names.map((n) => `/v0.1/servers/${enc(n)}/versions/latest`),
    },
    {
      id: "versions",
      endpoint: `versions …/versions (${names.length} names)`,
      paths: names.map((n) => `/v0.1/servers/${enc(n)}/versions`),
    },
  ];
}

const PUNCTUATION = [".", ",", ";", "!", "?", "~"];

/**
 * `/x/search` paths that never hit the per-isolate answer cache: the same ${"16"} queries, each
 * prefixed with a distinct run of punctuation ("!?.; postgres"). The tokenizer only reads letter
 * and digit runs, so the ranking work and the answer are those of the plain query, but the
 * cache key (the normalized q) differs. `run` picks a disjoint range of prefixes.
 */
export function uncachedSearchPaths(run: number, perQuery = 4000): string[] {
  const paths: string[] = [];
  for (let k = 0; k < perQuery; k++) {
    let v = run * perQuery + k + 1;
    let prefix = "";
    while (v > 0) {
      prefix += PUNCTUATION[v % PUNCTUATION.length];
      v = Math.floor(v / PUNCTUATION.length);
    }
    for (const q of SEARCH_QUERIES) paths.push(`/x/search?q=${enc(`${prefix} ${q}`)}`);
  }
  return paths;
}

/** The names of the one-namespace and many-namespace publish rows. */
export const PUBLISH_ONE_NAMES = Array.from({ length: 8 }, (_, i) => `io.bench.one/server-${i}`);
export const PUBLISH_MANY_NAMES = Array.from({ length: 64 }, (_, i) => `io.bench.many${i}/server`);

export async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

/** Every distinct path once, 8 at a time: fills the memory/KV caches the steady state runs on. */
export async function warmPaths(base: string, paths: readonly string[]): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const unique = [...new Set(paths)];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < unique.length) {
        const { status } = await get(`${base}${unique[next++]!}`);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return statuses;
}

/** A registry token with `publish` on every name, signed with the instance's key. */
export async function publishToken(server: RegistryServer): Promise<string> {
  const { registry_token } = await issueRegistryToken({ JWT_PRIVATE_KEY: server.jwtPrivateKey }, "none", "bench", [
    { action: "publish", resource: "*" },
  ]);
  return registry_token;
}

/** Runs the cron until /x/search finds a seeded name (the index may build over several runs). */
export async function buildSearchIndex(server: RegistryServer, probeName: string): Promise<string> {
  const started = Date.now();
  for (let run = 1; run <= 10; run++) {
    await triggerCron(server, server.config.cron);
    const probe = await get(`${server.url}/x/search?q=${enc(probeName)}`);
    if (probe.status === 404) return `cron ran once (${Date.now() - started} ms); /x/search answers 404`;
    if (probe.status === 200 && probe.text.includes(`"name":"${probeName}"`)) {
      return `search index built by ${run} cron run${run > 1 ? "s" : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    }
  }
  return `search index: probe ${probeName} not found after 10 cron runs`;
}
