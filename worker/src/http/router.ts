// The route table. Routes only speak HTTP: they parse, call domain or storage code, and answer.
import type { IRequest } from "itty-router";
import { Router } from "itty-router/Router";
import { preflightResponse, withCors } from "./cors.ts";
import { problemBody, problemResponse } from "./problem.ts";
import { requestIdOf } from "./request-id.ts";
import {
  groupPathOf,
  isExchangePath,
  PUBLIC,
  resolveGroupView,
  servedInGroup,
  type ResolvedView,
} from "./group-view.ts";
import { endpointNotFound, guardRequest, methodNotAllowed } from "./request-guards.ts";
import { getServerVersion, listServers, listServerVersions } from "./routes/discovery.ts";
import { AUTH_ROUTES, isDisabledExchange } from "./routes/auth.ts";
import { editServerVersion } from "./routes/edit.ts";
import { publishServer, validateServer } from "./routes/publish.ts";
import { listAuditLog, listAuthFailureCounts, listModerationLog } from "./routes/audit.ts";
import { addDenylistEntry, listDenylistEntries, removeDenylistEntry } from "./routes/denylist.ts";
import { fileReport, listReportQueue, resolveReport } from "./routes/reports.ts";
import { searchServers } from "./routes/search.ts";
import { health, ping, version } from "./routes/service.ts";
import { setServerStatus, setVersionStatus } from "./routes/status.ts";
import { decidePending, listPending } from "./routes/approvals.ts";
import {
  createGroup,
  deleteGroup,
  getGroupRoute,
  listGroupsRoute,
  listMembers,
  putMember,
  removeMember,
  updateGroup,
} from "./routes/groups.ts";
import { createToken, listTokens, revokeToken } from "./routes/tokens.ts";
import { listChanges } from "./routes/changes.ts";
import { createSource, deleteSource, listSources, syncSource } from "./routes/sources.ts";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from "./routes/webhooks.ts";
import { protectedResourceMetadata, withResourceChallenge } from "./routes/well-known.ts";

/** Both official prefixes serve identical handlers (spec §1). */
export const API_PREFIXES = ["/v0", "/v0.1"] as const;

/**
 * What every handler receives after the request: its URL (under a group's prefix, the inner
 * path), and the view it answers from with the caller, if a token was sent.
 */
type Args = [Env, ExecutionContext, URL, ResolvedView];

type AppRouter = ReturnType<typeof Router<IRequest, Args>>;

/** The official API (both prefixes) and ranked search: what the root and every group serve. */
function serveApi(on: AppRouter): AppRouter {
  for (const prefix of API_PREFIXES) {
    on.get(`${prefix}/health`, health)
      .get(`${prefix}/ping`, ping)
      .get(`${prefix}/version`, version)
      .get(`${prefix}/servers`, listServers)
      .get(`${prefix}/servers/:name/versions`, listServerVersions)
      .get(`${prefix}/servers/:name/versions/:version`, getServerVersion)
      .post(`${prefix}/publish`, publishServer)
      .post(`${prefix}/validate`, validateServer)
      .put(`${prefix}/servers/:name/versions/:version`, editServerVersion)
      .patch(`${prefix}/servers/:name/versions/:version/status`, setVersionStatus)
      .patch(`${prefix}/servers/:name/status`, setServerStatus);
    for (const [path, handler] of AUTH_ROUTES) on.post(`${prefix}${path}`, handler);
  }
  return on.get("/x/search", searchServers).get("/x/changes", listChanges);
}

const router = serveApi(Router<IRequest, Args>());
/**
 * The same routes under /groups/{group}/, matched in place: the request is routed as it came
 * (no copy of it with the inner path), the group's view resolved before.
 */
const groupRouter = serveApi(Router<IRequest, Args>({ base: "/groups/:group" }));
// Our extensions live under /x/ (never under the official prefixes).
router
  .post("/x/reports", fileReport)
  .get("/x/moderation-log", listModerationLog)
  .get("/x/admin/reports", listReportQueue)
  .post("/x/admin/reports/:id/resolve", resolveReport)
  .get("/x/admin/denylist", listDenylistEntries)
  .post("/x/admin/denylist", addDenylistEntry)
  .delete("/x/admin/denylist", removeDenylistEntry)
  .get("/x/admin/audit", listAuditLog)
  .get("/x/admin/auth-failures", listAuthFailureCounts)
  // Private sub-registries (docs/governance.md).
  .post("/x/admin/groups", createGroup)
  .get("/x/admin/groups", listGroupsRoute)
  .get("/x/admin/groups/:group", getGroupRoute)
  .patch("/x/admin/groups/:group", updateGroup)
  .delete("/x/admin/groups/:group", deleteGroup)
  .get("/x/admin/groups/:group/members", listMembers)
  .put("/x/admin/groups/:group/members/:member", putMember)
  .delete("/x/admin/groups/:group/members/:member", removeMember)
  .get("/x/admin/groups/:group/pending", listPending)
  .post("/x/admin/groups/:group/pending/:name/:version", decidePending)
  .post("/x/tokens", createToken)
  .get("/x/tokens", listTokens)
  .delete("/x/tokens/:id", revokeToken)
  // Sync: upstream sources mirrored by the cron, webhook subscriptions (README "Sync").
  .post("/x/admin/sources", createSource)
  .get("/x/admin/sources", listSources)
  .delete("/x/admin/sources/:id", deleteSource)
  .post("/x/admin/sources/:id/sync", syncSource)
  .post("/x/admin/webhooks", createWebhook)
  .get("/x/admin/webhooks", listWebhooks)
  .delete("/x/admin/webhooks/:id", deleteWebhook)
  .get("/x/admin/webhooks/:id/deliveries", listDeliveries)
  // RFC 9728: where OAuth-capable clients find the issuer of the tokens we accept.
  .get("/.well-known/oauth-protected-resource", protectedResourceMetadata)
  .get("/.well-known/oauth-protected-resource/groups/:group", protectedResourceMetadata);

