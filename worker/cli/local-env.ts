// Node-side access to the local D1 and KV that `wrangler dev` uses (.wrangler/state/v3, or the
// directory given with --state), for operator commands (seed, import, reindex). Offline: no
// remote bindings, no telemetry.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import type { CacheEnv } from "../src/storage/read-cache.ts";

export const QUIET_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
};
Object.assign(process.env, QUIET_ENV);

/** Where local state lives by default: what wrangler's `--persist-to` takes (`v3/` inside). */
export const DEFAULT_STATE_DIR = ".wrangler/state";

/**
 * The part of wrangler.toml operator commands use: the D1 and KV bindings, with the same ids,
 * so they open the same persisted data as `wrangler dev`. The Durable Object bindings (and
 * anything else) are left out on purpose: their classes exist only in the running Worker, and
 * given them, workerd warns on every command that the classes are not exported.
 */
function operatorConfig(configPath: string): Record<string, unknown> {
  const config = unstable_readConfig({ config: configPath });
  return {
    name: config.name,
    compatibility_date: config.compatibility_date,
    compatibility_flags: config.compatibility_flags,
    d1_databases: config.d1_databases,
    kv_namespaces: config.kv_namespaces,
  };
}

export async function withLocalEnv<T>(
  work: (env: CacheEnv) => Promise<T>,
  stateDir = DEFAULT_STATE_DIR,
  configPath = "wrangler.toml",
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "registry-operator-config-"));
  try {
    const operatorConfigPath = join(dir, "wrangler.json");
    writeFileSync(operatorConfigPath, JSON.stringify(operatorConfig(configPath)));
    const proxy = await getPlatformProxy<CacheEnv>({
      configPath: operatorConfigPath,
      // Absolute: the proxy would resolve a relative path against the config file's directory.
      persist: { path: resolve(stateDir, "v3") },
      envFiles: [],
      remoteBindings: false,
    });
    try {
      return await work(proxy.env);
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
