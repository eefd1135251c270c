// Groups: `GET {base}/maintain/groups` (the caller's groups, and creation for administrators) and
// one group's page `GET {base}/maintain/groups/{name}`: its settings, members, pending approvals
// and service tokens, each with its forms. Everything through /x/admin/groups and /x/tokens.
import { GROUP_NAME_PATTERN, ROLES } from "../domain/groups.ts";
import { APPROVAL_META_KEY, MAX_DECISION_MESSAGE } from "../domain/approvals.ts";
import { ApiError } from "../errors.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  afterAction,
  cursorPager,
  doneNotice,
  doneRedirect,
  listField,
  localTable,
  maintainAction,
  maintainPage,
  PAGE_ROWS,
  pathParamOf,
  pathSegment,
  queryOf,
  type Read,
  readApi,
  sectionOutcome,
  sectionResponse,
  tableOr,
  textField,
  timeHtml,
  type GroupInfo,
  type Notice,
  type PageRequest,
} from "./maintain-kit.ts";
import { createdTokenResponse, revokeToken, serviceBody, serviceTokenSection } from "./maintain-tokens.ts";
import type { SiteContext } from "./site-context.ts";

interface Member {
  member: string;
  role: string;
  addedAt: string;
  addedBy: string;
}

interface Pending {
  server: { name: string; version: string; description?: string };
  _meta: Record<string, { submittedAt?: string; submittedBy?: string } | undefined>;
}

const DONE = {
  created: "Group created.",
  updated: "Group updated.",
  deleted: "Group deleted.",
  "member-saved": "Member saved.",
  "member-removed": "Member removed.",
  approved: "Approved: the version is published.",
  rejected: "Rejected: the version is no longer pending.",
  "token-revoked": "Service token revoked: it stops working at once.",
} as const;

/** The group named by the page's path, or the 404 of a group that cannot exist. */
function groupNameOf(request: PageRequest): string {
  const name = pathParamOf(request, "name");
  if (!GROUP_NAME_PATTERN.test(name)) throw new ApiError(404, "No group of this name that you hold a role in.");
  return name;
}

const groupApi = (name: string) => `/x/admin/groups/${encodeURIComponent(name)}`;
const groupPage = (site: SiteContext, name: string) => `${site.base}/maintain/groups/${name}`;

// --- the list -------------------------------------------------------------------------------

function groupRow(site: SiteContext, group: GroupInfo): SafeHtml {
  return html`<tr>
<td><a href="${groupPage(site, group.name)}">${group.name}</a></td>
<td>${group.title ?? ""}</td>
<td>${group.visibility}</td>
<td>${group.namespaces.join(", ")}</td>
<td>${group.access}</td>
<td><a href="/groups/${group.name}/maintain">Group's pages</a></td>
</tr>`;
}

const GROUPS_HEAD = html`<tr><th scope="col">Group</th><th scope="col">Title</th><th scope="col">Visibility</th><th scope="col">Claimed namespaces</th><th scope="col">Your role</th><th scope="col"><span class="visually-hidden">Links</span></th></tr>`;

function createForm(site: SiteContext): SafeHtml {
  return html`<form id="group-create" class="card" method="post" action="${site.base}/maintain/groups">
<h2>Create a group</h2>
<p class="hint">Organisation administrators only.</p>
<div class="field"><label for="g-name">Name</label><input type="text" id="g-name" name="name" required pattern="[a-z0-9][a-z0-9\\-]{0,62}" placeholder="acme"></div>
<div class="field"><label for="g-title">Title</label><input type="text" id="g-title" name="title"></div>
<div class="field"><label for="g-visibility">Visibility</label><select id="g-visibility" name="visibility"><option value="private">private (members only)</option><option value="public">public</option></select></div>
<div class="field"><label for="g-namespaces">Claimed namespaces <span class="hint">(one per line)</span></label><textarea id="g-namespaces" name="namespaces" rows="3" placeholder="com.acme.internal"></textarea></div>
<div class="field"><label for="g-include">Included public servers <span class="hint">(names or prefix patterns, one per line)</span></label><textarea id="g-include" name="include" rows="3" placeholder="io.github.acme/*"></textarea></div>
<div class="field"><label><input type="checkbox" name="requireApproval"> Publishes wait for a manager's approval</label></div>
<div class="field"><label for="g-registries">Allowed package registries <span class="hint">(policy, comma-separated; empty: no policy)</span></label><input type="text" id="g-registries" name="registries" placeholder="npm, oci"></div>
<div class="field"><label for="g-hosts">Allowed remote hosts <span class="hint">(policy, comma-separated)</span></label><input type="text" id="g-hosts" name="remoteHosts" placeholder="mcp.acme.com, *.acme.cloud"></div>
<button type="submit">Create group</button>
</form>`;
}