/**
 * Every route as routed: its method and itty path pattern (group routes under `/groups/:group`).
 * The OpenAPI document is built from this list, so no route goes undocumented.
 */
export function routeTable(): { method: string; path: string }[] {
  return [...router.routes, ...groupRouter.routes].map(([method, , , path]) => ({ method, path: path ?? "" }));
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The methods routed for a path, as `Allow` lists them; empty for an unknown path. */
function allowedMethods(pathname: string): string[] {
  const methods = new Set<string>();
  for (const [method, pattern] of router.routes) {
    if (!pattern.test(pathname)) continue;
    methods.add(method);
    if (method === "GET") methods.add("HEAD"); // answered like GET, see handleRequest
  }
  return [...methods].sort();
}

/** What no route answered: 405 for a known path (any other method), else the official 404. */
function unrouted(method: string, url: URL, env: Env): Response {
  const allowed = isDisabledExchange(url.pathname, env) ? [] : allowedMethods(url.pathname);
  return problemResponse(allowed.length > 0 ? methodNotAllowed(method, allowed) : endpointNotFound(url));
}

/**
 * Routes a request under /groups/{group}/ with the group's view; token exchanges are answered as
 * at the root, whatever the group (and whether it exists). What it does not serve answers as the
 * root would answer its inner path.
 */
async function routeInGroup(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  url: URL,
): Promise<Response | undefined> {
  const path = groupPathOf(url.pathname);
  if (path === undefined) return undefined;
  if (!servedInGroup(path.inner)) throw endpointNotFound(url);
  const resolved = isExchangePath(path.inner) ? PUBLIC : await resolveGroupView(request, env, path.group, url);
  // Handlers see the inner path in their URL, so they answer exactly as at the root.
  const inner = new URL(url);
  inner.pathname = path.inner;
  return (await groupRouter.fetch(request, env, ctx, inner, resolved)) ?? unrouted(request.method, inner, env);
}

export async function handleRequest(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  let response: Response;
  // HEAD is answered like GET without a body, as Go's mux does for GET routes.
  const head = request.method === "HEAD";
  try {
    const url = new URL(request.url);
    const routed = head ? new Request(request, { method: "GET" }) : request;
    response =
      preflightResponse(request) ??
      guardRequest(url) ??
      (await routeInGroup(routed, env, ctx, url)) ??
      (await router.fetch(routed, env, ctx, url, PUBLIC)) ??
      unrouted(request.method, url, env);
  } catch (err) {
    response = problemResponse(err);
  }
  // RFC 9728 §5.1: a 401 of ours names where to find the token issuer.
  response = withResourceChallenge(request, response);
  if (head) response = new Response(null, response);
  if (!READ_METHODS.has(request.method)) {
    // Writes carry the id the audit trail records them under.
    response = new Response(response.body, response);
    response.headers.set("x-request-id", requestIdOf(request));
  }
  return withCors(request, response);
}

/**
 * CONNECT never reaches fetch(): workerd hands it to the default export's connect() with the
 * tunnel already open (the client has been told 200), and without one answers a bare 500. There
 * is nothing to tunnel to, so the tunnel carries one HTTP/1.1 405 problem reply, then closes.
 */
export async function handleConnect(socket: Socket): Promise<void> {
  const body = new TextEncoder().encode(
    problemBody(405, "Method CONNECT is not allowed: this server opens no tunnels"),
  );
  // An empty Allow: the tunnel's target (host:port) is no resource of ours (RFC 9110 §10.2.1).
  const head =
    "HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/problem+json\r\n" +
    `content-length: ${body.byteLength}\r\nallow: \r\nconnection: close\r\n\r\n`;
  const writer = socket.writable.getWriter();
  try {
    await writer.write(new TextEncoder().encode(head));
    await writer.write(body);
    await writer.close();
  } catch {
    // The client went away first: nothing to answer.
  } finally {
    await socket.close().catch(() => undefined);
  }
}
