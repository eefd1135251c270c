// The maintainers' pages, at the root and under every group: sign-in and sign-out, the dashboard,
// and the sections (review queue, denylist, audit trail, groups, tokens, sources, webhooks).
// Every page reads and acts through the API as the signed-in caller; every form post checks its
// origin first and answers with a redirect to the page it came from (or, for a new secret, the
// page showing it once).
import { auditPage } from "./maintain-audit.ts";
import { maintainHome, signIn, signOut, toMaintainPage } from "./maintain-dashboard.ts";
import { addDenylistAction, denylistPage, removeDenylistAction } from "./maintain-denylist.ts";
import {
  createGroupAction,
  createServiceTokenAction,
  decidePendingAction,
  deleteGroupAction,
  groupPageHandler,
  groupsPage,
  putMemberAction,
  removeMemberAction,
  revokeServiceTokenAction,
  updateGroupAction,
} from "./maintain-groups.ts";
import { reportsPage, resolveReportAction } from "./maintain-reports.ts";
import { createSourceAction, deleteSourceAction, sourcesPage, syncSourceAction } from "./maintain-sources.ts";
import { createPersonalTokenAction, revokePersonalTokenAction, tokensPage } from "./maintain-tokens.ts";
import { createWebhookAction, deleteWebhookAction, deliveriesPage, webhooksPage } from "./maintain-webhooks.ts";
import type { SiteHandler } from "./site-context.ts";
import type { SiteRoute } from "./site-route.ts";

const get = (path: string, handler: SiteHandler): SiteRoute => ({ method: "GET", path, handler, kind: "page" });
const post = (path: string, handler: SiteHandler): SiteRoute => ({ method: "POST", path, handler, kind: "page" });

// Path parameters never reuse `group`: under /groups/:group the router already names it.
export const MAINTAIN_ROUTES: readonly SiteRoute[] = [
  get("/maintain", maintainHome),
  post("/sign-in", signIn),
  post("/sign-out", signOut),
  get("/sign-in", toMaintainPage),
  get("/sign-out", toMaintainPage),
  get("/maintain/reports", reportsPage),
  post("/maintain/reports/:id/resolve", resolveReportAction),
  get("/maintain/denylist", denylistPage),
  post("/maintain/denylist", addDenylistAction),
  post("/maintain/denylist/remove", removeDenylistAction),
  get("/maintain/audit", auditPage),
  get("/maintain/groups", groupsPage),
  post("/maintain/groups", createGroupAction),
  get("/maintain/groups/:name", groupPageHandler),
  post("/maintain/groups/:name/update", updateGroupAction),
  post("/maintain/groups/:name/delete", deleteGroupAction),
  post("/maintain/groups/:name/members", putMemberAction),
  post("/maintain/groups/:name/members/remove", removeMemberAction),
  post("/maintain/groups/:name/pending", decidePendingAction),
  post("/maintain/groups/:name/tokens", createServiceTokenAction),
  post("/maintain/groups/:name/tokens/revoke", revokeServiceTokenAction),
  get("/maintain/tokens", tokensPage),
  post("/maintain/tokens", createPersonalTokenAction),
  post("/maintain/tokens/revoke", revokePersonalTokenAction),
  get("/maintain/sources", sourcesPage),
  post("/maintain/sources", createSourceAction),
  post("/maintain/sources/:id/delete", deleteSourceAction),
  post("/maintain/sources/:id/sync", syncSourceAction),
  get("/maintain/webhooks", webhooksPage),
  post("/maintain/webhooks", createWebhookAction),
  get("/maintain/webhooks/:id", deliveriesPage),
  post("/maintain/webhooks/:id/delete", deleteWebhookAction),
];
