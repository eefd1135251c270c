// Placeholder: filled in by its owner.
import type { SiteRoute } from "./site-route.ts";

export const GUIDE_ROUTES: readonly SiteRoute[] = [];
