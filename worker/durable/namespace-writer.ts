// One Durable Object per namespace (the part of a server name before '/'). Every write for
// that namespace goes through it. Its only job is ordering: it runs writes one at a time,
// hands each the next gapless sequence number and a strictly increasing timestamp, and moves
// the counters on only when the write committed. The writes themselves live in
// catalog/namespace-writes.ts.
import { DurableObject } from "cloudflare:workers";
import {
  editVersion,
  publishVersion,
  setServerStatus,
  setVersionStatus,
  type Actor,
  type PublishResult,
  type StatusResult,
  type WriteContext,
  type WriteOutcome,
} from "../catalog/namespace-writes.ts";
import type { ServerJson } from "../domain/server-json/index.ts";
import { namespaceOf, type StatusChange } from "../domain/write-rules.ts";
import { lastChangeSeq } from "../storage/d1-catalog.ts";

export class NamespaceWriter extends DurableObject<Env> {
  /** Tail of the write queue: each write starts after the previous one settled. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Last committed sequence number; read from D1 on first use and after any failure. */
  private lastSeq: number | undefined;
  private lastNow = 0;

  publish(actor: Actor, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
    return this.write(server.name, actor, (ctx) => publishVersion(ctx, server));
  }

  setVersionStatus(actor: Actor, name: string, version: string, change: StatusChange): Promise<WriteOutcome<StatusResult>> {
    return this.write(name, actor, (ctx) => setVersionStatus(ctx, name, version, change));
  }

  setServerStatus(actor: Actor, name: string, change: StatusChange): Promise<WriteOutcome<StatusResult>> {
    return this.write(name, actor, (ctx) => setServerStatus(ctx, name, change));
  }

  edit(actor: Actor, server: ServerJson): Promise<WriteOutcome<PublishResult>> {
    return this.write(server.name, actor, (ctx) => editVersion(ctx, server));
  }

  /**
   * Input gates do not hold across awaits on D1, so writes queue explicitly (workers-stack G5).
   * Failures come back as outcomes, not rejections: RPC rejections are noisy and lose types.
   */
  private write<T>(
    name: string,
    actor: Actor,
    work: (ctx: WriteContext) => Promise<WriteOutcome<T>>,
  ): Promise<WriteOutcome<T>> {
    const run = this.queue.then(async (): Promise<WriteOutcome<T>> => {
      try {
        this.lastSeq ??= await lastChangeSeq(this.env.DB, namespaceOf(name));
        const now = Math.max(Date.now() * 1000, this.lastNow + 1);
        const outcome = await work({ env: this.env, seq: this.lastSeq + 1, now, actor });
        if (outcome.ok) {
          this.lastSeq += 1;
          this.lastNow = now;
        }
        return outcome;
      } catch (err) {
        // Whatever happened, D1 is the truth for the counter: read it again next time.
        this.lastSeq = undefined;
        console.error(`write to ${name} failed`, err);
        return { ok: false, status: 500, detail: "Internal server error", errors: [] };
      }
    });
    this.queue = run;
    return run;
  }
}
