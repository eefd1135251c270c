// `npm run import -- <file.ndjson | file.json | registry URL> [--meta FILE] [--since RFC3339]`
// Loads server.json entries into the local D1/KV (the state `npm start` serves). A file is
// imported as local versions; a registry URL is mirrored by the same code as a source of
// /x/admin/sources (worker/src/sync/mirror-source.ts): page after page until caught up, every
// version with the URL's canonical form as its provenance, local names winning.
import { parseArgs } from "node:util";
import { canonicalSourceUrl, freshProgress, type SourceProgress } from "../src/domain/sources.ts";
import { nowMicros, parseRfc3339 } from "../src/domain/timestamps.ts";
import { flushChanges, type CacheEnv } from "../src/storage/read-cache.ts";
import { mirrorPages } from "../src/sync/mirror-source.ts";
import { importEntries, type ImportReport } from "../src/writes/import-entries.ts";
import { withLocalEnv } from "./local-env.ts";
import { progressBar } from "./progress.ts";
import { defaultMetaPath, readFileEntries, readMetaFile } from "./import-sources.ts";
import { applyLocalMigrations } from "./wrangler.ts";

const USAGE =
  "usage: npm run import -- <file.ndjson | file.json | https://registry.example> [--meta FILE] [--since RFC3339] [--state DIR]";

/** Pages (of 100 versions) mirrored between two progress lines. */
const PAGES_PER_STEP = 10;

/**
 * Mirrors a registry into the local state until caught up, as a source's steps would (its
 * position kept in memory: an interrupted run starts again, changing nothing already there).
 */
async function mirrorRegistry(env: CacheEnv, raw: string, since: string | undefined): Promise<ImportReport> {
  const url = canonicalSourceUrl(raw);
  if ("error" in url) throw new Error(`${raw}: ${url.error}`);
  let progress: SourceProgress = freshProgress();
  if (since !== undefined) {
    const micros = parseRfc3339(since);
    if (micros === undefined) throw new Error(`--since ${since}: not an RFC 3339 timestamp`);
    progress = { ...progress, mode: "list", since: micros };
  }
  const target = { url: url.value, into: null, include: [], exclude: [], createdAt: nowMicros() };
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const changed = new Set<string>();
  try {
    for (;;) {
      const step = await mirrorPages(env, target, progress, {
        maxPages: PAGES_PER_STEP,
        hooks: {
          persist: () => [],
          committed: async (names) => {
            for (const name of names) changed.add(name);
          },
        },
      });
      progress = step.progress;
      const { counts, skips, error, caughtUp } = step.summary;
      report.inserted += counts.added;
      report.updated += counts.updated;
      report.unchanged += counts.unchanged;
      for (const skip of skips) {
        report.rejected.push({
          source: url.value,
          ...(skip.name === undefined ? {} : { name: skip.name }),
          ...(skip.version === undefined ? {} : { version: skip.version }),
          reasons: [skip.reason],
        });
      }
      const seen = report.inserted + report.updated + report.unchanged + report.rejected.length;
      process.stderr.write(`\r  ${seen} versions read (${progress.mode ?? "probing"} mode)`);
      if (error !== null) throw new Error(`mirroring ${url.value} failed: ${error}`);
      if (caughtUp) break;
    }
  } finally {
    process.stderr.write("\n");
    // One cache flush for the whole run, as a file import does.
    if (changed.size > 0) await flushChanges(env, changed);
  }
  return report;
}

export async function runImport(
  source: string,
  options: { meta?: string; since?: string; state?: string },
): Promise<ImportReport> {
  if (/^https?:\/\//i.test(source)) {
    process.stderr.write(`mirroring ${source}${options.since ? ` updated since ${options.since}` : ""}\n`);
    return withLocalEnv((env) => mirrorRegistry(env, source, options.since), options.state);
  }
  const metaPath = options.meta ?? defaultMetaPath(source);
  if (metaPath) process.stderr.write(`official metadata from ${metaPath}\n`);
  const loaded = readFileEntries(source, metaPath ? readMetaFile(metaPath) : undefined);
  const report = await withLocalEnv(
    (env) => importEntries(env, loaded.entries, { onProgress: progressBar("importing") }),
    options.state,
  );
  report.rejected.unshift(...loaded.unreadable);
  return report;
}

export function printReport(report: ImportReport): void {
  for (const r of report.rejected) {
    const what = r.name ? ` ${r.name}${r.version ? `@${r.version}` : ""}` : "";
    process.stderr.write(`rejected ${r.source}${what}: ${r.reasons.join("; ")}\n`);
  }
  process.stdout.write(
    `imported: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected\n`,
  );
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      meta: { type: "string" },
      since: { type: "string" },
      // The local state directory (wrangler's --persist-to), .wrangler/state by default.
      state: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const source = positionals[0];
  if (values.help || source === undefined) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(source === undefined && !values.help ? 2 : 0);
  }
  await applyLocalMigrations(values.state);
  printReport(await runImport(source, values));
}