async function renderGroups(site: SiteContext, notice?: Notice, status = 200): Promise<Response> {
  const read = await readApi<{ groups: GroupInfo[] }>(site, "/x/admin/groups", "groups");
  if (read instanceof Response) return read;
  const list = read.ok
    ? localTable(read.body.groups, site.url, `${site.base}/maintain/groups`, {
        row: (g) => groupRow(site, g),
        head: GROUPS_HEAD,
        empty: "You hold no role in any group.",
        id: "groups",
      })
    : html``;
  const body = html`<p>The groups you hold a role in (administrators: every group).</p>${list}${createForm(site)}`;
  return sectionResponse(site, { title: "Groups", body, ...sectionOutcome(read, site.url, DONE, notice, status) });
}

export const groupsPage = maintainPage((_request, site) => renderGroups(site));

export const createGroupAction = maintainAction(async (form, _request, site) => {
  const name = textField(form, "name");
  const registries = listField(form, "registries");
  const remoteHosts = listField(form, "remoteHosts");
  const title = textField(form, "title");
  const answer = await site.api("/x/admin/groups", {
    method: "POST",
    body: {
      name,
      ...(title === "" ? {} : { title }),
      visibility: textField(form, "visibility"),
      namespaces: listField(form, "namespaces"),
      include: listField(form, "include"),
      requireApproval: form.get("requireApproval") === "on",
      ...(registries.length + remoteHosts.length === 0
        ? {}
        : {
            policy: {
              ...(registries.length === 0 ? {} : { registries }),
              ...(remoteHosts.length === 0 ? {} : { remoteHosts }),
            },
          }),
    },
  });
  return afterAction(
    site,
    answer,
    () => doneRedirect(groupPage(site, name), "created"),
    (notice, status) => renderGroups(site, notice, status),
  );
});

// --- one group ------------------------------------------------------------------------------

function settingsSection(site: SiteContext, group: GroupInfo): SafeHtml {
  const admin = group.access === "admin";
  const manager = admin || group.access === "manager";
  const policy = group.policy;
  const facts = html`<dl class="facts">
<dt>Visibility</dt><dd>${group.visibility}</dd>
<dt>Your role</dt><dd>${group.access}</dd>
<dt>Claimed namespaces</dt><dd>${group.namespaces.length === 0 ? html`<span class="muted">none</span>` : group.namespaces.join(", ")}</dd>
<dt>Included public servers</dt><dd>${group.include.length === 0 ? html`<span class="muted">none</span>` : group.include.join(", ")}</dd>
<dt>Approval</dt><dd>${group.requireApproval ? "publishes wait for a manager" : "not required"}</dd>
<dt>Policy</dt><dd>${policy === null ? html`<span class="muted">none</span>` : `registries: ${policy.registries?.join(", ") ?? "any"}; remote hosts: ${policy.remoteHosts?.join(", ") ?? "any"}`}</dd>
<dt>Updated</dt><dd>${timeHtml(group.updatedAt)}</dd>
</dl>`;
  if (!manager) return facts;
  const adminFields = admin
    ? html`<div class="field"><label for="u-visibility">Visibility</label><select id="u-visibility" name="visibility"><option value="private"${group.visibility === "private" ? " selected" : ""}>private</option><option value="public"${group.visibility === "public" ? " selected" : ""}>public</option></select></div>
<div class="field"><label for="u-namespaces">Claimed namespaces <span class="hint">(one per line)</span></label><textarea id="u-namespaces" name="namespaces" rows="3">${group.namespaces.join("\n")}</textarea></div>
<div class="field"><label><input type="checkbox" name="requireApproval"${group.requireApproval ? " checked" : ""}> Publishes wait for a manager's approval</label></div>`
    : html``;
  const deleteForm = admin
    ? html`<form id="group-delete" class="card danger-zone" method="post" action="${site.base}/maintain/groups/${group.name}/delete">
<h3>Delete the group</h3>
<p class="hint">Refused while it holds servers or pending versions, unless they are deleted too. Its members, claims, service tokens, webhooks and sources go with it.</p>
<div class="field"><label><input type="checkbox" name="purge"> Also delete its servers and pending versions</label></div>
<button type="submit" class="danger">Delete group</button>
</form>`
    : html``;
  return html`${facts}
<form id="group-update" class="card" method="post" action="${site.base}/maintain/groups/${group.name}/update">
<h3>Change settings</h3>
<input type="hidden" name="admin" value="${admin ? "1" : "0"}">
<div class="field"><label for="u-title">Title</label><input type="text" id="u-title" name="title" value="${group.title ?? ""}"></div>
<div class="field"><label for="u-include">Included public servers <span class="hint">(one per line)</span></label><textarea id="u-include" name="include" rows="3">${group.include.join("\n")}</textarea></div>
${adminFields}
<button type="submit">Save settings</button>
</form>
${deleteForm}`;
}

