// GET /x/changes?after=<cursor>&limit= (and under /groups/{group}/): the ordered change feed of
// the request's view (domain/change-feed.ts; README "Change feed").
import type { IRequest } from "itty-router";
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, parseFeedCursor, renderFeedPage } from "../../domain/change-feed.ts";
import type { ProblemDetail } from "../../errors.ts";
import { readFeed } from "../../storage/d1-feed.ts";
import type { ResolvedView } from "../group-view.ts";
import { readLimitParam } from "../list-params.ts";
import { throwIfInvalid } from "../paging.ts";
import { jsonText } from "../responses.ts";

export async function listChanges(
  _request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  url: URL,
  resolved: ResolvedView,
) {
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(url.searchParams, errors, {
    defaultLimit: FEED_DEFAULT_LIMIT,
    maxLimit: FEED_MAX_LIMIT,
  });
  const raw = url.searchParams.get("after");
  const after = parseFeedCursor(raw);
  if (after === undefined) {
    errors.push({ message: "invalid cursor: pass back a nextCursor", location: "query.after", value: raw });
  }
  throwIfInvalid(errors);
  const entries = await readFeed(env.DB, after!, limit, resolved.view);
  return jsonText(renderFeedPage(entries, after!, limit));
}
