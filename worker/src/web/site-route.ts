// The shape of a route of the site (pages, the API reference, the MCP endpoint), as each module
// declares its own and site-router.ts serves them at the root and under every group.
import type { SiteHandler } from "./site-context.ts";

export interface SiteRoute {
  method: "GET" | "POST" | "DELETE" | "ALL";
  /** An itty-router path pattern relative to the root or to `/groups/{group}`. */
  path: string;
  handler: SiteHandler;
  /**
   * "page": errors answer as an HTML page; "api": as problem+json (the MCP endpoint and the
   * OpenAPI documents are read by programs).
   */
  kind: "page" | "api";
  /** Served at the root only (the API reference is one for every group). */
  rootOnly?: boolean;
}
