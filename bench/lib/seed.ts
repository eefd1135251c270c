// Seeding through the project's own import path (importEntries: validation, D1 batches,
// isLatest, cache invalidation) against the running instance's D1 and KV bindings.
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { importEntries, type ImportEntry, type ImportReport } from "../../worker/src/writes/import-entries.ts";
import { defaultMetaPath, readFileEntries, readMetaFile } from "../../worker/cli/import-sources.ts";
import { progressBar } from "../../worker/cli/progress.ts";
import type { CacheEnv } from "../../worker/src/storage/read-cache.ts";
import { BenchError } from "./proc.ts";
import type { RegistryServer } from "./servers.ts";
import { syntheticEntries } from "./synthetic.ts";

export interface Dataset {
  /** Human label for the table and RESULTS.md ("servers.ndjson (3148 versions)"). */
  label: string;
  /** Section key in RESULTS.md. */
  key: string;
  entries: ImportEntry[];
}

export function loadDataset(opts: { data?: string; synthetic?: number; seed: number; defaultData: string }): Dataset {
  if (opts.synthetic !== undefined) {
    const entries = syntheticEntries({ versions: opts.synthetic, seed: opts.seed });
    return {
      label: `synthetic ${opts.synthetic} versions (seed ${opts.seed})`,
      key: `synthetic-${opts.synthetic}`,
      entries,
    };
  }
  const path = opts.data ?? opts.defaultData;
  if (!existsSync(path)) {
    if (opts.data !== undefined) throw new BenchError(`--data ${path}: no such file`);
    process.stderr.write(`${path} not found: using --synthetic 3148 (the real dataset's size) instead\n`);
    return loadDataset({ ...opts, synthetic: 3148 });
  }
  const metaPath = defaultMetaPath(path);
  const { entries, unreadable } = readFileEntries(path, metaPath ? readMetaFile(metaPath) : undefined);
  if (unreadable.length > 0) process.stderr.write(`${unreadable.length} unreadable lines in ${path} skipped\n`);
  const label = `${basename(path)}${metaPath ? ` + ${basename(metaPath)}` : ""} (${entries.length} versions)`;
  return { label, key: `data-${basename(path)}`, entries };
}

export interface Catalogue {
  report: ImportReport;
  versions: number;
  /** Names whose versions are all visible (none deleted): safe targets for detail/versions. */
  readableNames: string[];
  names: number;
}

export async function seed(server: RegistryServer, dataset: Dataset): Promise<Catalogue> {
  const env = {
    DB: await server.mf.getD1Database(server.config.d1.binding),
    CACHE: await server.mf.getKVNamespace(server.config.kv.binding),
  } as unknown as CacheEnv;
  const report = await importEntries(env, dataset.entries, { onProgress: progressBar("seeding") });
  if (report.rejected.length > 0) {
    const sample = report.rejected.slice(0, 3).map((r) => `${r.name ?? r.source}: ${r.reasons[0] ?? ""}`);
    process.stderr.write(
      `seeding: ${report.rejected.length} entries rejected by validation (as the official importer would), e.g.\n  ${sample.join("\n  ")}\n`,
    );
  }
  const rejected = new Set(report.rejected.map((r) => `${r.name}@${r.version}`));
  const status = new Map<string, boolean>();
  for (const entry of dataset.entries) {
    const { name, version } = entry.server as { name: string; version: string };
    if (rejected.has(`${name}@${version}`)) continue;
    const visible = entry.official?.status !== "deleted";
    status.set(name, (status.get(name) ?? true) && visible);
  }
  return {
    report,
    versions: report.inserted + report.updated + report.unchanged,
    readableNames: [...status].filter(([, ok]) => ok).map(([name]) => name),
    names: status.size,
  };
}
