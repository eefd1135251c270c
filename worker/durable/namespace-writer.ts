// One Durable Object per namespace (the part of a server name before '/'). Every write for
// that namespace goes through it so writes serialize; publishing (next milestone) adds the
// write methods. Its only job is ordering: domain rules and storage live elsewhere.
import { DurableObject } from "cloudflare:workers";

export class NamespaceWriter extends DurableObject<Env> {
  /** Tail of the write queue: each write starts after the previous one settled. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs `work` after every earlier write of this namespace has finished. Input gates do not
   * hold across awaits on D1 or fetch, so the queue is explicit.
   */
  protected serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
