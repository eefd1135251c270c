// What the MCP tools and resources read, and the only way they read it: API calls as the MCP
// caller (their token, under the endpoint's prefix), so a group's view, its permission rules and
// the API's caches apply exactly as they do to the API's own clients. A refusal of the API
// becomes a RegistryReadError carrying the problem's detail, which tools answer as a tool error.
import type { ApiAnswer, ApiCaller } from "../http/internal-api.ts";

/** One item of the API: a server.json and the registry's `_meta`. */
export interface ServerEntry {
  server: { name: string; version: string; title?: string; description?: string; [key: string]: unknown };
  _meta?: Record<string, unknown>;
}

export interface SearchAnswer {
  results: ServerEntry[];
  metadata: { count: number; total: number; nextCursor?: string };
}

export interface SearchParams {
  query?: string | undefined;
  registryType?: readonly string[] | undefined;
  transport?: readonly string[] | undefined;
  hosting?: string | undefined;
  namespace?: string | undefined;
  status?: readonly string[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A read the API refused (or could not answer): its status, and a sentence for the caller. */
export class RegistryReadError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "RegistryReadError";
    this.status = status;
  }
}

interface Problem {
  detail?: unknown;
  errors?: { message?: unknown; location?: unknown }[];
}

/** The problem's detail and its first field errors, as one sentence. */
function problemText(answer: ApiAnswer): string {
  const problem = answer.json<Problem>();
  const detail = typeof problem?.detail === "string" ? problem.detail : `the registry answered ${answer.status}`;
  const fields = (problem?.errors ?? [])
    .slice(0, 5)
    .filter((e) => typeof e.message === "string")
    .map((e) => (typeof e.location === "string" ? `${e.location}: ${e.message}` : String(e.message)));
  return fields.length > 0 ? `${detail} (${fields.join("; ")})` : detail;
}

const encode = encodeURIComponent;

export class RegistryReader {
  private readonly api: ApiCaller;
  /** "" at the root, "/groups/{group}" under a group. */
  readonly base: string;

  constructor(api: ApiCaller, base: string) {
    this.api = api;
    this.base = base;
  }

  /** The cheapest call that resolves the caller's view: 200, or the API's refusal (401, 404). */
  access(): Promise<ApiAnswer> {
    return this.api(`${this.base}/v0.1/ping`);
  }

  /** GET {base}/x/search. */
  async search(params: SearchParams): Promise<SearchAnswer> {
    const query = new URLSearchParams();
    if (params.query !== undefined && params.query !== "") query.set("q", params.query);
    const lists = { registryType: params.registryType, transport: params.transport, status: params.status };
    for (const [key, values] of Object.entries(lists)) {
      if (values !== undefined && values.length > 0) query.set(key, values.join(","));
    }
    if (params.hosting !== undefined) query.set("hosting", params.hosting);
    if (params.namespace !== undefined && params.namespace !== "") query.set("namespace", params.namespace);
    query.set("limit", String(params.limit));
    if (params.cursor !== undefined && params.cursor !== "") query.set("cursor", params.cursor);
    const answer = await this.api(`${this.base}/x/search?${query}`);
    if (answer.status !== 200) throw new RegistryReadError(answer.status, problemText(answer));
    return this.body<SearchAnswer>(answer);
  }

  /** One version ("latest" resolves to the latest); a 404 names what was not found. */
  async server(name: string, version = "latest"): Promise<ServerEntry> {
    const answer = await this.api(`${this.base}/v0.1/servers/${encode(name)}/versions/${encode(version)}`);
    if (answer.status === 404) {
      throw new RegistryReadError(
        404,
        version === "latest"
          ? `No server named "${name}" in this registry.`
          : `No version "${version}" of a server named "${name}" in this registry.`,
      );
    }
    if (answer.status !== 200) throw new RegistryReadError(answer.status, problemText(answer));
    return this.body<ServerEntry>(answer);
  }

  /** Every visible version of a server, newest first. */
  async versions(name: string): Promise<ServerEntry[]> {
    const answer = await this.api(`${this.base}/v0.1/servers/${encode(name)}/versions`);
    if (answer.status === 404) throw new RegistryReadError(404, `No server named "${name}" in this registry.`);
    if (answer.status !== 200) throw new RegistryReadError(answer.status, problemText(answer));
    return this.body<{ servers: ServerEntry[] }>(answer).servers;
  }

  private body<T>(answer: ApiAnswer): T {
    const body = answer.json<T>();
    if (body === undefined) throw new RegistryReadError(502, "The registry's answer could not be read.");
    return body;
  }
}