function memberRow(site: SiteContext, group: string, member: Member, index: number): SafeHtml {
  return html`<tr>
<td id="member-${index}">${member.member}</td>
<td>${member.role}</td>
<td>${timeHtml(member.addedAt)}<br><span class="muted">${member.addedBy}</span></td>
<td><form class="inline-form" method="post" action="${site.base}/maintain/groups/${group}/members/remove">
<input type="hidden" name="member" value="${member.member}">
<button type="submit" class="danger" aria-describedby="member-${index}">Remove</button></form></td>
</tr>`;
}

const MEMBERS_HEAD = html`<tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr>`;

async function membersSection(site: SiteContext, group: GroupInfo): Promise<Read<SafeHtml> | Response> {
  const read = await readApi<{ members: Member[] }>(site, `${groupApi(group.name)}/members`, "the members");
  if (read instanceof Response || !read.ok) return read;
  const roles = ROLES.map((r) => html`<option value="${r}">${r}</option>`);
  const table = localTable(read.body.members, site.url, groupPage(site, group.name), {
    row: (m, i) => memberRow(site, group.name, m, i),
    head: MEMBERS_HEAD,
    empty: "No members yet.",
    id: "members",
  });
  return {
    ok: true,
    body: html`${table}
<form id="member-put" class="card" method="post" action="${site.base}/maintain/groups/${group.name}/members">
<h3>Add a member or change a role</h3>
<div class="field"><label for="m-member">Member</label><input type="text" id="m-member" name="member" required placeholder="github:alice, oidc:subject, alice@example.com, idp:team">
<span class="hint">Managers give viewer and publisher; administrators also manager.</span></div>
<div class="field"><label for="m-role">Role</label><select id="m-role" name="role">${roles}</select></div>
<button type="submit">Save member</button>
</form>`,
  };
}

function pendingRow(site: SiteContext, group: string, item: Pending, index: number): SafeHtml {
  const facts = item._meta[APPROVAL_META_KEY] ?? {};
  const id = `decide-${index}`;
  return html`<tr data-pending="${item.server.name}@${item.server.version}">
<td>${item.server.name}<br><span class="muted">${item.server.version}</span></td>
<td>${item.server.description ?? ""}</td>
<td>${timeHtml(facts.submittedAt)}<br><span class="muted">${facts.submittedBy ?? ""}</span></td>
<td><form class="inline-form" method="post" action="${site.base}/maintain/groups/${group}/pending">
<input type="hidden" name="name" value="${item.server.name}">
<input type="hidden" name="version" value="${item.server.version}">
<label class="visually-hidden" for="${id}-decision">Decision</label>
<select id="${id}-decision" name="decision"><option value="approve">approve</option><option value="reject">reject</option></select>
<label class="visually-hidden" for="${id}-message">Message</label>
<input type="text" id="${id}-message" name="message" maxlength="${MAX_DECISION_MESSAGE}" placeholder="Message (optional)">
<button type="submit">Decide</button></form></td>
</tr>`;
}

const PENDING_HEAD = html`<tr><th scope="col">Server</th><th scope="col">Description</th><th scope="col">Submitted</th><th scope="col">Decision</th></tr>`;

async function pendingSection(site: SiteContext, group: GroupInfo): Promise<Read<SafeHtml> | Response> {
  const cursor = site.url.searchParams.get("pending") || undefined;
  const query = queryOf({ limit: String(PAGE_ROWS), cursor });
  const read = await readApi<{ pending: Pending[]; metadata: { nextCursor?: string } }>(
    site,
    `${groupApi(group.name)}/pending${query}`,
    "the pending approvals",
  );
  if (read instanceof Response || !read.ok) return read;
  const rows = read.body.pending.map((p, i) => pendingRow(site, group.name, p, i));
  const pager = cursorPager(groupPage(site, group.name), {}, "pending", cursor, read.body.metadata.nextCursor);
  return { ok: true, body: html`${tableOr(rows, PENDING_HEAD, "Nothing awaits approval.", "pending")}${pager}` };
}

/** A part of the group's page: its content, or the API's refusal of its read in its place. */
function partHtml(part: Read<SafeHtml>): SafeHtml {
  return part.ok ? part.body : html`<p class="notice error">${part.notice.text}</p>`;
}

