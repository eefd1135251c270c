// Publishes awaiting approval (docs/governance.md): GET /x/admin/groups/{group}/pending and
// POST /x/admin/groups/{group}/pending/{name}/{version}, for the group's managers (and
// organisation administrators). A group the caller may not see answers 404; its viewers and
// publishers get 403. Decisions run on the namespace's writer (writes/approval-writes.ts).
import * as v from "valibot";
import type { IRequest } from "itty-router";
import { base64UrlDecode, base64UrlEncode, utf8 } from "../../auth/encoding.ts";
import { authenticate } from "../../auth/principal.ts";
import { DECISIONS, MAX_DECISION_MESSAGE, renderPending } from "../../domain/approvals.ts";
import { groupStream } from "../../domain/governance-rules.ts";
import { atLeast } from "../../domain/groups.ts";
import { goStruct, maxLength, oneOf, text } from "../../domain/server-json/huma-schema-kit.ts";
import { renderServerResponse } from "../../domain/server-response.ts";
import { namespaceOf } from "../../domain/write-rules.ts";
import { listPendingVersions, type PendingPosition } from "../../storage/d1-governance.ts";
import { ApiError, type ProblemDetail } from "../../errors.ts";
import { readLimitParam } from "../list-params.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { json, jsonText } from "../responses.ts";
import { readableGroup } from "./groups.ts";
import { isStorableTarget, pathParam } from "./path-params.ts";
import { callerOf, forbidAudited, runWrite } from "./write-support.ts";

export const DecisionBody = goStruct({
  decision: oneOf(DECISIONS),
  message: v.optional(v.pipe(text, maxLength(MAX_DECISION_MESSAGE))),
});

const NOT_MANAGER = "Approvals need the manager role in the group";
const PENDING_NOT_FOUND = "Pending version not found";
/** A cursor is a (submittedAt, name, version) position: bounded by what a row can hold. */
const MAX_CURSOR_LENGTH = 2048;

/** base64url of the position's JSON in UTF-8 (versions are free text, not Latin-1). */
function encodeCursor(position: PendingPosition): string {
  return base64UrlEncode(utf8(JSON.stringify([position.submittedAt, position.name, position.version])));
}

/** A cursor of a previous page, or undefined with an error when it is none. */
function decodeCursor(raw: string, errors: ProblemDetail[]): PendingPosition | undefined {
  try {
    if (raw.length > MAX_CURSOR_LENGTH) throw new Error("too long");
    const bytes = base64UrlDecode(raw);
    if (bytes === null) throw new Error("not base64url");
    const [submittedAt, name, version] = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes),
    ) as unknown[];
    if (Number.isSafeInteger(submittedAt) && typeof name === "string" && typeof version === "string") {
      return { submittedAt: submittedAt as number, name, version };
    }
  } catch {
    // reported below
  }
  errors.push({ message: "invalid cursor", location: "query.cursor", value: raw.slice(0, 64) });
  return undefined;
}

/** GET /x/admin/groups/{group}/pending?limit=…&cursor=…: oldest first. */
export async function listPending(request: IRequest, env: Env, _ctx: ExecutionContext, url: URL) {
  const principal = await authenticate(request, env);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  if (!atLeast(access, "manager")) throw new ApiError(403, NOT_MANAGER);
  const errors: ProblemDetail[] = [];
  const limit = readLimitParam(url.searchParams, errors, { defaultLimit: 50, maxLimit: 500 });
  const rawCursor = url.searchParams.get("cursor") ?? "";
  const after = rawCursor === "" ? undefined : decodeCursor(rawCursor, errors);
  if (errors.length > 0) throw ApiError.validation(errors);
  const rows = await listPendingVersions(env.DB, group.name, after, limit);
  const items = rows.map((row) =>
    renderPending(row.serverJson, { group: row.group, submittedAt: row.submittedAt, submittedBy: row.submittedBy }),
  );
  const last = rows.at(-1);
  const metadata: Record<string, unknown> = { count: rows.length };
  if (rows.length === limit && last !== undefined) metadata.nextCursor = encodeCursor(last);
  return jsonText(`{"pending":[${items.join(",")}],"metadata":${JSON.stringify(metadata)}}`);
}

/** POST /x/admin/groups/{group}/pending/{name}/{version} with {"decision", "message"?}. */
export async function decidePending(request: IRequest, env: Env) {
  const name = pathParam(request, "name");
  const version = pathParam(request, "version");
  await limitAddress(request, env, "admin");
  const body = await readBodyAs(request, DecisionBody);
  const principal = await authenticate(request, env);
  const { group, access } = await readableGroup(env, principal, pathParam(request, "group"));
  await limitSubject(env, "admin", principal);
  if (!atLeast(access, "manager")) {
    const facts = { action: body.decision, name: group.name, detail: { server: name, version } };
    await forbidAudited(request, env, principal, groupStream(group.name), facts, NOT_MANAGER);
  }
  // A path no pending version can have is a miss, neither audited nor sent to a writer.
  if (!isStorableTarget(name, version)) throw new ApiError(404, PENDING_NOT_FOUND);
  const caller = callerOf(request, principal);
  const decision = {
    decision: body.decision,
    policy: group.policy,
    ...(body.message === undefined ? {} : { message: body.message }),
  };
  const result = await runWrite(
    env,
    namespaceOf(name),
    (writer) => writer.decidePending(caller, group.name, name, version, decision),
    { adopt: (value) => (value.decision === "approve" ? [name] : []) },
  );
  if (result.decision === "approve") return jsonText(renderServerResponse(result.record));
  return json({ name, version, decision: "reject" });
}
