// PUT /servers/{name}/versions/{version}: the administrators' edit of a stored version (spec §3.7),
// at the root (registry `edit` permission; never a group's private server) and under
// /groups/{group}/ (the group's managers, its own servers only, under its admission policy).
import type { IRequest } from "itty-router";
import { hasPermission } from "../../auth/permissions.ts";
import { semanticIssues, type ServerJson } from "../../domain/server-json/index.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { namespaceOf, publisherMetaRefusal } from "../../domain/write-rules.ts";
import { readServer } from "../../storage/read-cache.ts";
import { ApiError } from "../../errors.ts";
import type { ResolvedView } from "../group-view.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { jsonText } from "../responses.ts";
import { isStorableTarget, pathParam } from "./path-params.ts";
import {
  auditedChecks,
  callerOf,
  groupWriteOf,
  isOwnName,
  notOwnServer,
  readServerJsonBody,
  requireAccess,
  requireAdmission,
  runWrite,
  writerOf,
} from "./write-support.ts";

const EDIT_FAILED = "Failed to edit server";
const NO_PERMISSION = "You do not have edit permissions for this server";

/** What an edit's body must be, whoever sends it: the same server and version, valid content. */
function checkBody(server: ServerJson, name: string, version: string): void {
  if (server.name !== name) throw new ApiError(400, "Cannot rename server");
  if (server.version !== version) throw new ApiError(400, "Version in request body must match URL path parameter");
  if (semanticIssues(server).some((issue) => issue.severity === "error")) {
    throw new ApiError(422, "Failed to edit server, invalid schema: call /validate for details");
  }
  const metaRefusal = publisherMetaRefusal(server._meta);
  if (metaRefusal) throw new ApiError(400, EDIT_FAILED, [{ message: metaRefusal }]);
}

export async function editServerVersion(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  _url?: URL,
  resolved?: ResolvedView,
) {
  const name = pathParam(request, "name");
  const version = pathParam(request, "version");
  await limitAddress(request, env, "publish");
  const server = await readServerJsonBody(request);
  const claims = await writerOf(request, env, resolved);
  await limitSubject(env, "publish", claims);
  const caller = callerOf(request, claims);
  // A path no stored server can have is a miss, neither audited nor sent to a writer.
  if (!isStorableTarget(name, version)) throw new ApiError(404, "Server not found");
  const facts = { action: "edit", name, version };
  const write = groupWriteOf(resolved);
  if (write !== undefined) {
    // So is a name that is not the group's own.
    if (!isOwnName(write, name)) {
      requireAccess(write, "manager", NO_PERMISSION);
      throw notOwnServer(write, name, "Server not found");
    }
    await auditedChecks(env, caller, facts, () => {
      requireAccess(write, "manager", NO_PERMISSION);
      checkBody(server, name, version);
      requireAdmission(write.group, server, EDIT_FAILED);
    });
  } else {
    await auditedChecks(env, caller, facts, async () => {
      const entry = await readServer(env, ctx, name);
      const stored = entry.details.get(version);
      // A group's private server is as absent here as a missing one, for everyone.
      if (!stored || stored.deleted || entry.group !== null) throw new ApiError(404, "Server not found");
      if (!hasPermission(claims, "edit", name)) throw new ApiError(403, NO_PERMISSION);
      checkBody(server, name, version);
    });
  }
  // The writer answers a version that is not this view's own (a private one at the root) as missing.
  const group = write?.group.name ?? null;
  const { record } = await runWrite(env, namespaceOf(name), (writer) => writer.edit(caller, server, group), {
    adopt: [name],
  });
  return jsonText(renderServerResponse(record));
}
