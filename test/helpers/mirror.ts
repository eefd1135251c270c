// Test helpers for mirroring: a fake upstream reached through the vitest fetch mock, the
// /x/admin/sources calls as an organisation administrator, and cron runs of the mirror.
import { env } from "cloudflare:workers";
import { mirrorSources } from "../../worker/src/cron/mirror-sources.ts";
import { stepSource } from "../../worker/src/sync/mirror-source.ts";
import type { FakeUpstream } from "./fake-upstream.ts";
import { stubFetch } from "./fetch-stub.ts";
import { orgAdminToken } from "./groups.ts";
import { apiJson } from "./registry.ts";

/** Routes the Worker's outbound requests to `upstreams` (anything else fails like an unreachable host). */
export function serveUpstreams(...upstreams: FakeUpstream[]): void {
  const routes: Record<string, (request: Request) => Promise<Response>> = {};
  for (const upstream of upstreams) {
    routes[`${upstream.base}/v0.1/servers`] = (request) => upstream.handle(request);
    routes[`${upstream.base}/x/changes`] = (request) => upstream.handle(request);
  }
  stubFetch(routes);
}

function init(method: string, token: string | undefined, body?: unknown): RequestInit {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`; // "": anonymous
  if (body !== undefined) headers["content-type"] = "application/json";
  return {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  };
}

/** POST /x/admin/sources (as an organisation administrator unless `token` is given; "": anonymous). */
export async function createSource(body: unknown, token?: string) {
  return apiJson("/x/admin/sources", init("POST", token ?? (await orgAdminToken()), body));
}

export async function listSources(token?: string) {
  return apiJson("/x/admin/sources", init("GET", token ?? (await orgAdminToken())));
}

export async function deleteSource(id: string, token?: string) {
  return apiJson(`/x/admin/sources/${encodeURIComponent(id)}`, init("DELETE", token ?? (await orgAdminToken())));
}

export async function syncSource(id: string, token?: string) {
  return apiJson(`/x/admin/sources/${encodeURIComponent(id)}/sync`, init("POST", token ?? (await orgAdminToken())));
}

/** A registered source's id (fails the test when the registration is refused). */
export async function registerSource(body: Record<string, unknown>): Promise<string> {
  const { status, body: created } = await createSource(body);
  if (status !== 201) throw new Error(`source registration answered ${status}: ${JSON.stringify(created)}`);
  return created.id as string;
}

/** One source's state, as GET /x/admin/sources shows it. */
export async function sourceState(id: string): Promise<any> {
  const { body } = await listSources();
  const found = body.sources.find((s: { id: string }) => s.id === id);
  if (!found) throw new Error(`source ${id} is not listed`);
  return found;
}

/** One cron run of the mirror, with `pages` pages per source. */
export function runMirrorCron(pages: number, overrides: Partial<Env> = {}): Promise<void> {
  return mirrorSources({ ...env, MIRROR_PAGES_PER_RUN: String(pages), ...overrides });
}

/** One step of one source (what a cron run does for it), on `overrides` of the real bindings. */
export async function stepOnce(id: string, pages: number, overrides: Partial<Env> = {}) {
  return stepSource({ ...env, ...overrides }, id, pages);
}

/** Cron runs until the source is caught up; how many it took (fails past `max`). */
export async function mirrorUntilCaughtUp(id: string, pages: number, max = 200): Promise<number> {
  for (let run = 1; run <= max; run++) {
    await runMirrorCron(pages);
    const state = await sourceState(id);
    if (state.lastError !== null) throw new Error(`mirror step failed: ${state.lastError}`);
    if (state.caughtUp) return run;
  }
  throw new Error(`source ${id} not caught up after ${max} runs`);
}
