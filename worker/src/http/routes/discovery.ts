// The official read API (spec §3.4–3.6): list, versions of one server, one version.
import type { IRequest } from "itty-router";
import { parseListQuery, readBoolParam } from "../list-params.ts";
import { readListPage, readServer } from "../../storage/read-cache.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { jsonText } from "../responses.ts";
import { pathParam } from "./path-params.ts";

function includeDeleted(url: URL): boolean {
  const errors: ProblemDetail[] = [];
  const value = readBoolParam(url.searchParams, "include_deleted", errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  return value ?? false;
}

export async function listServers(_request: IRequest, env: Env, ctx: ExecutionContext, url: URL) {
  const query = parseListQuery(url.searchParams);
  return jsonText(await readListPage(env, ctx, query));
}

export async function listServerVersions(request: IRequest, env: Env, ctx: ExecutionContext, url: URL) {
  const withDeleted = includeDeleted(url);
  const entry = await readServer(env, ctx, pathParam(request, "name"));
  const body = withDeleted ? entry.versionsBodyWithDeleted : entry.versionsBody;
  if (body === null) throw new ApiError(404, "Server not found");
  return jsonText(body);
}

export async function getServerVersion(request: IRequest, env: Env, ctx: ExecutionContext, url: URL) {
  const withDeleted = includeDeleted(url);
  const entry = await readServer(env, ctx, pathParam(request, "name"));
  const requested = pathParam(request, "version");
  const version = requested === "latest" ? entry.latestVersion : requested;
  const detail = version === undefined ? undefined : entry.details.get(version);
  if (detail === undefined || (detail.deleted && !withDeleted)) throw new ApiError(404, "Server not found");
  return jsonText(detail.body);
}
