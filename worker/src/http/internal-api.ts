// The API as the web pages and the MCP endpoint call it: a request through the same router, caches
// and permission checks as any client's, carrying the caller's token and address. Nothing reads
// the catalogue by another path, so a page or a tool can never show what the API would not.

/** One API answer: its status, entity tag and body. */
export interface ApiAnswer {
  status: number;
  etag: string | null;
  /** The answer's headers (Retry-After of a 429 or 503, WWW-Authenticate of a 401). */
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined for an empty or non-JSON body. */
  json<T = unknown>(): T | undefined;
}

export interface ApiCallInit {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  /** Overrides the caller's token for this call (e.g. a sign-in check). */
  token?: string;
  /**
   * Request headers of the call, such as If-None-Match: a page that kept its rendering of an
   * answer asks for a bodiless 304 instead of reading the body again.
   */
  headers?: Record<string, string>;
}

/** Calls the API at `path` (with its query), as the caller the front end is answering. */
export type ApiCaller = (path: string, init?: ApiCallInit) => Promise<ApiAnswer>;

/** Headers of the caller's request that the API's rate limits and reporter identity read. */
const FORWARDED_HEADERS = ["cf-connecting-ip", "user-agent"] as const;

/**
 * An ApiCaller for one incoming request. `handle` is the API's entry (http/router.ts
 * handleRequest), passed in so that the layers above the API do not import it.
 */
export function internalApi(
  handle: (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>,
  incoming: Request,
  env: Env,
  ctx: ExecutionContext,
  token: string | undefined,
): ApiCaller {
  const origin = new URL(incoming.url).origin;
  return async (path, init = {}) => {
    const headers = new Headers({ accept: "application/json", ...init.headers });
    for (const name of FORWARDED_HEADERS) {
      const value = incoming.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const bearer = init.token ?? token;
    if (bearer !== undefined) headers.set("authorization", `Bearer ${bearer}`);
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers.set("content-type", "application/json");
    }
    const response = await handle(
      new Request(`${origin}${path}`, { method: init.method ?? "GET", headers, body }),
      env,
      ctx,
    );
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get("etag"),
      headers: response.headers,
      text,
      json<T>() {
        if (text === "") return undefined;
        try {
          return JSON.parse(text) as T;
        } catch {
          return undefined;
        }
      },
    };
  };
}
