// PATCH /servers/{name}/versions/{version}/status and PATCH /servers/{name}/status
// (spec §3.8, §3.9), at the root (registry permissions; never a group's private server) and
// under /groups/{group}/ (the group's publishers, its own servers only).
import * as v from "valibot";
import type { IRequest } from "itty-router";
import { hasPermission } from "../../auth/permissions.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { namespaceOf, statusChangeShapeRefusal, type StatusChange } from "../../domain/write-rules.ts";
import { toFieldErrors } from "../../domain/server-json/field-errors.ts";
import { goStruct, maxLength, oneOf, text } from "../../domain/server-json/huma-schema-kit.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { jsonText } from "../responses.ts";
import type { ResolvedView } from "../group-view.ts";
import { isStorableTarget, pathParam } from "./path-params.ts";
import {
  auditedChecks,
  callerOf,
  groupWriteOf,
  readWriteBody,
  isOwnName,
  notOwnServer,
  requireAccess,
  runWrite,
  writerOf,
} from "./write-support.ts";

const NO_PERMISSION = "You do not have publish or edit permissions for this server";

export const StatusUpdateSchema = goStruct({
  status: oneOf(["active", "deprecated", "deleted"]),
  statusMessage: v.optional(v.pipe(text, maxLength(500))),
});

/** Framework layer, then authentication, permission and the transition's shape. */
async function readStatusChange(
  request: IRequest,
  env: Env,
  resolved: ResolvedView | undefined,
  facts: { action: string; name: string; version?: string },
) {
  const { name } = facts;
  const missing = facts.version === undefined ? "Server not found" : "Server version not found";
  await limitAddress(request, env, "publish");
  const update = await readWriteBody(request, (body: unknown) => {
    const parsed = v.safeParse(StatusUpdateSchema, body);
    return parsed.success ? { ok: true, value: parsed.output } : { ok: false, ...toFieldErrors(parsed.issues, "body") };
  });
  const claims = await writerOf(request, env, resolved);
  await limitSubject(env, "publish", claims);
  const caller = callerOf(request, claims);
  const change: StatusChange = { status: update.status };
  if (update.statusMessage !== undefined) change.statusMessage = update.statusMessage;
  const write = groupWriteOf(resolved);
  const checks = () => {
    if (write === undefined) {
      if (!hasPermission(claims, "publish", name) && !hasPermission(claims, "edit", name)) {
        throw new ApiError(403, NO_PERMISSION);
      }
    } else requireAccess(write, "publisher", NO_PERMISSION);
    const refusal = statusChangeShapeRefusal(change);
    if (refusal) throw new ApiError(400, refusal);
  };
  // A path no stored server can have, or (in a group) a name that is not the group's own: the
  // answers a stored-server miss gets, neither audited nor sent to a writer.
  if (!isStorableTarget(name, facts.version)) {
    checks();
    throw new ApiError(404, missing);
  }
  if (write !== undefined && !isOwnName(write, name)) {
    checks();
    throw notOwnServer(write, name, missing);
  }
  await auditedChecks(env, caller, facts, checks);
  // The writer answers a server that is not this view's own (a private one at the root) as missing.
  return { caller, change, group: write?.group.name ?? null };
}

export async function setVersionStatus(
  request: IRequest,
  env: Env,
  _ctx?: ExecutionContext,
  _url?: URL,
  resolved?: ResolvedView,
) {
  const name = pathParam(request, "name");
  const version = pathParam(request, "version");
  const facts = { action: "status", name, version };
  const { caller, change, group } = await readStatusChange(request, env, resolved, facts);
  const result = await runWrite(
    env,
    namespaceOf(name),
    (writer) => writer.setVersionStatus(caller, name, version, change, group),
    { adopt: [name] },
  );
  return jsonText(renderServerResponse(result.changed[0]!));
}

export async function setServerStatus(
  request: IRequest,
  env: Env,
  _ctx?: ExecutionContext,
  _url?: URL,
  resolved?: ResolvedView,
) {
  const name = pathParam(request, "name");
  const { caller, change, group } = await readStatusChange(request, env, resolved, { action: "status-all", name });
  const result = await runWrite(
    env,
    namespaceOf(name),
    (writer) => writer.setServerStatus(caller, name, change, group),
    { adopt: [name] },
  );
  return jsonText(
    `{"updatedCount":${result.changed.length},"servers":[${result.changed.map(renderServerResponse).join(",")}]}`,
  );
}
