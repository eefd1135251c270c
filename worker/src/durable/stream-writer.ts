// One Durable Object per audit stream: a namespace (the part of a server name before '/'), or
// "~auth" and "~moderation". Every write for that stream goes through it. Its only job is
// ordering: it runs writes one at a time (input gates do not hold across awaits on D1,
// workers-stack G5), hands each the next gapless sequence number and a strictly increasing
// timestamp, and moves the counters on by the audit rows the write committed. Publishes that queue up behind a running write are committed together (group
// commit). The writes themselves live in writes/.
import { DurableObject } from "cloudflare:workers";
import {
  addDenylistEntry,
  auditedFailuresPerHour,
  fileReport,
  recordAttempt,
  recordFailedExchange,
  removeDenylistEntry,
  resolveReport,
  sweepDenylisted,
  type FailureTally,
  type FiledReport,
  type ReportFiling,
  type Resolution,
  type ResolvedReports,
} from "../writes/moderation-writes.ts";
import {
  editVersion,
  publishVersion,
  publishVersions,
  setServerStatus,
  setVersionStatus,
  type PublishJob,
  type PublishResult,
  type StatusResult,
} from "../writes/server-writes.ts";
import {
  decidePending,
  submitPending,
  type DecisionResult,
  type PendingDecision,
  type Submitted,
} from "../writes/approval-writes.ts";
import {
  createGroup,
  createToken,
  deleteGroup,
  putMember,
  removeMember,
  revokeToken,
  updateGroup,
  type DeletedGroup,
  type GroupPatch,
  type GroupSpec,
  type MemberChange,
  type NewToken,
} from "../writes/governance-writes.ts";
import type { StoredApiToken, StoredMember } from "../storage/d1-governance.ts";
import type { Access, GroupConfig, Role } from "../domain/groups.ts";
import { groupStream } from "../domain/governance-rules.ts";
import {
  failure,
  type AuditFacts,
  type Caller,
  type WriteContext,
  type WriteOutcome,
} from "../writes/write-context.ts";
import type { DenylistEntry, DenylistKey } from "../domain/denylist.ts";
import { moderationConfig } from "../domain/moderation.ts";
import type { ServerJson } from "../domain/server-json/index.ts";
import { namespaceOf, type StatusChange } from "../domain/write-rules.ts";
import { isOutage } from "../errors.ts";
import { lastAuditSeq } from "../storage/d1-audit.ts";
import { applySourceOp, type SourceOp, type SourceOpResult } from "../writes/source-writes.ts";
import { applyWebhookOp, type WebhookOp, type WebhookOpResult } from "../writes/webhook-writes.ts";

/** The audit stream of sync configuration writes (sources, webhooks). */
export const SYNC_STREAM = "~sync";

/** Most publishes committed in one D1 batch. */
const MAX_GROUP = 32;
/**
 * Most writes waiting in the queue. Beyond it a write is answered 503 at once: a flood must not
 * grow memory or make every caller wait for minutes (a group of 32 publishes takes a few ms).
 */
const MAX_QUEUED = 512;
/**
 * Most failed token exchanges waiting to be recorded ("~auth"). They wait behind every other
 * write (a flood of them never delays a successful login's record), and beyond this many they
 * are dropped: their count is then only in the log.
 */
const MAX_QUEUED_FAILURES = 512;

type Job =
  | { kind: "publish"; job: PublishJob; settle: (outcome: WriteOutcome<PublishResult>) => void }
  | {
      kind: "single";
      stream: string;
      caller: Caller;
      run: (ctx: WriteContext) => Promise<void>;
      fail: (err: unknown) => void;
    };

export class StreamWriter extends DurableObject<Env> {
  private readonly jobs: Job[] = [];
  /** Failed token exchanges to record, after `jobs` (see MAX_QUEUED_FAILURES). */
  private readonly failures: Job[] = [];
  private droppedFailures = 0;
  private draining = false;
  /** Last committed sequence number of this object's stream; read from D1 on first use and after any failure. */
  private lastSeq: number | undefined;
  private lastNow = 0;
  /** Failed token exchanges audited this hour ("~auth" only); read from D1 on first use and after any failure. */
  private failureTally: FailureTally | undefined;

  /** `group`: the group whose view the write came through (null: the public catalogue). */
  publish(caller: Caller, server: ServerJson, group: string | null = null): Promise<WriteOutcome<PublishResult>> {
    return new Promise((settle) => this.enqueue({ kind: "publish", job: { caller, server, group }, settle }));
  }

  setVersionStatus(
    caller: Caller,
    name: string,
    version: string,
    change: StatusChange,
    group: string | null = null,
  ): Promise<WriteOutcome<StatusResult>> {
    return this.single(namespaceOf(name), caller, (ctx) => setVersionStatus(ctx, name, version, change, group));
  }

  setServerStatus(
    caller: Caller,
    name: string,
    change: StatusChange,
    group: string | null = null,
  ): Promise<WriteOutcome<StatusResult>> {
    return this.single(namespaceOf(name), caller, (ctx) => setServerStatus(ctx, name, change, group));
  }

