// Placeholder: filled in by its owner.
import type { SiteRoute } from "../web/site-route.ts";

export const OPENAPI_ROUTES: readonly SiteRoute[] = [];
