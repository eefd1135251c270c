// Shared test helpers: call the Worker over HTTP and load catalogue entries through the same
// import path operators use.
import { env, exports } from "cloudflare:workers";
import { importEntries, type ImportEntry, type ImportReport } from "../../worker/src/writes/import-entries.ts";
import { CURRENT_SCHEMA_URL } from "../../worker/src/domain/server-json/index.ts";

export const ORIGIN = "http://registry.test";

/** A request through the Worker's real fetch handler. */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: "manual", ...init }));
}

export async function apiJson<T = any>(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; response: Response }> {
  const response = await api(path, init);
  const body = (await response.json()) as T;
  return { status: response.status, body, response };
}

/** A minimal valid server.json. */
export function serverJson(
  name: string,
  version: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { $schema: CURRENT_SCHEMA_URL, name, description: `Test server ${name}`, version, ...extra };
}

export interface FixtureVersion {
  name: string;
  version: string;
  status?: "active" | "deprecated" | "deleted";
  statusMessage?: string;
  publishedAt: string;
  updatedAt?: string;
  extra?: Record<string, unknown>;
}

/** Loads versions with explicit official metadata (timestamps, status); all must be valid. */
export async function loadFixtures(versions: readonly FixtureVersion[]): Promise<ImportReport> {
  const report = await importEntries(
    env,
    versions.map((v, i) => ({
      source: `fixture:${i}`,
      server: serverJson(v.name, v.version, v.extra),
      official: {
        status: v.status ?? "active",
        publishedAt: v.publishedAt,
        updatedAt: v.updatedAt ?? v.publishedAt,
        ...(v.statusMessage ? { statusMessage: v.statusMessage } : {}),
      },
    })),
  );
  if (report.rejected.length > 0) throw new Error(`fixtures rejected: ${JSON.stringify(report.rejected)}`);
  return report;
}

/** NDJSON text (plus an optional line-for-line meta file) as import entries. */
export function ndjsonEntries(servers: string, meta = "", label = "ndjson"): ImportEntry[] {
  const metaLines = meta.split("\n").filter((l) => l.trim() !== "");
  return servers
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line, i) => {
      const official = metaLines[i] === undefined ? undefined : JSON.parse(metaLines[i]!);
      return { source: `${label}:${i + 1}`, server: JSON.parse(line), ...(official ? { official } : {}) };
    });
}

/** Every page of a list query, following nextCursor. */
export async function walkList(query: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    const { status, body } = await apiJson(`/v0.1/servers?${params}`);
    if (status !== 200) throw new Error(`list answered ${status}: ${JSON.stringify(body)}`);
    items.push(...body.servers);
    cursor = body.metadata.nextCursor;
    pages++;
    if (pages > 10_000) throw new Error("pagination does not end");
  } while (cursor);
  return { items, pages };
}

export const official = (item: any) => item._meta["io.modelcontextprotocol.registry/official"];
