// POST /publish and POST /validate (spec §3.10, §3.11, §4).
import type { IRequest } from "itty-router";
import { authenticate, type Principal } from "../../auth/principal.ts";
import { hasPermission } from "../../auth/permissions.ts";
import { parseServerJson, schemaIssues, semanticIssues, type ValidationIssue } from "../../domain/server-json/index.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { namespaceOf, publisherMetaRefusal } from "../../domain/write-rules.ts";
import { verifyPackageOwnership } from "../../ownership/index.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { boundedList, MAX_PROBLEM_BYTES, truncateText } from "../problem.ts";
import { readJsonBody } from "../request-body.ts";
import { jsonText } from "../responses.ts";
import { auditedChecks, callerOf, readServerJsonBody, runWrite } from "./write-support.ts";

function publishDenied(claims: Principal, name: string): ApiError {
  const granted = claims.permissions.filter((p) => p.action === "publish").map((p) => p.resource);
  let detail =
    `You do not have permission to publish this server. You have permission to publish: ` +
    `${granted.length > 0 ? granted.join(", ") : "nothing"}. Attempting to publish: ${name}`;
  if (name.startsWith("io.github.")) {
    detail +=
      ". For a GitHub organization namespace, log in with an account that is an owner (admin) of the organization.";
  }
  return new ApiError(403, detail);
}

export async function publishServer(request: IRequest, env: Env) {
  await limitAddress(request, env, "publish");
  const server = await readServerJsonBody(request);
  const claims = await authenticate(request, env);
  await limitSubject(env, "publish", claims);
  const caller = callerOf(request, claims);
  await auditedChecks(env, caller, { action: "publish", name: server.name, version: server.version }, async () => {
    if (!hasPermission(claims, "publish", server.name)) throw publishDenied(claims, server.name);
    if (semanticIssues(server).some((issue) => issue.severity === "error")) {
      throw new ApiError(422, "Failed to publish server, invalid schema: call /validate for details");
    }
    const failure = (message: string) => new ApiError(400, "Failed to publish server", [{ message }]);
    const metaRefusal = publisherMetaRefusal(server._meta);
    if (metaRefusal) throw failure(metaRefusal);
    if (env.ENABLE_REGISTRY_VALIDATION === "true") {
      const ownership = await verifyPackageOwnership(server, env);
      if (ownership) throw failure(ownership);
    }
  });
  const { record } = await runWrite(env, namespaceOf(server.name), (writer) => writer.publish(caller, server), {
    adopt: [server.name],
  });
  return jsonText(renderServerResponse(record));
}

/** Stands for the issues a /validate answer leaves out (it is bounded like a problem reply). */
function omittedIssues(omitted: number): ValidationIssue {
  const message = `… and ${omitted} more issues`;
  return { type: "linter", path: "", message, severity: "info", reference: "issues-truncated" };
}

/** POST /validate: anonymous, and its worst case costs seconds of CPU, so limited per address. */
export async function validateServer(request: IRequest, env: Env) {
  await limitAddress(request, env, "validate");
  const parsed = parseServerJson(await readJsonBody(request));
  if (!parsed.ok) throw ApiError.validation(parsed.errors, parsed.omitted);
  const issues = [...semanticIssues(parsed.value), ...schemaIssues(parsed.value)];
  const valid = !issues.some((issue) => issue.severity === "error");
  // Paths and messages may embed input (keys, URLs): cut like problem values.
  const listed = boundedList(
    issues,
    (issue) => JSON.stringify({ ...issue, path: truncateText(issue.path), message: truncateText(issue.message) }),
    MAX_PROBLEM_BYTES - 256,
    (omitted) => JSON.stringify(omittedIssues(omitted)),
  );
  return jsonText(`{"valid":${valid},"issues":[${listed.join(",")}]}`);
}
