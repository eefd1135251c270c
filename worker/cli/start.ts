// `npm start [-- --port N] [--state DIR] [--empty]`: a local registry on http://127.0.0.1:8787 with no
// Cloudflare account and no network beyond loopback. Migrates the local D1, loads the demo catalogue
// from kv-seeds/ (idempotent; not with --empty, e.g. for a second instance that mirrors the first),
// writes local secrets to .dev.vars when missing, then runs `wrangler dev` and fires the cron on its
// schedule.
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { ensureDevVars } from "./dev-vars.ts";
import { printReport, runImport } from "./import.ts";
import { runReindex } from "./reindex.ts";
import { DEFAULT_STATE_DIR } from "./local-env.ts";
import { applyLocalMigrations, spawnWrangler } from "./wrangler.ts";

const CRON = "*/5 * * * *";
const CRON_EVERY_MS = 5 * 60_000;

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    ip: { type: "string", default: "127.0.0.1" },
    // The local state directory (wrangler's --persist-to).
    state: { type: "string", default: DEFAULT_STATE_DIR },
    // No demo catalogue: the instance starts empty (a mirror fills it from its sources).
    empty: { type: "boolean", default: false },
  },
  strict: false,
});
const port = String(values.port);
const ip = String(values.ip);
const state = String(values.state);

ensureDevVars();
process.stderr.write("applying d1-schema migrations to the local D1\n");
await applyLocalMigrations(state);
if (!values.empty) printReport(await runImport("kv-seeds/servers.ndjson", { state }));
await runReindex({ state });

/** A loopback port nothing listens on now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const dev = spawnWrangler([
  "dev",
  "--ip",
  ip,
  "--port",
  port,
  "--persist-to",
  state,
  "--test-scheduled",
  // Its own debugger port, so that two instances can run side by side (wrangler's default, 9229,
  // would be taken by the first).
  "--inspector-port",
  String(await freePort()),
  "--log-level",
  "warn",
]);
// wrangler dev runs cron triggers only on request: fire ours on its schedule.
const cron = setInterval(() => {
  fetch(`http://${ip}:${port}/__scheduled?cron=${encodeURIComponent(CRON)}`).catch(() => undefined);
}, CRON_EVERY_MS);
process.stderr.write(`registry starting on http://${ip}:${port} (Ctrl-C to stop)\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => dev.kill(signal));
}
dev.on("exit", (code) => {
  clearInterval(cron);
  process.exit(code ?? 0);
});
