// The sub-registry prefix: /groups/{group}/… serves /v0, /v0.1 and /x/search with the group's
// view (docs/governance.md). A group the caller may not read answers exactly like an unknown
// path, so its existence does not leak.
import { groupAccess, optionalPrincipal, type Principal } from "../auth/principal.ts";
import { GROUP_NAME_PATTERN, mayRead, PUBLIC_VIEW, type View } from "../domain/groups.ts";
import { endpointNotFound } from "./request-guards.ts";

const GROUP_PATH = /^\/groups\/([^/]+)(\/.*)$/;

/** What a request under /groups/{group}/ asks for: the group's name and the path inside it. */
export interface GroupPath {
  group: string;
  inner: string;
}

/** The group and inner path of a /groups/{group}/… path, or undefined for any other path. */
export function groupPathOf(pathname: string): GroupPath | undefined {
  const match = GROUP_PATH.exec(pathname);
  return match ? { group: match[1]!, inner: match[2]! } : undefined;
}

/** Inner paths a group serves: the official API and ranked search. */
export function servedInGroup(inner: string): boolean {
  return inner.startsWith("/v0/") || inner.startsWith("/v0.1/") || inner === "/x/search" || inner === "/x/changes";
}

/** Token exchanges: identical under every prefix (a token is not bound to a group). */
export function isExchangePath(inner: string): boolean {
  return /^\/v0(\.1)?\/auth\//.test(inner);
}

/** A request's view, with the caller that presented a token (undefined when none). */
export interface ResolvedView {
  view: View;
  principal: Principal | undefined;
}

export const PUBLIC: ResolvedView = Object.freeze({ view: PUBLIC_VIEW, principal: undefined });

/**
 * The view of group `name` for this request's caller: 404 (as an unknown path) when there is no
 * such group or it is private and the caller holds no role in it; 401 for a bad token.
 */
export async function resolveGroupView(request: Request, env: Env, name: string, url: URL): Promise<ResolvedView> {
  if (!GROUP_NAME_PATTERN.test(name)) throw endpointNotFound(url);
  // The token first: a bad one is a 401 whether or not the group exists, which must not show.
  const principal = await optionalPrincipal(request, env);
  const found = await groupAccess(env, name, principal);
  if (found === undefined || !mayRead(found.group, found.access)) throw endpointNotFound(url);
  return { view: { kind: "group", ...found }, principal };
}