  edit(caller: Caller, server: ServerJson, group: string | null = null): Promise<WriteOutcome<PublishResult>> {
    return this.single(namespaceOf(server.name), caller, (ctx) => editVersion(ctx, server, group));
  }

  /** A publish into a group that requires approval: stored pending (writes/approval-writes.ts). */
  submitPending(caller: Caller, group: string, server: ServerJson): Promise<WriteOutcome<Submitted>> {
    return this.single(namespaceOf(server.name), caller, (ctx) => submitPending(ctx, group, server));
  }

  /** A manager's decision on a pending version of this namespace. */
  decidePending(
    caller: Caller,
    group: string,
    name: string,
    version: string,
    decision: PendingDecision,
  ): Promise<WriteOutcome<DecisionResult>> {
    return this.single(namespaceOf(name), caller, (ctx) => decidePending(ctx, group, name, version, decision));
  }

  report(caller: Caller, filing: ReportFiling): Promise<WriteOutcome<FiledReport>> {
    return this.single(namespaceOf(filing.name), caller, (ctx) => fileReport(ctx, filing, moderationConfig(this.env)));
  }

  resolveReport(
    caller: Caller,
    name: string,
    reportId: string,
    resolution: Resolution,
  ): Promise<WriteOutcome<ResolvedReports>> {
    return this.single(namespaceOf(name), caller, (ctx) => resolveReport(ctx, reportId, resolution));
  }

  addDenylistEntry(caller: Caller, stream: string, entry: DenylistEntry): Promise<WriteOutcome<DenylistEntry>> {
    return this.single(stream, caller, (ctx) => addDenylistEntry(ctx, entry));
  }

  removeDenylistEntry(
    caller: Caller,
    stream: string,
    key: DenylistKey,
  ): Promise<WriteOutcome<{ entry: DenylistEntry }>> {
    return this.single(stream, caller, (ctx) => removeDenylistEntry(ctx, key));
  }

  sweepDenylisted(
    caller: Caller,
    namespace: string,
    key: DenylistKey,
  ): Promise<WriteOutcome<Record<string, string[]>>> {
    return this.single(namespace, caller, (ctx) => sweepDenylisted(ctx, key));
  }

  // Governance (writes/governance-writes.ts): each group's changes on its "~group:<name>" stream.

  createGroup(caller: Caller, spec: GroupSpec): Promise<WriteOutcome<GroupConfig>> {
    return this.single(groupStream(spec.name), caller, (ctx) => createGroup(ctx, spec));
  }

  updateGroup(caller: Caller, name: string, patch: GroupPatch): Promise<WriteOutcome<GroupConfig>> {
    return this.single(groupStream(name), caller, (ctx) => updateGroup(ctx, name, patch));
  }

  deleteGroup(caller: Caller, name: string, purge: boolean): Promise<WriteOutcome<DeletedGroup>> {
    return this.single(groupStream(name), caller, (ctx) => deleteGroup(ctx, name, purge));
  }

  /** `actor`: what the caller holds in the group (who may grant what depends on the member's role). */
  putMember(
    caller: Caller,
    group: string,
    member: string,
    role: Role,
    actor: Access | undefined,
  ): Promise<WriteOutcome<MemberChange>> {
    return this.single(groupStream(group), caller, (ctx) => putMember(ctx, group, member, role, actor));
  }

  removeMember(
    caller: Caller,
    group: string,
    member: string,
    actor: Access | undefined,
  ): Promise<WriteOutcome<StoredMember>> {
    return this.single(groupStream(group), caller, (ctx) => removeMember(ctx, group, member, actor));
  }

  /** A token on `stream` ("~tokens" or its group's); only the hash of its secret reaches the writer. */
  createToken(caller: Caller, stream: string, token: NewToken, hash: string): Promise<WriteOutcome<StoredApiToken>> {
    return this.single(stream, caller, (ctx) => createToken(ctx, token, hash));
  }

  revokeToken(caller: Caller, stream: string, id: string): Promise<WriteOutcome<StoredApiToken>> {
    return this.single(stream, caller, (ctx) => revokeToken(ctx, id));
  }

  // Sync configuration (README "Sync"): upstream sources and webhook subscriptions, audited on
  // the "~sync" stream.

  sourceWrite(caller: Caller, op: SourceOp): Promise<WriteOutcome<SourceOpResult>> {
    return this.single(SYNC_STREAM, caller, (ctx) => applySourceOp(ctx, op));
  }

  webhookWrite(caller: Caller, op: WebhookOp): Promise<WriteOutcome<WebhookOpResult>> {
    return this.single(SYNC_STREAM, caller, (ctx) => applyWebhookOp(ctx, op));
  }

  /** An audit row on its own (refused attempts, token exchanges) in `stream`. */
  record(caller: Caller, stream: string, facts: AuditFacts): Promise<WriteOutcome<null>> {
    return this.single(stream, caller, (ctx) => recordAttempt(ctx, facts));
  }

