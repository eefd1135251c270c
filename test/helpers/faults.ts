// Fault injection for the fault tests: the real bindings, wrapped so that some of their calls
// fail the way the platform's do (a rejected promise with the binding's message). Nothing of
// ours is replaced: the Worker's real handler, Durable Objects and storage code run on them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { handleRequest } from "../../worker/src/http/router.ts";
import { ORIGIN } from "./registry.ts";

/** What the D1 binding throws when its database is unreachable (docs: D1 "List of D1_ERRORs"). */
export const D1_OUTAGES = [
  "D1_ERROR: Network connection lost.",
  "D1_ERROR: D1 DB is overloaded. Requests queued for too long.",
  "D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.",
  "D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.",
  "D1_ERROR: D1 DB reset because its code was updated.",
  "D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.",
] as const;

/** A KV namespace whose reads and/or writes fail; everything else is the real one. */
export function failingKv(
  real: KVNamespace,
  fail: { reads?: boolean; writes?: boolean; keys?: (key: string) => boolean },
): KVNamespace & { failures: number } {
  const state = { failures: 0 };
  const applies = (key: unknown) => fail.keys === undefined || fail.keys(String(key));
  const reject = async (operation: string) => {
    state.failures++;
    throw new Error(`KV ${operation.toUpperCase()} failed: 503 Service Unavailable`);
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "failures") return state.failures;
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const reads = prop === "get" || prop === "getWithMetadata" || prop === "list";
      const writes = prop === "put" || prop === "delete";
      return (...args: unknown[]) => {
        if (((reads && fail.reads) || (writes && fail.writes)) && applies(args[0])) return reject(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as KVNamespace & { failures: number };
}

/** A D1 database every call of which fails with `message` (prepare and bind succeed, as D1's do). */
export function failingD1(message: string): D1Database & { calls: number } {
  const state = { calls: 0 };
  const reject = async (): Promise<never> => {
    state.calls++;
    throw new Error(message);
  };
  const statement: Record<string, unknown> = {};
  Object.assign(statement, {
    bind: () => statement,
    first: reject,
    all: reject,
    run: reject,
    raw: reject,
  });
  const db = {
    prepare: () => statement,
    batch: reject,
    exec: reject,
    dump: reject,
    withSession: () => db,
    get calls() {
      return state.calls;
    },
  };
  return db as unknown as D1Database & { calls: number };
}

/** An ExecutionContext that keeps what it is handed, to check how those promises settle. */
export function recordingContext() {
  const handed: Promise<unknown>[] = [];
  const ctx = {
    waitUntil(promise: Promise<unknown>) {
      handed.push(promise);
    },
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext;
  /** The reasons of the handed promises that rejected. */
  const rejections = async () =>
    (await Promise.allSettled(handed)).flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
  return { ctx, handed, rejections };
}

/** A request through the Worker's real fetch handler with other bindings. */
export async function callWith(
  faulty: Partial<Env>,
  path: string,
  init: RequestInit = {},
  ctx: ExecutionContext = recordingContext().ctx,
) {
  const response = await handleRequest(new Request(`${ORIGIN}${path}`, init), { ...env, ...faulty } as Env, ctx);
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, text, response };
}

/**
 * Replaces bindings of a running Durable Object (its `env`, which every write step reads) and
 * returns how to put the originals back.
 */
export async function swapObjectEnv(stub: DurableObjectStub, faulty: Partial<Env>): Promise<() => Promise<void>> {
  let original: unknown;
  const replacements: Record<string, unknown> = faulty;
  await runInDurableObject(stub, (object: unknown) => {
    const instance = object as { env: Record<string, unknown> };
    original = instance.env;
    instance.env = { ...instance.env, ...replacements };
  });
  return async () => {
    await runInDurableObject(stub, (object: unknown) => {
      if (original) (object as { env: unknown }).env = original;
    });
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Audit rows a D1 batch inserts (prepared statements carry their SQL in `statement`). */
export function auditRowsIn(statements: readonly D1PreparedStatement[]): number {
  let rows = 0;
  for (const s of statements as unknown as { statement: string }[]) {
    if (/^\s*INSERT INTO audit_log\b/i.test(s.statement)) rows += s.statement.match(/\(\?/g)?.length ?? 0;
  }
  return rows;
}

/**
 * Arms a running writer: its next D1 batch inserting at least `minRows` audit rows (a group
 * commit, say) is handed to `intercept` with the way to send it for real, and the object's
 * state; every other batch goes through. The object's env is restored by its next instance.
 */
export async function interceptWriterBatch(
  stub: DurableObjectStub,
  minRows: number,
  intercept: (send: () => Promise<D1Result[]>, state: DurableObjectState) => Promise<D1Result[]>,
): Promise<void> {
  await runInDurableObject(stub, (object: unknown, state) => {
    const instance = object as { env: Record<string, unknown> };
    const real = instance.env.DB as D1Database;
    let fired = false;
    const db = new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop !== "batch") return typeof value === "function" ? value.bind(target) : value;
        return async (statements: D1PreparedStatement[]) => {
          if (fired || auditRowsIn(statements) < minRows) return target.batch(statements);
          fired = true;
          return intercept(() => target.batch(statements), state);
        };
      },
    });
    instance.env = { ...instance.env, DB: db };
  });
}
