// The statements a piece of code sends to D1: the real binding, wrapped to record the SQL of
// every prepare (for tests of what costs a D1 read).
import { env } from "cloudflare:workers";

/** The real D1 binding, recording the SQL it is asked to prepare in `statements`. */
export function recordingD1(real: D1Database = env.DB): D1Database & { statements: string[] } {
  const statements: string[] = [];
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "statements") return statements;
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop === "prepare") statements.push(String(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as D1Database & { statements: string[] };
}
