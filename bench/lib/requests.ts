// HTTP helpers the rows (rows.ts) and the start-up (session.ts) share: plain GETs, the cache
// fill, publish and administrator tokens, single publishes, the search index build.
import { issueRegistryToken } from "../../worker/src/auth/registry-token.ts";
import { publishBody } from "./publish-body.ts";
import type { RegistryServer } from "./servers.ts";
import { triggerCron } from "./servers.ts";

export const enc = encodeURIComponent;

/** Deterministic pick of up to `n` names, spread over the whole catalogue. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

export async function get(url: string, headers?: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, headers ? { headers } : {});
  return { status: response.status, text: await response.text() };
}

/** Every distinct path once, 8 at a time: fills the memory/KV caches the steady state runs on. */
export async function warmPaths(
  base: string,
  paths: readonly string[],
  headers?: Record<string, string>,
): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const unique = [...new Set(paths)];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < unique.length) {
        const { status } = await get(`${base}${unique[next++]!}`, headers);
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

/** A registry token of an organisation administrator (`edit` on every name), signed with the instance's key. */
export async function adminToken(server: RegistryServer): Promise<string> {
  const { registry_token } = await issueRegistryToken(
    { JWT_PRIVATE_KEY: server.jwtPrivateKey },
    "oidc",
    "bench-admin",
    [{ action: "edit", resource: "*" }],
  );
  return registry_token;
}

/** A JSON call with a bearer token that must succeed; its body, as the caller says it is. */
export async function call<T>(url: string, method: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text === "" ? null : JSON.parse(text)) as T;
}

/**
 * The group-read row's setup, through the API as an operator does it: an administrator creates
 * a private group claiming `com.bench.private` and including the whole public catalogue, adds
 * itself as a viewer, publishes 8 private servers, and creates a personal access token.
 */
export async function groupReadSetup(
  server: RegistryServer,
): Promise<{ path: string; headers: Record<string, string> }> {
  const group = "bench-private";
  const admin = await adminToken(server);
  const base = server.url;
  await call<unknown>(`${base}/x/admin/groups`, "POST", admin, {
    name: group,
    title: "Benchmark",
    visibility: "private",
    namespaces: ["com.bench.private"],
    include: ["*"],
  });
  await call<unknown>(`${base}/x/admin/groups/${group}/members/${enc("oidc:bench-admin")}`, "PUT", admin, {
    role: "viewer",
  });
  for (let i = 0; i < 8; i++) {
    const response = await fetch(`${base}/groups/${group}/v0.1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: publishBody(`com.bench.private/server-${i}`, "1.0.0"),
    });
    if (!response.ok) throw new Error(`group publish answered ${response.status}: ${await response.text()}`);
  }
  const { token } = await call<{ token: string }>(`${base}/x/tokens`, "POST", admin, {
    name: "bench",
    kind: "personal",
    access: [{ group, role: "viewer" }],
  });
  return { path: `/groups/${group}/v0.1/servers`, headers: { authorization: `Bearer ${token}` } };
}

/** One `POST /v0.1/publish` of the benchmark's server.json; the status. */
export async function publishOnce(
  server: RegistryServer,
  token: string,
  name: string,
  version: string,
): Promise<number> {
  const response = await fetch(`${server.url}/v0.1/publish`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: publishBody(name, version),
  });
  await response.arrayBuffer();
  return response.status;
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
