// POST /publish and POST /validate (spec §3.10, §3.11, §4), at the root and under
// /groups/{group}/ (docs/governance.md: a group's publishers, its claimed namespaces, its
// admission policy and, when it requires approval, a pending version instead of a published one).
import type { IRequest } from "itty-router";
import type { Principal } from "../../auth/principal.ts";
import { hasPermission } from "../../auth/permissions.ts";
import { renderPending } from "../../domain/approvals.ts";
import { PUBLISH_FAILED } from "../../domain/publish-plan.ts";
import {
  parseServerJson,
  schemaIssues,
  semanticIssues,
  type ServerJson,
  type ValidationIssue,
} from "../../domain/server-json/index.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { claimChangedRefusal, namespaceOf, publisherMetaRefusal } from "../../domain/write-rules.ts";
import { verifyPackageOwnership } from "../../ownership/index.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { boundedList, MAX_PROBLEM_BYTES, truncateText } from "../problem.ts";
import { readJsonBody } from "../request-body.ts";
import { jsonText } from "../responses.ts";
import type { ResolvedView } from "../group-view.ts";
import {
  auditedChecks,
  callerOf,
  type GroupWrite,
  groupWriteOf,
  isOwnName,
  readServerJsonBody,
  requireAccess,
  requireAdmission,
  runWrite,
  writerOf,
} from "./write-support.ts";

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

/** The checks every publish shares: semantic validation and the publisher `_meta` bound. */
function checkContent(server: ServerJson): void {
  if (semanticIssues(server).some((issue) => issue.severity === "error")) {
    throw new ApiError(422, "Failed to publish server, invalid schema: call /validate for details");
  }
  const metaRefusal = publisherMetaRefusal(server._meta);
  if (metaRefusal) throw new ApiError(400, PUBLISH_FAILED, [{ message: metaRefusal }]);
}

/**
 * The checks of a publish through a group's view, instead of the registry permission and the
 * package-ownership check: the publisher role, a namespace the group claims (the writer checks
 * the claim again in D1), the content, and the group's admission policy.
 */
function checkGroupPublish(write: GroupWrite, server: ServerJson): void {
  requireAccess(write, "publisher", `You do not have permission to publish in group ${write.group.name}`);
  if (!isOwnName(write, server.name)) {
    throw new ApiError(403, PUBLISH_FAILED, [{ message: claimChangedRefusal(server.name, write.group.name) }]);
  }
  checkContent(server);
  requireAdmission(write.group, server);
}

export async function publishServer(
  request: IRequest,
  env: Env,
  _ctx?: ExecutionContext,
  _url?: URL,
  resolved?: ResolvedView,
) {
  await limitAddress(request, env, "publish");
  const server = await readServerJsonBody(request);
  const claims = await writerOf(request, env, resolved);
  await limitSubject(env, "publish", claims);
  const caller = callerOf(request, claims);
  const facts = { action: "publish", name: server.name, version: server.version };
  const write = groupWriteOf(resolved);
  const namespace = namespaceOf(server.name);
  if (write !== undefined) {
    const group = write.group.name;
    await auditedChecks(env, caller, facts, () => checkGroupPublish(write, server));
    if (write.group.requireApproval) {
      const { submittedAt } = await runWrite(env, namespace, (writer) => writer.submitPending(caller, group, server));
      return jsonText(renderPending(JSON.stringify(server), { group, submittedAt }), 202);
    }
    const { record } = await runWrite(env, namespace, (writer) => writer.publish(caller, server, group), {
      adopt: [server.name],
    });
    return jsonText(renderServerResponse(record));
  }
  await auditedChecks(env, caller, facts, async () => {
    if (!hasPermission(claims, "publish", server.name)) throw publishDenied(claims, server.name);
    checkContent(server);
    if (env.ENABLE_REGISTRY_VALIDATION === "true") {
      const ownership = await verifyPackageOwnership(server, env);
      if (ownership) throw new ApiError(400, PUBLISH_FAILED, [{ message: ownership }]);
    }
  });
  // A namespace a group claims is refused by the writer, which reads the claim from D1.
  const { record } = await runWrite(env, namespace, (writer) => writer.publish(caller, server), {
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
