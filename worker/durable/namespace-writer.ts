// One Durable Object per namespace (the part of a server name before '/'). Every write for
// that namespace goes through it. Its only job is ordering: it runs writes one at a time (input
// gates do not hold across awaits on D1, workers-stack G5), hands each the next gapless sequence
// number and a strictly increasing timestamp, and moves the counters on only when the write
// committed. Publishes that queue up behind a running write are committed together (group
// commit). The writes themselves live in catalog/namespace-writes.ts.
import { DurableObject } from "cloudflare:workers";
import {
  editVersion,
  publishVersion,
  publishVersions,
  setServerStatus,
  setVersionStatus,
  type Actor,
  type PublishJob,
  type PublishResult,
  type StatusResult,
  type WriteContext,
  type WriteOutcome,
} from "../catalog/namespace-writes.ts";
import type { ServerJson } from "../domain/server-json/index.ts";
import { namespaceOf, type StatusChange } from "../domain/write-rules.ts";
import { lastChangeSeq } from "../storage/d1-catalog.ts";

/** Most publishes committed in one D1 batch. */
const MAX_GROUP = 32;

type Job =
  | { kind: "publish"; job: PublishJob; settle: (outcome: WriteOutcome<PublishResult>) => void }
  | { kind: "single"; name: string; actor: Actor; run: (ctx: WriteContext) => Promise<void>; fail: () => void };

function internalError(): WriteOutcome<never> {
  return { ok: false, status: 500, detail: "Internal server error", errors: [] };
}

export class NamespaceWriter extends DurableObject<Env> {
  private readonly jobs: Job[] = [];
  private draining = false;
  /** Last committed sequence number; read from D1 on first use and after any failure. */
  private lastSeq: number | undefined;
  private lastNow = 0;

  publish(actor: Actor, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
    return new Promise((settle) => this.enqueue({ kind: "publish", job: { actor, server }, settle }));
  }

  setVersionStatus(actor: Actor, name: string, version: string, change: StatusChange): Promise<WriteOutcome<StatusResult>> {
    return this.single(name, actor, (ctx) => setVersionStatus(ctx, name, version, change));
  }

  setServerStatus(actor: Actor, name: string, change: StatusChange): Promise<WriteOutcome<StatusResult>> {
    return this.single(name, actor, (ctx) => setServerStatus(ctx, name, change));
  }

  edit(actor: Actor, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
    return this.single(server.name, actor, (ctx) => editVersion(ctx, server));
  }

  /** Failures come back as outcomes, not rejections: RPC rejections are noisy and lose types. */
  private single<T>(name: string, actor: Actor, work: (ctx: WriteContext) => Promise<WriteOutcome<T>>) {
    return new Promise<WriteOutcome<T>>((settle) =>
      this.enqueue({
        kind: "single",
        name,
        actor,
        run: async (ctx) => {
          const outcome = await work(ctx);
          if (outcome.ok) this.advance(ctx, 1);
          settle(outcome);
        },
        fail: () => settle(internalError()),
      }),
    );
  }

  private enqueue(job: Job): void {
    this.jobs.push(job);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.jobs.length > 0) {
        const head = this.jobs[0]!;
        if (head.kind === "publish") {
          let count = 1;
          while (count < MAX_GROUP && this.jobs[count]?.kind === "publish") count++;
          await this.runPublishes(this.jobs.splice(0, count) as Extract<Job, { kind: "publish" }>[]);
        } else {
          this.jobs.shift();
          await this.guarded(head.name, async () => head.run(await this.context(head.name, head.actor)), head.fail);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async runPublishes(group: Extract<Job, { kind: "publish" }>[]): Promise<void> {
    const name = group[0]!.job.server.name;
    const grouped = group.length > 1 && await this.guarded(
      name,
      async () => {
        const ctx = await this.context(name, group[0]!.job.actor);
        const { outcomes, used } = await publishVersions(ctx, group.map((g) => g.job));
        this.advance(ctx, used);
        group.forEach((g, i) => g.settle(outcomes[i]!));
        return true;
      },
      () => false,
    );
    if (grouped) return;
    // The group's batch failed and wrote nothing: give every publish its own attempt and answer.
    for (const { job, settle } of group) {
      await this.guarded(
        job.server.name,
        async () => {
          const ctx = await this.context(job.server.name, job.actor);
          const outcome = await publishVersion(ctx, job.server);
          if (outcome.ok) this.advance(ctx, 1);
          settle(outcome);
        },
        () => settle(internalError()),
      );
    }
  }

  private async context(name: string, actor: Actor): Promise<WriteContext> {
    this.lastSeq ??= await lastChangeSeq(this.env.DB, namespaceOf(name));
    return { env: this.env, seq: this.lastSeq + 1, now: Math.max(Date.now() * 1000, this.lastNow + 1), actor };
  }

  /** Moves the counters past `used` committed writes that started at `ctx`. */
  private advance(ctx: WriteContext, used: number): void {
    if (used === 0) return;
    this.lastSeq = ctx.seq + used - 1;
    this.lastNow = ctx.now + used - 1;
  }

  /** Runs `work`; on any exception logs it, forgets the counter (D1 is the truth) and falls back. */
  private async guarded<T>(name: string, work: () => Promise<T>, fallback: () => T): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.lastSeq = undefined;
      console.error(`write to ${name} failed`, err);
      return fallback();
    }
  }
}
