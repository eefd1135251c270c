// The official read API (spec §3.4–3.6): list, versions of one server, one version; in the
// public view or a group's (docs/governance.md). What a view does not show answers exactly like
// an unknown name; what it shows answers through readAnswer (ETag, If-None-Match, Cache-Control).
import type { IRequest } from "itty-router";
import { visibleIn } from "../../domain/groups.ts";
import type { ResolvedView } from "../group-view.ts";
import { parseListQuery, readBoolParam } from "../list-params.ts";
import { readListPage, readServer } from "../../storage/read-cache.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { MAX_NAME_LENGTH, MAX_VERSION_LENGTH } from "../../domain/server-json/framework-schema.ts";
import { readAnswer } from "../conditional.ts";
import { storedPathParam } from "./path-params.ts";

const serverNotFound = () => new ApiError(404, "Server not found");

/** The path's server name; 404 at once when no server can have it. */
function serverName(request: IRequest): string {
  const name = storedPathParam(request, "name", MAX_NAME_LENGTH);
  if (name === undefined) throw serverNotFound();
  return name;
}

function includeDeleted(url: URL): boolean {
  const errors: ProblemDetail[] = [];
  const value = readBoolParam(url.searchParams, "include_deleted", errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  return value ?? false;
}

export async function listServers(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  url: URL,
  resolved: ResolvedView,
) {
  const query = parseListQuery(url.searchParams);
  const page = await readListPage(env, ctx, query, resolved.view);
  return readAnswer(request, env, resolved.view, "catalogue", page);
}

export async function listServerVersions(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  url: URL,
  resolved: ResolvedView,
) {
  const withDeleted = includeDeleted(url);
  const name = serverName(request);
  const entry = await readServer(env, ctx, name);
  const body = withDeleted ? entry.versionsBodyWithDeleted : entry.versionsBody;
  // What the view does not show is a name nobody has.
  if (body === null || !visibleIn(resolved.view, name, entry.group)) throw serverNotFound();
  return readAnswer(request, env, resolved.view, "server", body);
}

export async function getServerVersion(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  url: URL,
  resolved: ResolvedView,
) {
  const withDeleted = includeDeleted(url);
  const name = serverName(request);
  const requested = storedPathParam(request, "version", MAX_VERSION_LENGTH);
  if (requested === undefined) throw serverNotFound();
  const entry = await readServer(env, ctx, name);
  const version = requested === "latest" ? entry.latestVersion : requested;
  const detail = version === undefined ? undefined : entry.details.get(version);
  if (detail === undefined || (detail.deleted && !withDeleted) || !visibleIn(resolved.view, name, entry.group)) {
    throw serverNotFound();
  }
  return readAnswer(request, env, resolved.view, "server", detail);
}
