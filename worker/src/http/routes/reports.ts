// Community reports and the maintainers' review queue:
// POST /x/reports, GET /x/admin/reports, POST /x/admin/reports/{id}/resolve.
import * as v from "valibot";
import type { IRequest } from "itty-router";
import { reporterOf } from "../../auth/reporter-identity.ts";
import {
  MAX_REPORT_DETAILS,
  MAX_RESOLUTION_MESSAGE,
  REPORT_REASONS,
  RESOLVE_ACTIONS,
} from "../../domain/moderation.ts";
import { MAX_NAME_LENGTH, MAX_VERSION_LENGTH, NAME_PATTERN } from "../../domain/server-json/framework-schema.ts";
import { goStruct, maxLength, minLength, oneOf, pattern, text } from "../../domain/server-json/huma-schema-kit.ts";
import { formatRfc3339 } from "../../domain/timestamps.ts";
import { namespaceOf } from "../../domain/write-rules.ts";
import { getReport, listReports, type ListedReport } from "../../storage/d1-moderation.ts";
import { pageBody, readPage, throwIfInvalid } from "../paging.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { requestIdOf } from "../request-id.ts";
import { json } from "../responses.ts";
import { maintainerOf, mayEdit, outsideScope } from "./admin-auth.ts";
import { pathParam } from "./path-params.ts";
import { callerOf, refuseAudited, runWrite } from "./write-support.ts";

// Bounded like the server.json fields they name: nothing longer can exist.
export const ReportBody = goStruct({
  name: v.pipe(text, minLength(1), maxLength(MAX_NAME_LENGTH), pattern(NAME_PATTERN)),
  version: v.optional(v.pipe(text, minLength(1), maxLength(MAX_VERSION_LENGTH))),
  reason: oneOf(REPORT_REASONS),
  details: v.optional(v.pipe(text, maxLength(MAX_REPORT_DETAILS))),
});

export const ResolveBody = goStruct({
  action: oneOf(RESOLVE_ACTIONS),
  message: v.pipe(text, minLength(1), maxLength(MAX_RESOLUTION_MESSAGE)),
});

/** POST /x/reports: anyone may report a visible server (or one of its versions). */
export async function fileReport(request: IRequest, env: Env) {
  await limitAddress(request, env, "report");
  const body = await readBodyAs(request, ReportBody);
  const reporter = await reporterOf(request, env);
  if (reporter.kind === "token") await limitSubject(env, "report", reporter.actor);
  const caller = { actor: reporter.actor, requestId: requestIdOf(request) };
  const filing = {
    name: body.name,
    version: body.version ?? null,
    reason: body.reason,
    details: body.details ?? null,
    reporterKind: reporter.kind,
  };
  const filed = await runWrite(env, namespaceOf(body.name), (writer) => writer.report(caller, filing), {
    // The review mark changes what reads show: this isolate reads its own write at once.
    adopt: (report) => (report.underReview ? [body.name] : []),
  });
  return json({ id: filed.id, status: "open" }, 201);
}

function renderReport(report: ListedReport) {
  return {
    id: report.id,
    name: report.name,
    ...(report.version === null ? {} : { version: report.version }),
    reason: report.reason,
    ...(report.details === null ? {} : { details: report.details }),
    reporter: report.reporter,
    weight: report.weight,
    status: report.status,
    createdAt: formatRfc3339(report.createdAt),
    targetWeight: report.targetWeight,
    underReview: report.underReview,
    ...(report.resolution === null
      ? {}
      : {
          resolution: {
            action: report.resolution,
            message: report.resolutionMessage,
            resolvedAt: report.resolvedAt === null ? null : formatRfc3339(report.resolvedAt),
          },
        }),
  };
}

/** GET /x/admin/reports?status=open|resolved&name=…&cursor=…&limit=… */
export async function listReportQueue(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const maintainer = await maintainerOf(request, env);
  const params = url.searchParams;
  const errors: ProblemDetail[] = [];
  const page = readPage(params, errors);
  const status = params.get("status") || "open";
  if (status !== "open" && status !== "resolved") {
    errors.push({ message: 'expected value to be one of "open, resolved"', location: "query.status", value: status });
  }
  throwIfInvalid(errors);
  const name = params.get("name") || undefined;
  if (name !== undefined && !mayEdit(maintainer, name)) throw outsideScope(name);
  const reports = await listReports(env.DB, {
    status: status as "open" | "resolved",
    name,
    scope: maintainer.global ? undefined : maintainer.scope,
    afterSeq: page.after,
    limit: page.limit,
  });
  return json(pageBody("reports", reports, page.limit, (r) => r.seq, renderReport));
}

/** POST /x/admin/reports/{id}/resolve with {"action", "message"}. */
export async function resolveReport(request: IRequest, env: Env) {
  const id = pathParam(request, "id");
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, ResolveBody);
  const maintainer = await maintainerOf(request, env);
  await limitSubject(env, "admin", maintainer.claims);
  const report = await getReport(env.DB, id);
  if (!report) throw new ApiError(404, "Report not found");
  const caller = callerOf(request, maintainer.claims);
  if (!mayEdit(maintainer, report.name)) {
    const facts = { action: "resolve", name: report.name, detail: { reportId: id } };
    await refuseAudited(env, caller, namespaceOf(report.name), facts, outsideScope(report.name));
  }
  // A scoped resolver's denylist entry reaches only names inside its scope (domain/denylist.ts).
  const resolution = { ...body, scope: maintainer.global ? null : maintainer.scope };
  const resolved = await runWrite(
    env,
    namespaceOf(report.name),
    (writer) => writer.resolveReport(caller, report.name, id, resolution),
    { adopt: [report.name] },
  );
  return json({
    id,
    status: "resolved",
    action: body.action,
    name: resolved.name,
    resolvedReports: resolved.resolved,
    changedVersions: resolved.changed.map((v) => ({ version: v.version, status: v.status })),
  });
}
