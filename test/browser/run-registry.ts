// Playwright's webServer: the real local registry (`npm start`: migrated, seeded, wrangler dev)
// on a fresh state directory, removed again when Playwright stops it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REGISTRY_PORT, REPO_ROOT } from "./helpers/local-registry.ts";

const state = mkdtempSync(join(tmpdir(), "registry-browser-tests-"));
const registry = spawn(process.execPath, ["worker/cli/start.ts", "--port", String(REGISTRY_PORT), "--state", state], {
  cwd: REPO_ROOT,
  stdio: ["ignore", "inherit", "inherit"],
});

// Playwright stops its webServer with SIGTERM to the whole process group: let the registry end,
// then drop its state.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => registry.kill(signal));
}
registry.on("exit", (code, signal) => {
  rmSync(state, { recursive: true, force: true });
  process.exit(code ?? (signal === null ? 0 : 1));
});