  /** A failed token exchange: counted per hour, with an audit row of its own up to the hourly bound. */
  recordFailedExchange(caller: Caller, stream: string, facts: AuditFacts, status: number): Promise<WriteOutcome<null>> {
    if (this.failures.length >= MAX_QUEUED_FAILURES) {
      if (this.droppedFailures++ % 1000 === 0) {
        console.warn(`${stream}: ${this.droppedFailures} failed exchanges not recorded (queue full)`);
      }
      return Promise.resolve({ ok: true, value: null });
    }
    return this.single(
      stream,
      caller,
      async (ctx) => {
        const perHour = auditedFailuresPerHour(this.env);
        const { outcome, tally } = await recordFailedExchange(ctx, facts, status, this.failureTally, perHour);
        this.failureTally = tally;
        return outcome;
      },
      this.failures,
    );
  }

  /** Failures come back as outcomes, not rejections: RPC rejections are noisy and lose types. */
  private single<T>(
    stream: string,
    caller: Caller,
    work: (ctx: WriteContext) => Promise<WriteOutcome<T>>,
    queue: Job[] = this.jobs,
  ) {
    return new Promise<WriteOutcome<T>>((settle) =>
      this.enqueue(
        {
          kind: "single",
          stream,
          caller,
          run: async (ctx) => {
            const outcome = await work(ctx);
            this.advance(ctx);
            settle(outcome);
          },
          fail: (err) => settle(failure(err)),
        },
        queue,
      ),
    );
  }

  private enqueue(job: Job, queue: Job[] = this.jobs): void {
    if (queue === this.jobs && this.jobs.length >= MAX_QUEUED) {
      // An outage in all but name: answered 503 with Retry-After (write-context.ts `failure`).
      const busy = Object.assign(new Error(`${MAX_QUEUED} writes queued: the writer is overloaded`), {
        overloaded: true,
      });
      if (job.kind === "publish") job.settle(failure(busy));
      else job.fail(busy);
      return;
    }
    queue.push(job);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (;;) {
        // Every other write first; a failed exchange's record only when none waits.
        if (this.jobs.length === 0 && this.failures.length > 0) this.jobs.push(this.failures.shift()!);
        if (this.jobs.length === 0) break;
        const head = this.jobs[0]!;
        if (head.kind === "publish") {
          let count = 1;
          while (count < MAX_GROUP && this.jobs[count]?.kind === "publish") count++;
          await this.runPublishes(this.jobs.splice(0, count) as Extract<Job, { kind: "publish" }>[]);
        } else {
          this.jobs.shift();
          await this.guarded(
            head.stream,
            async () => head.run(await this.context(head.stream, head.caller)),
            head.fail,
          );
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async runPublishes(group: Extract<Job, { kind: "publish" }>[]): Promise<void> {
    const stream = namespaceOf(group[0]!.job.server.name);
    let outage: unknown;
    const grouped =
      group.length > 1 &&
      (await this.guarded(
        stream,
        async () => {
          const ctx = await this.context(stream, group[0]!.job.caller);
          const outcomes = await publishVersions(
            ctx,
            group.map((g) => g.job),
          );
          this.advance(ctx);
          group.forEach((g, i) => g.settle(outcomes[i]!));
          return true;
        },
        (err) => {
          if (isOutage(err)) outage = err;
          return false;
        },
      ));
    if (grouped) return;
    if (outage !== undefined) {
      // D1 is unreachable, or its answer was lost (the batch may even have committed): retrying
      // each job now would queue 32 more failures, or refuse a landed version as a duplicate.
      // Every job gets the 503 and retries on its own.
      for (const { settle } of group) settle(failure(outage));
      return;
    }
    // The group's batch failed on one job's account (a constraint, a trigger) and wrote nothing:
    // give every publish its own attempt and answer.
    for (const { job, settle } of group) {
      await this.guarded(
        stream,
        async () => {
          const ctx = await this.context(stream, job.caller);
          const outcome = await publishVersion(ctx, job);
          this.advance(ctx);
          settle(outcome);
        },
        (err) => settle(failure(err)),
      );
    }
  }

  private async context(stream: string, caller: Caller): Promise<WriteContext> {
    this.lastSeq ??= await lastAuditSeq(this.env.DB, stream);
    const now = Math.max(Date.now() * 1000, this.lastNow + 1);
    return {
      env: this.env,
      stream,
      seq: this.lastSeq + 1,
      now,
      actor: caller.actor,
      requestId: caller.requestId,
      used: 0,
    };
  }

  /** Moves the counters past the audit rows the step at `ctx` committed. */
  private advance(ctx: WriteContext): void {
    if (ctx.used === 0) return;
    this.lastSeq = ctx.seq + ctx.used - 1;
    this.lastNow = ctx.now + ctx.used - 1;
  }

  /**
   * Runs `work`; on any exception logs it, forgets the counters (D1 is the truth: the failed
   * batch may even have committed, when only its answer was lost) and falls back, with the error
   * to classify (write-context.ts `failure`: an outage is 503, anything else 500).
   */
  private async guarded<T>(stream: string, work: () => Promise<T>, fallback: (err: unknown) => T): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.lastSeq = undefined;
      this.failureTally = undefined;
      console.error(`write to ${stream} failed`, err);
      return fallback(err);
    }
  }
}
