// `npm run import -- <file.ndjson | file.json | registry URL> [--meta FILE] [--since RFC3339]`
// Loads server.json entries into the local D1/KV (the state `npm start` serves).
import { parseArgs } from "node:util";
import { importEntries, type ImportReport } from "../src/writes/import-entries.ts";
import { withLocalEnv } from "./local-env.ts";
import { progressBar } from "./progress.ts";
import {
  defaultMetaPath,
  readFileEntries,
  readMetaFile,
  readRegistryEntries,
  type SourceEntries,
} from "./import-sources.ts";
import { applyLocalMigrations } from "./wrangler.ts";

const USAGE =
  "usage: npm run import -- <file.ndjson | file.json | https://registry.example> [--meta FILE] [--since RFC3339] [--state DIR]";

export async function runImport(
  source: string,
  options: { meta?: string; since?: string; state?: string },
): Promise<ImportReport> {
  let loaded: SourceEntries;
  if (/^https?:\/\//.test(source)) {
    process.stderr.write(`fetching ${source}${options.since ? ` updated since ${options.since}` : ""}\n`);
    loaded = await readRegistryEntries(source, options.since, (n) => process.stderr.write(`\r  ${n} entries`));
    process.stderr.write("\n");
  } else {
    const metaPath = options.meta ?? defaultMetaPath(source);
    if (metaPath) process.stderr.write(`official metadata from ${metaPath}\n`);
    loaded = readFileEntries(source, metaPath ? readMetaFile(metaPath) : undefined);
  }
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
