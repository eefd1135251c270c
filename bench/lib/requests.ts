// HTTP helpers the rows (rows.ts) and the start-up (session.ts) share: plain GETs, the cache
// fill, publish tokens and single publishes, the search index build.
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
