// The denylist: GET, POST and DELETE /x/admin/denylist. Values are canonicalised by
// domain/denylist.ts; only this file decides who may manage which entry.
import { forgetWrite } from "../../storage/read-cache.ts";
import * as v from "valibot";
import type { IRequest } from "itty-router";
import { sweepEverywhere } from "../../writes/denylist-sweeps.ts";
import {
  DENYLIST_KINDS,
  MAX_DENYLIST_REASON,
  MODERATION_STREAM,
  normalizeDenylistValue,
  scopeCoversEntry,
  type DenylistKey,
  type DenylistKind,
} from "../../domain/denylist.ts";
import {
  isPackageRegistryType,
  PACKAGE_REGISTRY_TYPES,
  type PackageRegistryType,
} from "../../domain/denylist-packages.ts";
import { goStruct, maxLength, minLength, oneOf, text } from "../../domain/server-json/huma-schema-kit.ts";
import { formatRfc3339 } from "../../domain/timestamps.ts";
import {
  denylistCoveredNames,
  getDenylistEntry,
  type ManagedKey,
  listDenylist,
  type StoredDenylistEntry,
} from "../../storage/d1-moderation.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { readBodyAs, parseWith } from "../request-body.ts";
import { json } from "../responses.ts";
import { maintainerOf, mayEdit, outsideScope, type Maintainer } from "./admin-auth.ts";
import { callerOf, refuseAudited, runWrite } from "./write-support.ts";

export const EntryBody = goStruct({
  kind: oneOf(DENYLIST_KINDS),
  value: text,
  registryType: v.optional(text),
  reason: v.pipe(text, minLength(1), maxLength(MAX_DENYLIST_REASON)),
});

export const RemoveBody = goStruct({
  kind: oneOf(DENYLIST_KINDS),
  value: text,
  registryType: v.optional(text),
});

/** A package entry's registry type as sent (any case), or a 422 naming the field. */
function registryTypeOf(kind: DenylistKind, raw: string | undefined): PackageRegistryType | undefined {
  if (raw === undefined) return undefined;
  const type = raw.trim().toLowerCase();
  const fail = (message: string) => ApiError.validation([{ message, location: "body.registryType", value: raw }]);
  if (kind !== "package") throw fail("registryType applies to package entries only");
  if (!isPackageRegistryType(type)) {
    throw fail(`expected value to be one of "${PACKAGE_REGISTRY_TYPES.join(", ")}"`);
  }
  return type;
}

/** The canonical key of an entry (domain/denylist.ts), or a 422 naming the field. */
function keyOf(body: { kind: DenylistKind; value: string; registryType?: string | undefined }): DenylistKey {
  const type = registryTypeOf(body.kind, body.registryType);
  const normalized = normalizeDenylistValue(body.kind, body.value, type);
  if ("error" in normalized)
    throw ApiError.validation([{ message: normalized.error, location: "body.value", value: body.value }]);
  return { kind: body.kind, value: normalized.value };
}

/**
 * Whether the caller may add or remove these entries. A global maintainer may manage any; a
 * scoped one only server and namespace entries whose whole reach its edit patterns cover
 * (scopeCoversEntry: a namespace entry covers every namespace below it) and whose lower-case
 * matching reaches no stored name, of any spelling, that it may not edit. A scoped entry never
 * reaches a private server, so none counts for it (nor is revealed by a 403); a global
 * maintainer's entry does, so a scoped maintainer never lifts it from a group's servers.
 */
async function mayManage(env: Env, maintainer: Maintainer, keys: readonly ManagedKey[]): Promise<boolean[]> {
  if (maintainer.global) return keys.map(() => true);
  const covered = keys.map((key) => scopeCoversEntry(maintainer.scope, key));
  const inScope = keys.filter((_, i) => covered[i]);
  const names = await denylistCoveredNames(env.DB, inScope);
  let next = 0;
  return covered.map((ok) => ok && (names[next++] ?? []).every((name) => mayEdit(maintainer, name)));
}

function renderEntry(entry: StoredDenylistEntry) {
  return {
    kind: entry.kind,
    value: entry.value,
    reason: entry.reason,
    ...(entry.scope === null ? {} : { scope: entry.scope }),
    createdAt: formatRfc3339(entry.createdAt),
    createdBy: entry.createdBy,
  };
}

/** A refusal outside the caller's scope, audited in the moderation stream like the entries. */
function refuseOutsideScope(
  request: Request,
  env: Env,
  maintainer: Maintainer,
  action: string,
  key: DenylistKey,
): Promise<never> {
  const facts = { action, name: key.value, detail: { kind: key.kind } };
  return refuseAudited(
    env,
    callerOf(request, maintainer.claims),
    MODERATION_STREAM,
    facts,
    outsideScope(`${key.kind} ${key.value}`),
  );
}

