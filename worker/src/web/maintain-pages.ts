// Placeholder: filled in by its owner.
import type { SiteRoute } from "./site-route.ts";

export const MAINTAIN_ROUTES: readonly SiteRoute[] = [];
