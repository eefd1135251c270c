// POST /mcp, at the root and under /groups/{group}/: the registry as an MCP server over
// Streamable HTTP, stateless (registry-mcp-server.ts: a fresh server per request, plain JSON
// answers, no session, no SSE stream), so any isolate can answer any request. This file speaks
// HTTP: CORS, methods, the body bound, and the group: tools read through the API with the
// caller's bearer token under the same prefix, and a group the caller may not read answers this
// endpoint exactly as the API answers its paths, 404 (or 401 for a bad token), before any MCP
// message is looked at.
import { ApiError, type ProblemDetail } from "../errors.ts";
import { preflightResponse, withCors } from "../http/cors.ts";
import type { ApiAnswer } from "../http/internal-api.ts";
import { problemResponse } from "../http/problem.ts";
import { jsonShapeRefusal } from "../http/request-body.ts";
import { endpointNotFound, methodNotAllowed } from "../http/request-guards.ts";
import { withResourceChallenge } from "../http/routes/well-known.ts";
import { readTextCapped } from "../net/read-capped.ts";
import type { SiteContext } from "../web/site-context.ts";
import type { SiteRoute } from "../web/site-route.ts";
import { RegistryReader } from "./registry-reader.ts";

/** Largest request body: a tool call is a few hundred bytes; batches are bounded by this too. */
export const MAX_MCP_BODY_BYTES = 64 * 1024;
/** Most JSON-RPC messages in one request (protocol 2025-06-18 and later send one at a time). */
export const MAX_MCP_BATCH = 10;

const ALLOWED_METHODS = ["OPTIONS", "POST"];
/** Headers a browser-based MCP client reads from our answers. */
const MCP_EXPOSED_HEADERS = "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate";

/** The bearer token of the request; any other Authorization value is passed on for the API to refuse. */
function bearerTokenOf(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (header === null || header === "") return undefined;
  return /^bearer /i.test(header) ? header.slice("bearer ".length) : header;
}

/** A JSON-RPC error with no id, as the SDK's transport answers requests it cannot read. */
function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * The request's JSON-RPC message(s), read within MAX_MCP_BODY_BYTES (413 beyond) before the
 * transport sees anything; a JSON-RPC error answer when the body is not JSON or too large a batch.
 */
async function readMessages(request: Request): Promise<unknown | Response> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  const text = declared > MAX_MCP_BODY_BYTES ? undefined : await readTextCapped(request.body, MAX_MCP_BODY_BYTES);
  if (text === undefined) throw new ApiError(413, `request body is too large limit=${MAX_MCP_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    if (jsonShapeRefusal(text) !== undefined) throw new Error("too deep");
    body = JSON.parse(text);
  } catch {
    return jsonRpcError(400, -32700, "Parse error: Invalid JSON");
  }
  if (Array.isArray(body) && body.length > MAX_MCP_BATCH) {
    return jsonRpcError(400, -32600, `Invalid Request: Batch must not exceed ${MAX_MCP_BATCH} messages`);
  }
  return body;
}

/** The API's refusal of a call, as the same problem. */
function refusalOf(answer: ApiAnswer): ApiError {
  const problem = answer.json<{ detail?: unknown; errors?: ProblemDetail[] }>();
  const detail = typeof problem?.detail === "string" ? problem.detail : "The registry could not answer";
  return new ApiError(answer.status, detail, Array.isArray(problem?.errors) ? problem.errors : []);
}

/**
 * Under a group: whether the caller may read it, asked of the API (which resolves the group's
 * view and the token). A group hidden from the caller is an unknown path, as the API says.
 */
async function assertReadable(reader: RegistryReader, site: SiteContext): Promise<void> {
  const answer = await reader.access();
  if (answer.status === 200) return;
  throw answer.status === 404 ? endpointNotFound(site.url) : refusalOf(answer);
}

async function answerMcp(request: Request, site: SiteContext): Promise<Response> {
  const preflight = preflightResponse(request);
  if (preflight !== undefined) return preflight;
  const reader = new RegistryReader(site.apiWith(bearerTokenOf(request)), site.base);
  // The group first, whatever the method, as the API resolves a group's view before routing.
  if (site.group !== undefined) await assertReadable(reader, site);
  // Stateless: no standalone SSE stream to GET, no session to DELETE (the SDK's stateless rule).
  if (request.method !== "POST") throw methodNotAllowed(request.method, ALLOWED_METHODS);
  const messages = await readMessages(request);
  if (messages instanceof Response) return messages;
  // The SDK is loaded on the first MCP request: evaluating it (hundreds of schemas) would
  // otherwise add tens of milliseconds to every isolate's start, API-only ones included.
  const { answerMcpMessages } = await import("./registry-mcp-server.ts");
  return answerMcpMessages(request, messages, reader, {
    version: site.env.REGISTRY_VERSION,
    origin: site.url.origin,
  });
}

async function handleMcp(request: Request, site: SiteContext): Promise<Response> {
  let response: Response;
  try {
    response = await answerMcp(request, site);
  } catch (err) {
    response = problemResponse(err);
  }
  // A 401 names where OAuth-capable clients find the token issuer (RFC 9728), as the API's do.
  response = withResourceChallenge(request, response);
  response = withCors(request, new Response(response.body, response));
  if (request.headers.has("origin")) {
    response.headers.set(
      "access-control-expose-headers",
      `${response.headers.get("access-control-expose-headers")}, ${MCP_EXPOSED_HEADERS}`,
    );
  }
  return response;
}

export const MCP_ROUTES: readonly SiteRoute[] = [{ method: "ALL", path: "/mcp", kind: "api", handler: handleMcp }];
