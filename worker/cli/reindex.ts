// `npm run reindex [-- --force] [--state DIR]`: builds the search index of the local registry now (what the
// cron does every few minutes), chunk by chunk with a progress display.
import { parseArgs } from "node:util";
import { buildSearchIndexStep } from "../src/cron/build-search-index.ts";
import { withLocalEnv } from "./local-env.ts";
import { applyLocalMigrations } from "./wrangler.ts";

export async function runReindex({
  force = false,
  chunkNames = 2000,
  state,
}: {
  force?: boolean;
  chunkNames?: number;
  /** The local state directory (wrangler's --persist-to), .wrangler/state by default. */
  state?: string | undefined;
} = {}): Promise<void> {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  await withLocalEnv(async (env) => {
    for (let first = true; ; first = false) {
      // Only the first step may start a build over an unchanged catalogue.
      const step = await buildSearchIndexStep(env, { chunkNames, force: force && first });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (step.state === "collecting") {
        process.stderr.write(
          `${tty ? "\r" : ""}search index: collected ${step.collected} servers ${seconds}s${tty ? "" : "\n"}`,
        );
        continue;
      }
      if (tty) process.stderr.write("\n");
      process.stdout.write(
        step.state === "published"
          ? `search index: ${step.documents} servers in ${step.shards} shard(s), built in ${seconds}s\n`
          : "search index: up to date\n",
      );
      return;
    }
  }, state);
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      force: { type: "boolean", default: false },
      chunk: { type: "string", default: "2000" },
      state: { type: "string" },
    },
  });
  await applyLocalMigrations(values.state);
  await runReindex({ force: values.force ?? false, chunkNames: Number(values.chunk), state: values.state });
}
