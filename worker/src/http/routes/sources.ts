// /x/admin/sources: upstream registries mirrored by the cron (README "Mirroring upstream
// registries"). Organisation administrators only. Only this file decides who may ask; the rules
// live in domain/sources.ts, configuration changes in writes/source-writes.ts (the "~sync"
// stream), and a mirror step in sync/mirror-source.ts.
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { canonicalList, GROUP_NOT_FOUND } from "../../domain/governance-rules.ts";
import { GROUP_NAME_PATTERN } from "../../domain/groups.ts";
import { goStruct, listOfAtMost, maxLength, text } from "../../domain/server-json/huma-schema-kit.ts";
import {
  canonicalSourcePattern,
  canonicalSourceUrl,
  MAX_SOURCE_PATTERNS,
  MAX_SOURCE_URL_LENGTH,
  renderSource,
  SOURCE_NOT_FOUND,
  type SourceRecord,
} from "../../domain/sources.ts";
import { nowMicros } from "../../domain/timestamps.ts";
import { SYNC_STREAM } from "../../durable/stream-writer.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { getGroup } from "../../storage/d1-governance.ts";
import { listSources as listStoredSources } from "../../storage/d1-sources.ts";
import { pagesPerRun, stepSource, type StepSummary } from "../../sync/mirror-source.ts";
import type { SourceSpec } from "../../writes/source-writes.ts";
import { limitAddress } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { json } from "../responses.ts";
import { orgAdministrator } from "./admin-auth.ts";
import { pathParam } from "./path-params.ts";
import { callerOf, runWrite } from "./write-support.ts";

/** The `into` of the public catalogue. */
const PUBLIC_INTO = "public";
/** Source ids are UUIDs (writes/source-writes.ts): anything else names none. */
const SOURCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const CreateBody = goStruct({
  url: v.pipe(text, maxLength(MAX_SOURCE_URL_LENGTH)),
  into: v.pipe(text, maxLength(63)),
  include: v.optional(listOfAtMost(text, MAX_SOURCE_PATTERNS)),
  exclude: v.optional(listOfAtMost(text, MAX_SOURCE_PATTERNS)),
});

const ADMINS_ONLY = 'Managing upstream sources requires an organisation administrator (edit permission on "*")';

/** The id in the path, or the 404 of a source that does not exist. */
function sourceId(request: IRequest): string {
  const id = pathParam(request, "id");
  if (!SOURCE_ID.test(id)) throw new ApiError(404, SOURCE_NOT_FOUND);
  return id;
}

function patternsField(field: "include" | "exclude", raw: readonly string[], errors: ProblemDetail[]): string[] {
  const result = canonicalList(raw, canonicalSourcePattern);
  if ("values" in result) return result.values;
  for (const { index, error } of result.errors) {
    errors.push({ message: error, location: `body.${field}[${index}]`, value: raw[index] });
  }
  return [];
}

/** `into`: "public", or the name of an existing group. */
async function intoField(env: Env, raw: string, errors: ProblemDetail[]): Promise<string | null> {
  const into = raw.trim();
  if (into === PUBLIC_INTO) return null;
  if (!GROUP_NAME_PATTERN.test(into) || (await getGroup(env.DB, into)) === null) {
    errors.push({
      message: `expected "public" or the name of a group: ${GROUP_NOT_FOUND}`,
      location: "body.into",
      value: raw,
    });
  }
  return into;
}

function renderStep(step: StepSummary) {
  return {
    pages: step.pages,
    ...step.counts,
    caughtUp: step.caughtUp,
    error: step.error,
  };
}

const render = (source: SourceRecord) => renderSource(source, nowMicros());

/** POST /x/admin/sources: registers an upstream; the cron starts mirroring it on its next run. */
export async function createSource(request: IRequest, env: Env): Promise<Response> {
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, CreateBody);
  const principal = await orgAdministrator(request, env, ADMINS_ONLY, { write: true });
  const errors: ProblemDetail[] = [];
  const url = canonicalSourceUrl(body.url);
  if ("error" in url) errors.push({ message: url.error, location: "body.url", value: body.url });
  const spec: SourceSpec = {
    url: "value" in url ? url.value : "",
    into: await intoField(env, body.into, errors),
    include: patternsField("include", body.include ?? [], errors),
    exclude: patternsField("exclude", body.exclude ?? [], errors),
  };
  if (errors.length > 0) throw ApiError.validation(errors);
  const caller = callerOf(request, principal);
  const source = await runWrite(env, SYNC_STREAM, (writer) => writer.sourceWrite(caller, { kind: "create", spec }));
  return json(render(source), 201);
}

/** GET /x/admin/sources: every source with its state. */
export async function listSources(request: IRequest, env: Env): Promise<Response> {
  await orgAdministrator(request, env, ADMINS_ONLY, { write: false });
  const sources = await listStoredSources(env.DB);
  return json({ sources: sources.map(render), metadata: { count: sources.length } });
}

/** DELETE /x/admin/sources/{id}: stops mirroring; the mirrored versions stay. */
export async function deleteSource(request: IRequest, env: Env): Promise<Response> {
  await limitAddress(request, env, "admin");
  const principal = await orgAdministrator(request, env, ADMINS_ONLY, { write: true });
  const id = sourceId(request);
  const caller = callerOf(request, principal);
  const source = await runWrite(env, SYNC_STREAM, (writer) => writer.sourceWrite(caller, { kind: "delete", id }));
  return json(render(source));
}

/**
 * POST /x/admin/sources/{id}/sync: runs one bounded step now (what a cron run does for the
 * source) and answers the source's state and what the step did.
 */
export async function syncSource(request: IRequest, env: Env): Promise<Response> {
  await limitAddress(request, env, "admin");
  await orgAdministrator(request, env, ADMINS_ONLY, { write: true });
  const id = sourceId(request);
  const { source, summary } = await stepSource(env, id, pagesPerRun(env.MIRROR_PAGES_PER_RUN));
  if (source === null || summary === null) throw new ApiError(404, SOURCE_NOT_FOUND);
  return json({ source: render(source), step: renderStep(summary) });
}
