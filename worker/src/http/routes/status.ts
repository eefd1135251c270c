// PATCH /servers/{name}/versions/{version}/status and PATCH /servers/{name}/status
// (spec §3.8, §3.9).
import * as v from "valibot";
import type { IRequest } from "itty-router";
import { authenticate } from "../../auth/principal.ts";
import { hasPermission } from "../../auth/permissions.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { namespaceOf, statusChangeShapeRefusal, type StatusChange } from "../../domain/write-rules.ts";
import { toFieldErrors } from "../../domain/server-json/field-errors.ts";
import { goStruct, maxLength, oneOf, text } from "../../domain/server-json/huma-schema-kit.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { jsonText } from "../responses.ts";
import { isStorableTarget, pathParam } from "./path-params.ts";
import { auditedChecks, callerOf, readWriteBody, runWrite } from "./write-support.ts";

const StatusUpdateSchema = goStruct({
  status: oneOf(["active", "deprecated", "deleted"]),
  statusMessage: v.optional(v.pipe(text, maxLength(500))),
});

/** Framework layer, then authentication, permission and the transition's shape. */
async function readStatusChange(
  request: IRequest,
  env: Env,
  facts: { action: string; name: string; version?: string },
) {
  const { name } = facts;
  await limitAddress(request, env, "publish");
  const update = await readWriteBody(request, (body: unknown) => {
    const parsed = v.safeParse(StatusUpdateSchema, body);
    return parsed.success ? { ok: true, value: parsed.output } : { ok: false, ...toFieldErrors(parsed.issues, "body") };
  });
  const claims = await authenticate(request, env);
  await limitSubject(env, "publish", claims);
  const caller = callerOf(request, claims);
  const change: StatusChange = { status: update.status };
  if (update.statusMessage !== undefined) change.statusMessage = update.statusMessage;
  const checks = () => {
    if (!hasPermission(claims, "publish", name) && !hasPermission(claims, "edit", name)) {
      throw new ApiError(403, "You do not have publish or edit permissions for this server");
    }
    const refusal = statusChangeShapeRefusal(change);
    if (refusal) throw new ApiError(400, refusal);
  };
  if (!isStorableTarget(name, facts.version)) {
    // The same answers a stored-server miss gets, neither audited nor sent to a writer.
    checks();
    throw new ApiError(404, facts.version === undefined ? "Server not found" : "Server version not found");
  }
  await auditedChecks(env, caller, facts, checks);
  return { caller, change };
}

export async function setVersionStatus(request: IRequest, env: Env) {
  const name = pathParam(request, "name");
  const version = pathParam(request, "version");
  const { caller, change } = await readStatusChange(request, env, { action: "status", name, version });
  const result = await runWrite(
    env,
    namespaceOf(name),
    (writer) => writer.setVersionStatus(caller, name, version, change),
    { adopt: [name] },
  );
  return jsonText(renderServerResponse(result.changed[0]!));
}

export async function setServerStatus(request: IRequest, env: Env) {
  const name = pathParam(request, "name");
  const { caller, change } = await readStatusChange(request, env, { action: "status-all", name });
  const result = await runWrite(env, namespaceOf(name), (writer) => writer.setServerStatus(caller, name, change), {
    adopt: [name],
  });
  return jsonText(
    `{"updatedCount":${result.changed.length},"servers":[${result.changed.map(renderServerResponse).join(",")}]}`,
  );
}
