// Paging of our /x/ lists: an opaque cursor that is the last row's position, and the limit.
import { readLimitParam } from "./list-params.ts";
import { ApiError, type ProblemDetail } from "../errors.ts";

export interface Page {
  after: number | undefined;
  limit: number;
}

/** `cursor` (a row position from a previous page's nextCursor) and `limit`. */
export function readPage(params: URLSearchParams, errors: ProblemDetail[], defaultLimit = 50, maxLimit = 500): Page {
  const limit = readLimitParam(params, errors, { defaultLimit, maxLimit });
  const raw = params.get("cursor");
  if (raw === null || raw === "") return { after: undefined, limit };
  const after = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : undefined;
  if (after === undefined) errors.push({ message: "invalid cursor", location: "query.cursor", value: raw });
  return { after, limit };
}

/** The list envelope: rendered items, count, and nextCursor when the page was full. */
export function pageBody<T>(
  key: string,
  items: readonly T[],
  limit: number,
  positionOf: (item: T) => number,
  render: (item: T) => unknown,
): Record<string, unknown> {
  const last = items.at(-1);
  const metadata: Record<string, unknown> = { count: items.length };
  if (items.length === limit && last !== undefined) metadata.nextCursor = String(positionOf(last));
  return { [key]: items.map(render), metadata };
}

export function throwIfInvalid(errors: ProblemDetail[]): void {
  if (errors.length > 0) throw ApiError.validation(errors);
}