/** GET /x/admin/denylist: the entries the caller may manage. */
export async function listDenylistEntries(request: IRequest, env: Env) {
  const maintainer = await maintainerOf(request, env);
  const all = await listDenylist(env.DB);
  const manageable = await mayManage(env, maintainer, all);
  const entries = all.filter((_, i) => manageable[i]);
  return json({ entries: entries.map(renderEntry), metadata: { count: entries.length } });
}

/**
 * POST /x/admin/denylist: adds the entry (publishing matches is refused from then on), then
 * deletes every matching version, namespace by namespace, before answering. A scoped
 * maintainer's entry records its edit patterns and never reaches a name outside them.
 */
export async function addDenylistEntry(request: IRequest, env: Env) {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, EntryBody);
  const maintainer = await maintainerOf(request, env);
  await limitSubject(env, "admin", maintainer.claims);
  const key = keyOf(body);
  // The entry will be this maintainer's: scoped, unless it is global.
  if (!(await mayManage(env, maintainer, [{ ...key, scope: maintainer.global ? null : maintainer.scope }]))[0]) {
    await refuseOutsideScope(request, env, maintainer, "denylist-add", key);
  }
  const caller = callerOf(request, maintainer.claims);
  const scope = maintainer.global ? null : maintainer.scope;
  const entry = { ...key, reason: body.reason, scope };
  await runWrite(env, MODERATION_STREAM, (writer) => writer.addDenylistEntry(caller, MODERATION_STREAM, entry));
  // The sweep fans out to every affected namespace's writer (writes/denylist-sweeps.ts, shared
  // with the cron); the names it deleted are adopted here.
  const { deleted, privateNames, complete } = await sweepEverywhere(env, caller, key);
  // Read-your-writes in this isolate for the names the sweep changed (it bypasses runWrite).
  for (const name of Object.keys(deleted)) forgetWrite(name);
  // Private names only for an organisation-wide maintainer (the stored entry may be a global
  // one whatever the caller's scope).
  const shown = maintainer.global
    ? deleted
    : Object.fromEntries(Object.entries(deleted).filter(([name]) => !privateNames.has(name)));
  // The entry is committed either way; a sweep a writer could not finish is finished by the cron.
  const sweep = complete ? {} : { sweepComplete: false };
  return json({ ...key, reason: body.reason, ...(scope === null ? {} : { scope }), deleted: shown, ...sweep }, 201);
}

/**
 * DELETE /x/admin/denylist with {"kind", "value"[, "registryType"]} (or the same as query
 * parameters): unblocks, restores nothing. Takes any spelling of the entry, so exactly what GET
 * lists; a global maintainer also removes a row stored before the canonical forms under exactly
 * the value sent, even one that has no canonical form.
 */
export async function removeDenylistEntry(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  await limitAddress(request, env, "admin");
  const params = url.searchParams;
  const fromQuery = params.has("kind") || params.has("value") || params.has("registryType");
  const body = fromQuery
    ? parseWith(
        RemoveBody,
        {
          kind: params.get("kind") ?? "",
          value: params.get("value") ?? "",
          ...(params.has("registryType") ? { registryType: params.get("registryType") } : {}),
        },
        "query",
      )
    : await readBodyAs(request, RemoveBody);
  const maintainer = await maintainerOf(request, env);
  await limitSubject(env, "admin", maintainer.claims);
  const exact = body.value.trim();
  let key: DenylistKey;
  try {
    key = keyOf(body);
  } catch (err) {
    const legacy = { kind: body.kind, value: exact };
    if (!maintainer.global || !(await getDenylistEntry(env.DB, legacy))) throw err;
    key = legacy;
  }
  // Judged as the entry stands (a global maintainer's reaches private servers too).
  const stored = maintainer.global ? undefined : await getDenylistEntry(env.DB, key);
  if (!(await mayManage(env, maintainer, [stored ?? { ...key, scope: maintainer.scope }]))[0]) {
    await refuseOutsideScope(request, env, maintainer, "denylist-remove", key);
  }
  const removal = maintainer.global ? { ...key, storedValue: exact } : key;
  const caller = callerOf(request, maintainer.claims);
  const { entry } = await runWrite(env, MODERATION_STREAM, (writer) =>
    writer.removeDenylistEntry(caller, MODERATION_STREAM, removal),
  );
  return json({ kind: entry.kind, value: entry.value, removed: true });
}
