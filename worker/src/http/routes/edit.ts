// PUT /servers/{name}/versions/{version}: the administrators' edit of a stored version (spec §3.7).
import type { IRequest } from "itty-router";
import { authenticate } from "../../auth/principal.ts";
import { hasPermission } from "../../auth/permissions.ts";
import { semanticIssues } from "../../domain/server-json/index.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { namespaceOf, publisherMetaRefusal } from "../../domain/write-rules.ts";
import { readServer } from "../../storage/read-cache.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { jsonText } from "../responses.ts";
import { isStorableTarget, pathParam } from "./path-params.ts";
import { auditedChecks, callerOf, readServerJsonBody, runWrite } from "./write-support.ts";

export async function editServerVersion(request: IRequest, env: Env, ctx: ExecutionContext) {
  const name = pathParam(request, "name");
  const version = pathParam(request, "version");
  await limitAddress(request, env, "publish");
  const server = await readServerJsonBody(request);
  const claims = await authenticate(request, env);
  await limitSubject(env, "publish", claims);
  const caller = callerOf(request, claims);
  // A path no stored server can have is a miss, neither audited nor sent to a writer.
  if (!isStorableTarget(name, version)) throw new ApiError(404, "Server not found");
  await auditedChecks(env, caller, { action: "edit", name, version }, async () => {
    const stored = (await readServer(env, ctx, name)).details.get(version);
    if (!stored || stored.deleted) throw new ApiError(404, "Server not found");
    if (!hasPermission(claims, "edit", name))
      throw new ApiError(403, "You do not have edit permissions for this server");
    if (server.name !== name) throw new ApiError(400, "Cannot rename server");
    if (server.version !== version) throw new ApiError(400, "Version in request body must match URL path parameter");
    if (semanticIssues(server).some((issue) => issue.severity === "error")) {
      throw new ApiError(422, "Failed to edit server, invalid schema: call /validate for details");
    }
    const metaRefusal = publisherMetaRefusal(server._meta);
    if (metaRefusal) throw new ApiError(400, "Failed to edit server", [{ message: metaRefusal }]);
  });
  const { record } = await runWrite(env, namespaceOf(name), (writer) => writer.edit(caller, server), {
    adopt: [name],
  });
  return jsonText(renderServerResponse(record));
}
