// Placeholder: filled in by its owner.
import type { SiteRoute } from "./site-route.ts";

export const SEARCH_ROUTES: readonly SiteRoute[] = [];