async function renderGroup(site: SiteContext, name: string, notice?: Notice, status = 200): Promise<Response> {
  const read = await readApi<GroupInfo>(site, groupApi(name), "this group");
  if (read instanceof Response) return read;
  if (!read.ok) {
    if (read.status === 404) throw new ApiError(404, "No group of this name that you hold a role in.");
    return sectionResponse(site, { title: name, body: html``, notice: read.notice, status: read.status });
  }
  const group = read.body;
  const manager = group.access === "manager" || group.access === "admin";
  let managed = html`<p class="muted">Members, approvals and service tokens are run by the group's managers.</p>`;
  // The page answers with the status of the first part the API refused (each says why in place).
  let refused: number | undefined;
  if (manager) {
    const members = await membersSection(site, group);
    if (members instanceof Response) return members;
    const pending = await pendingSection(site, group);
    if (pending instanceof Response) return pending;
    const tokens = await serviceTokenSection(site, group);
    if (tokens instanceof Response) return tokens;
    refused = [members, pending, tokens].find((part) => !part.ok)?.status;
    managed = html`<h2 id="members">Members</h2>${partHtml(members)}
<h2 id="approvals">Pending approvals</h2>${partHtml(pending)}
<h2 id="service-tokens">Service tokens</h2>${partHtml(tokens)}`;
  }
  const body = html`<p>${group.title ?? ""} <a href="/groups/${group.name}/">Browse the group</a> · <a href="/maintain/audit?namespace=${encodeURIComponent(`~group:${group.name}`)}">Its audit trail</a></p>
<h2 id="settings">Settings</h2>
${settingsSection(site, group)}
${managed}`;
  return sectionResponse(site, {
    title: `Group ${group.name}`,
    body,
    notice: notice ?? doneNotice(site.url, DONE),
    status: notice !== undefined ? status : (refused ?? 200),
    trail: [{ href: `${site.base}/maintain/groups`, label: "Groups" }],
  });
}

export const groupPageHandler = maintainPage((request, site) => renderGroup(site, groupNameOf(request)));

/** A form post about one group: the API's answer, then back to the group's page. */
function groupAction(
  call: (
    form: URLSearchParams,
    name: string,
    site: SiteContext,
  ) => Promise<{ answer: Parameters<typeof afterAction>[1]; done: string }>,
) {
  return maintainAction(async (form, request, site) => {
    const name = groupNameOf(request);
    const { answer, done } = await call(form, name, site);
    return afterAction(
      site,
      answer,
      () => doneRedirect(groupPage(site, name), done),
      (notice, status) => renderGroup(site, name, notice, status),
    );
  });
}

export const updateGroupAction = groupAction(async (form, name, site) => {
  const admin = form.get("admin") === "1";
  const title = textField(form, "title");
  const body: Record<string, unknown> = { title: title === "" ? null : title, include: listField(form, "include") };
  if (admin) {
    body.visibility = textField(form, "visibility");
    body.namespaces = listField(form, "namespaces");
    body.requireApproval = form.get("requireApproval") === "on";
  }
  return { answer: await site.api(groupApi(name), { method: "PATCH", body }), done: "updated" };
});

export const putMemberAction = groupAction(async (form, name, site) => {
  const member = pathSegment(textField(form, "member"), "member");
  const answer = await site.api(`${groupApi(name)}/members/${member}`, {
    method: "PUT",
    body: { role: textField(form, "role") },
  });
  return { answer, done: "member-saved" };
});

export const removeMemberAction = groupAction(async (form, name, site) => {
  const member = pathSegment(textField(form, "member"), "member");
  const answer = await site.api(`${groupApi(name)}/members/${member}`, { method: "DELETE" });
  return { answer, done: "member-removed" };
});

export const decidePendingAction = groupAction(async (form, name, site) => {
  const server = pathSegment(textField(form, "name"), "server name");
  const version = pathSegment(form.get("version") ?? "", "version");
  const decision = textField(form, "decision");
  const message = textField(form, "message");
  const answer = await site.api(`${groupApi(name)}/pending/${server}/${version}`, {
    method: "POST",
    body: { decision, ...(message === "" ? {} : { message }) },
  });
  return { answer, done: decision === "reject" ? "rejected" : "approved" };
});

export const deleteGroupAction = maintainAction(async (form, request, site) => {
  const name = groupNameOf(request);
  const purge = form.get("purge") === "on";
  const answer = await site.api(`${groupApi(name)}${purge ? "?purge=true" : ""}`, { method: "DELETE" });
  return afterAction(
    site,
    answer,
    // The group is gone, and so are its pages: back to the registry's list.
    () => doneRedirect("/maintain/groups", "deleted"),
    (notice, status) => renderGroup(site, name, notice, status),
  );
});

export const createServiceTokenAction = maintainAction(async (form, request, site) => {
  const name = groupNameOf(request);
  const answer = await site.api("/x/tokens", { method: "POST", body: serviceBody(form, name) });
  return afterAction(
    site,
    answer,
    () => createdTokenResponse(site, answer, { href: groupPage(site, name), label: `group ${name}` }),
    (notice, status) => renderGroup(site, name, notice, status),
  );
});

export const revokeServiceTokenAction = groupAction(async (form, _name, site) => ({
  answer: await revokeToken(site, textField(form, "id")),
  done: "token-revoked",
}));
