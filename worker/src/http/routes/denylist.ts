// The denylist: GET, POST and DELETE /x/admin/denylist.
import * as v from "valibot";
import type { IRequest } from "itty-router";
import { sweepEverywhere } from "../../writes/denylist-sweeps.ts";
import {
  DENYLIST_KINDS,
  MAX_DENYLIST_REASON,
  MODERATION_STREAM,
  normalizeDenylistValue,
  type DenylistKey,
  type DenylistKind,
} from "../../domain/denylist.ts";
import { goStruct, maxLength, minLength, oneOf, text } from "../../domain/server-json/huma-schema-kit.ts";
import { formatRfc3339 } from "../../domain/timestamps.ts";
import { listDenylist, type StoredDenylistEntry } from "../../storage/d1-moderation.ts";
import { ApiError } from "../../errors.ts";
import { readBodyAs, parseWith } from "../request-body.ts";
import { json } from "../responses.ts";
import { maintainerOf, mayEdit, outsideScope, type Maintainer } from "./admin-auth.ts";
import { adoptWrite, callerOf, refuseAudited, streamWriter, unwrap } from "./write-support.ts";

const EntryBody = goStruct({
  kind: oneOf(DENYLIST_KINDS),
  value: text,
  reason: v.pipe(text, minLength(1), maxLength(MAX_DENYLIST_REASON)),
});

const RemoveBody = goStruct({
  kind: oneOf(DENYLIST_KINDS),
  value: text,
});

/** The stored key of an entry, or a 422 naming the field. */
function keyOf(kind: DenylistKind, raw: string): DenylistKey {
  const normalized = normalizeDenylistValue(kind, raw);
  if ("error" in normalized)
    throw ApiError.validation([{ message: normalized.error, location: "body.value", value: raw }]);
  return { kind, value: normalized.value };
}

/** Server and namespace entries are within a scoped maintainer's reach; hosts and packages span namespaces. */
function mayManage(maintainer: Maintainer, key: DenylistKey): boolean {
  if (maintainer.global) return true;
  if (key.kind === "server") return mayEdit(maintainer, key.value);
  if (key.kind === "namespace") return maintainer.scope.includes(`${key.value}/*`);
  return false;
}

function renderEntry(entry: StoredDenylistEntry) {
  return {
    kind: entry.kind,
    value: entry.value,
    reason: entry.reason,
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
  const entries = (await listDenylist(env.DB)).filter((entry) => mayManage(maintainer, entry));
  return json({ entries: entries.map(renderEntry), metadata: { count: entries.length } });
}

/**
 * POST /x/admin/denylist: adds the entry (publishing matches is refused from then on), then
 * deletes every matching version, namespace by namespace, before answering.
 */
export async function addDenylistEntry(request: IRequest, env: Env) {
  const body = await readBodyAs(request, EntryBody);
  const maintainer = await maintainerOf(request, env);
  const key = keyOf(body.kind, body.value);
  if (!mayManage(maintainer, key)) await refuseOutsideScope(request, env, maintainer, "denylist-add", key);
  const caller = callerOf(request, maintainer.claims);
  const entry = { ...key, reason: body.reason };
  unwrap(await streamWriter(env, MODERATION_STREAM).addDenylistEntry(caller, MODERATION_STREAM, entry));
  const deleted = await sweepEverywhere(env, caller, key);
  for (const name of Object.keys(deleted)) adoptWrite(name);
  return json({ ...entry, deleted }, 201);
}

/** DELETE /x/admin/denylist with {"kind", "value"} (or ?kind=&value=): unblocks, restores nothing. */
export async function removeDenylistEntry(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const fromQuery = url.searchParams.has("kind") || url.searchParams.has("value");
  const body = fromQuery
    ? parseWith(
        RemoveBody,
        { kind: url.searchParams.get("kind") ?? "", value: url.searchParams.get("value") ?? "" },
        "query",
      )
    : await readBodyAs(request, RemoveBody);
  const maintainer = await maintainerOf(request, env);
  const key = keyOf(body.kind, body.value);
  if (!mayManage(maintainer, key)) await refuseOutsideScope(request, env, maintainer, "denylist-remove", key);
  const { entry } = unwrap(
    await streamWriter(env, MODERATION_STREAM).removeDenylistEntry(
      callerOf(request, maintainer.claims),
      MODERATION_STREAM,
      key,
    ),
  );
  return json({ kind: entry.kind, value: entry.value, removed: true });
}
