// Placeholder: filled in by its owner.
import type { SiteRoute } from "./site-route.ts";

export const SERVER_ROUTES: readonly SiteRoute[] = [];
