// Publishes into a group that requires approval (docs/governance.md): the submission, stored in
// pending_versions, and a manager's decision, which publishes it (the full publish plan, in the
// batch that removes the pending row) or drops it. Run by the namespace's Durable Object like
// every other write of the namespace, each step one D1 batch with its audit rows.
import { actorKey, actorOf } from "../domain/actor.ts";
import { pendingBoundRefusal } from "../domain/approvals.ts";
import { denylistKeys } from "../domain/denylist.ts";
import { MAX_PROBLEM_ERRORS } from "../errors.ts";
import { admissionViolations, type AdmissionPolicy } from "../domain/groups.ts";
import { planPublishes, PUBLISH_FAILED } from "../domain/publish-plan.ts";
import type { ServerJson } from "../domain/server-json/index.ts";
import { remoteUrls } from "../domain/write-rules.ts";
import { deletePendingStatement, getPending, insertPendingStatement } from "../storage/d1-governance.ts";
import { publishStatements, readPublishGroup } from "../storage/d1-publish.ts";
import { asPublishTrigger, publishAuditEntry, type PublishResult } from "./server-writes.ts";
import { auditEntry, commit, refuse, type Caller, type WriteContext, type WriteOutcome } from "./write-context.ts";

/** A stored submission's answer: when it was submitted (µs). */
export interface Submitted {
  submittedAt: number;
}

/** A manager's decision on a pending version. */
export interface PendingDecision {
  decision: "approve" | "reject";
  message?: string;
  /** The group's admission policy now: an approval is checked against it again. */
  policy?: AdmissionPolicy | null;
}

export type DecisionResult = ({ decision: "approve" } & PublishResult) | { decision: "reject" };

/** What one read of a submission into `group` found, in the writer's one round trip. */
async function readSubmission(ctx: WriteContext, group: string, server: ServerJson, pending: boolean) {
  return readPublishGroup(
    ctx.env.DB,
    [{ name: server.name, version: server.version, urls: remoteUrls(server), group }],
    denylistKeys(server),
    { pending },
  );
}

/**
 * Stores a publish into `group` for a manager to decide, after checking it as the publish it
 * will become (the namespace's claim, the denylist, remote URLs, duplicates, the version cap),
 * so that what could never be approved is refused now; a version already awaiting approval is a
 * 409, and so is one more than the queue holds (MAX_PENDING_PER_NAME of the name, exact: its
 * namespace's writer serializes them; MAX_PENDING_PER_GROUP in the group, which submissions
 * racing in the group's other namespaces may pass by one each). Nothing reads pending versions
 * but the approval routes: the catalogue is unchanged.
 */
export async function submitPending(
  ctx: WriteContext,
  group: string,
  server: ServerJson,
): Promise<WriteOutcome<Submitted>> {
  const { name, version } = server;
  const facts = { action: "submit", name, version, detail: { group } };
  const reads = await readSubmission(ctx, group, server, true);
  // The plan first: a name outside the group's namespaces learns nothing about what is pending.
  const { decision } = planPublishes([{ server, group }], reads, { now: ctx.now, seq: ctx.seq }).jobs[0]!;
  if (!decision.ok) return refuse(ctx, facts, decision.status, decision.detail, decision.message);
  const queue = reads.states[0]!.pending!;
  if (queue.pending) {
    return refuse(ctx, facts, 409, PUBLISH_FAILED, `${name}@${version} is already awaiting approval`);
  }
  const overfull = pendingBoundRefusal(queue, group, name);
  if (overfull !== undefined) return refuse(ctx, facts, 409, PUBLISH_FAILED, overfull);
  const pending = {
    name,
    version,
    group,
    serverJson: JSON.stringify(server),
    submittedAt: ctx.now,
    submittedBy: actorKey(ctx.actor),
    requestId: ctx.requestId,
  };
  try {
    await commit(ctx, [insertPendingStatement(ctx.env.DB, pending)], [auditEntry(ctx, facts)]);
  } catch (err) {
    // The namespace was released (or its group deleted) since the read: the trigger aborted.
    return asPublishTrigger(ctx, err, facts, group, []);
  }
  return { ok: true, value: { submittedAt: ctx.now } };
}

/**
 * A manager's decision on `name@version` pending in `group`. Reject drops the pending row (audit
 * "reject", with the message). Approve publishes the stored server.json with the whole publish
 * plan, checked again now, in one batch that also drops the pending row, with two audit rows:
 * "approve" by the manager and "publish" by the submitter. A refused approval changes nothing
 * (the version stays pending, to be rejected or approved once the cause is gone).
 */
export async function decidePending(
  ctx: WriteContext,
  group: string,
  name: string,
  version: string,
  { decision, message, policy }: PendingDecision,
): Promise<WriteOutcome<DecisionResult>> {
  const db = ctx.env.DB;
  const facts = {
    action: decision,
    name,
    version,
    detail: { group, ...(message === undefined ? {} : { message }) },
  };
  const pending = await getPending(db, name, version);
  // Another group's pending version is answered like a missing one.
  if (pending === null || pending.group !== group) return refuse(ctx, facts, 404, "Pending version not found");
  const detail = { ...facts.detail, submittedBy: pending.submittedBy };
  if (decision === "reject") {
    await commit(
      ctx,
      [deletePendingStatement(db, name, version)],
      [auditEntry(ctx, { ...facts, detail, reason: message ?? null })],
    );
    return { ok: true, value: { decision: "reject" } };
  }

  const server = JSON.parse(pending.serverJson) as ServerJson;
  // The policy may have been tightened since the submission: it holds for what gets published.
  const violations = admissionViolations(policy ?? null, server);
  if (violations.length > 0) {
    return refuse(ctx, { ...facts, detail }, 400, PUBLISH_FAILED, violations.slice(0, MAX_PROBLEM_ERRORS).join("; "));
  }
  const submitter: Caller = { actor: actorOf(pending.submittedBy), requestId: pending.requestId ?? ctx.requestId };
  const reads = await readSubmission(ctx, group, server, false);
  // The approval takes the step's first sequence number and time, the publish the next ones.
  const plan = planPublishes([{ server, group }], reads, { now: ctx.now + 1, seq: ctx.seq + 1 });
  const { decision: outcome, audit } = plan.jobs[0]!;
  if (!outcome.ok) return refuse(ctx, { ...facts, detail }, outcome.status, outcome.detail, outcome.message);
  try {
    await commit(
      ctx,
      [...publishStatements(db, plan), deletePendingStatement(db, name, version)],
      [auditEntry(ctx, { ...facts, detail }), publishAuditEntry(ctx, submitter, audit)],
      [name],
    );
  } catch (err) {
    return asPublishTrigger(ctx, err, { ...facts, detail }, group, remoteUrls(server));
  }
  return { ok: true, value: { decision: "approve", record: outcome.record } };
}
