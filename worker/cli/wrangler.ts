// Running wrangler from operator scripts (always on the project's pinned Node, quietly).
import { spawn, type ChildProcess } from "node:child_process";
import { DEFAULT_STATE_DIR, QUIET_ENV } from "./local-env.ts";

export function spawnWrangler(args: string[], inherit = true): ChildProcess {
  return spawn("wrangler", args, {
    stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...QUIET_ENV },
  });
}

export function runWrangler(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnWrangler(args, false);
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} exited ${code}\n${output}`)),
    );
  });
}

/** Applies d1-schema/ to the local D1 in `stateDir` (idempotent). */
export function applyLocalMigrations(stateDir = DEFAULT_STATE_DIR): Promise<void> {
  return runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
}
