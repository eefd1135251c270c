// GET /x/changes?after=<cursor>&limit= (and under /groups/{group}/): the ordered change feed of
// the request's view (domain/change-feed.ts; README "Change feed").
import type { IRequest } from "itty-router";
import {
  CURSOR_AHEAD,
  cursorAhead,
  FEED_DEFAULT_LIMIT,
  FEED_MAX_LIMIT,
  includeFingerprint,
  INCLUDES_CHANGED,
  parseFeedCursor,
  renderFeedPage,
} from "../../domain/change-feed.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { readFeedPage } from "../../storage/d1-feed.ts";
import type { ResolvedView } from "../group-view.ts";
import { readLimitParam } from "../list-params.ts";
import { throwIfInvalid } from "../paging.ts";
import { readAnswer } from "../conditional.ts";

export async function listChanges(
  request: IRequest,
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
  const { view } = resolved;
  const includes = view.kind === "group" ? includeFingerprint(view.group.include) : undefined;
  const after = parseFeedCursor(raw, includes !== undefined);
  if (after === undefined) {
    errors.push({ message: "invalid cursor: pass back a nextCursor", location: "query.after", value: raw });
  }
  throwIfInvalid(errors);
  if (after!.includes !== undefined && after!.includes !== includes) {
    throw new ApiError(410, INCLUDES_CHANGED);
  }
  const feed = await readFeedPage(env.DB, after!, limit, view);
  // A cursor no page gave (the registry was restored or reset since): its reader must start over,
  // or it would silently miss every change up to its position.
  if (cursorAhead(after!, feed.heads)) throw new ApiError(410, CURSOR_AHEAD);
  // Read from D1 each time: the page is hashed per request (its tag still changes only with it).
  const page = {
    body: new TextEncoder().encode(renderFeedPage(feed, after!, limit, includes !== undefined, includes)),
  };
  return readAnswer(request, env, view, "feed", page);
}
