// Placeholder: filled in by its owner.
import type { SiteRoute } from "../web/site-route.ts";

export const MCP_ROUTES: readonly SiteRoute[] = [];
