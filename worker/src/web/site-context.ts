// What every page, the API reference and the MCP endpoint receive: where they answer from (the
// root or one group), the API as their caller may call it, and the signed-in session if any.
import type { ApiCaller } from "../http/internal-api.ts";

export interface SiteContext {
  request: Request;
  env: Env;
  ctx: ExecutionContext;
  url: URL;
  /** The group the request is under (`/groups/{group}/…`), undefined at the root. */
  group: string | undefined;
  /** "" at the root, "/groups/{group}" under a group: the prefix of every link and API path. */
  base: string;
  /** The session cookie's token (web pages only; the API never reads it). */
  sessionToken: string | undefined;
  /** The API as the signed-in caller (or anonymously): `api(`${base}/v0.1/servers`)`. */
  api: ApiCaller;
  /** The API as the holder of `token` (the MCP endpoint passes its request's bearer token). */
  apiWith(token: string | undefined): ApiCaller;
}

/** A handler of a page or site route; path parameters come from the router. */
export type SiteHandler = (
  request: Request & { params: Record<string, string>; query: Record<string, string | string[] | undefined> },
  site: SiteContext,
) => Response | Promise<Response>;
