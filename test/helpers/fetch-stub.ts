// Outbound HTTP in tests: globalThis.fetch replaced by canned answers. The Worker runs in the
// test's isolate, so its outbound calls hit the stub too. A route is keyed by "METHOD url", by
// the full url (any method), or by the url without its query (origin + path).
import { vi } from "vitest";

export type Handler = (request: Request) => Response | Promise<Response>;

/** Replaces fetch; unknown URLs fail like an unreachable host. Returns the requests seen. */
export function stubFetch(routes: Record<string, Handler>): Request[] {
  const seen: Request[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    seen.push(request);
    const url = new URL(request.url);
    const handler =
      routes[`${request.method} ${request.url}`] ?? routes[request.url] ?? routes[`${url.origin}${url.pathname}`];
    if (!handler) throw new TypeError(`no stub for ${request.method} ${request.url}`);
    return handler(request);
  });
  return seen;
}

export const jsonReply =
  (body: unknown, status = 200) =>
  () =>
    Response.json(body, { status });
export const textReply =
  (body: string, status = 200) =>
  () =>
    new Response(body, { status });
