// A minimal Chrome DevTools Protocol client over Node's global WebSocket, for workerd's V8
// inspector (`--inspector-addr`, Miniflare's `inspectorPort`): list the isolates, and capture
// a sampling CPU profile of several of them at once.

export interface InspectorTarget {
  /** The workerd service the isolate belongs to: "core:user:<worker>", "core:entry", "d1:db", "kv:ns", … */
  id: string;
  title: string;
  webSocketDebuggerUrl: string;
}

/** `GET http://127.0.0.1:<port>/json`: one target per workerd isolate. */
export async function listTargets(port: number, host = "127.0.0.1"): Promise<InspectorTarget[]> {
  const response = await fetch(`http://${host}:${port}/json`);
  if (!response.ok) throw new Error(`inspector ${host}:${port}/json answered ${response.status}`);
  return (await response.json()) as InspectorTarget[];
}

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

/** V8's `Profiler.Profile` (times in µs). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  method: string;
}

export class CdpSession {
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<number, Pending>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (event: MessageEvent) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return; // events are not used
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result);
    });
    ws.addEventListener("close", () => {
      for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: inspector connection closed`));
      this.#pending.clear();
    });
  }

  static connect(url: string, timeoutMs = 10_000): Promise<CdpSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`inspector ${url}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(new CdpSession(ws));
      });
      ws.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`inspector ${url}: connection failed`));
      });
    });
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.#ws.close();
  }
}

/** Profilers running in several isolates of one workerd; `stop()` returns each one's profile. */
export class MultiProfiler {
  #sessions: { target: InspectorTarget; session: CdpSession }[] = [];

  static async start(targets: InspectorTarget[], intervalMicros: number): Promise<MultiProfiler> {
    const profiler = new MultiProfiler();
    try {
      for (const target of targets) {
        const session = await CdpSession.connect(target.webSocketDebuggerUrl);
        profiler.#sessions.push({ target, session });
        await session.send("Profiler.enable");
        await session.send("Profiler.setSamplingInterval", { interval: intervalMicros });
      }
      // Started back to back so that every profile covers (nearly) the same window.
      await Promise.all(profiler.#sessions.map(({ session }) => session.send("Profiler.start")));
    } catch (err) {
      profiler.close();
      throw err;
    }
    return profiler;
  }

  async stop(): Promise<{ target: InspectorTarget; profile: CpuProfile }[]> {
    try {
      return await Promise.all(
        this.#sessions.map(async ({ target, session }) => {
          const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
          await session.send("Profiler.disable").catch(() => undefined);
          return { target, profile };
        }),
      );
    } finally {
      this.close();
    }
  }

  close(): void {
    for (const { session } of this.#sessions) session.close();
    this.#sessions = [];
  }
}
