// Query parameters as the official framework reads them (Go's strconv rules, huma's messages),
// and the GET /servers query (spec §3.4 and §11) with the official errors.
import { DEFAULT_LIMIT, MAX_LIMIT, type ListCursor, type ListQuery } from "../domain/list-query.ts";
import { parseRfc3339 } from "../domain/timestamps.ts";
import { ApiError, type ProblemDetail } from "../errors.ts";

/** Go's strconv.ParseBool, which the official framework uses for boolean parameters. */
export function parseGoBool(raw: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}

/** Go's strconv.ParseInt(s, 10, 64) on a limit-sized value. */
function parseGoInt(raw: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Reads a boolean query parameter; an empty value means "not given", as in the framework. */
export function readBoolParam(params: URLSearchParams, key: string, errors: ProblemDetail[]): boolean | undefined {
  const raw = params.get(key);
  if (raw === null || raw === "") return undefined;
  const value = parseGoBool(raw);
  if (value === undefined) errors.push({ message: "invalid boolean", location: `query.${key}`, value: raw });
  return value;
}

/** Reads `limit` (framework rules: Go integer, 1..max); an empty value means the default. */
export function readLimitParam(
  params: URLSearchParams,
  errors: ProblemDetail[],
  { defaultLimit = DEFAULT_LIMIT, maxLimit = MAX_LIMIT }: { defaultLimit?: number; maxLimit?: number } = {},
): number {
  const raw = params.get("limit");
  if (raw === null || raw === "") return defaultLimit;
  const value = parseGoInt(raw);
  if (value === undefined) {
    errors.push({ message: "invalid integer", location: "query.limit", value: raw });
  } else if (value < 1) {
    errors.push({ message: "expected number >= 1", location: "query.limit", value });
  } else if (value > maxLimit) {
    errors.push({ message: `expected number <= ${maxLimit}`, location: "query.limit", value });
  }
  return value ?? defaultLimit;
}

export function parseCursor(raw: string): ListCursor | undefined {
  if (raw === "") return undefined;
  const colon = raw.indexOf(":");
  if (colon === -1) return { name: raw };
  return { name: raw.slice(0, colon), version: raw.slice(colon + 1) };
}

/** Parses GET /servers parameters; throws the official ApiError for bad input. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(params, errors);
  const includeDeletedParam = readBoolParam(params, "include_deleted", errors);
  if (errors.length > 0) throw ApiError.validation(errors);

  const query: ListQuery = { limit, latestOnly: false, includeDeleted: includeDeletedParam ?? false };
  const cursor = parseCursor(params.get("cursor") ?? "");
  if (cursor) query.cursor = cursor;
  const search = params.get("search") ?? "";
  if (search !== "") query.search = search.toLowerCase();

  const version = params.get("version") ?? "";
  if (version === "latest") query.latestOnly = true;
  else if (version !== "") query.exactVersion = version;

  const since = params.get("updated_since") ?? "";
  if (since !== "") {
    const micros = parseRfc3339(since);
    if (micros === undefined) {
      throw new ApiError(
        400,
        "Invalid updated_since format: expected RFC3339 timestamp (e.g., 2025-08-07T13:15:04.280Z)",
      );
    }
    if (includeDeletedParam === false) {
      throw new ApiError(
        400,
        "Cannot set include_deleted=false when using updated_since (incremental sync requires deleted servers)",
      );
    }
    query.updatedSince = micros;
    query.includeDeleted = true;
  }
  return query;
}
