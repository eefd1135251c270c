// Node-side access to the local D1 and KV that `wrangler dev` uses (.wrangler/state/v3), for
// operator commands (seed, import). Offline: no remote bindings, no telemetry.
import { getPlatformProxy } from "wrangler";
import type { CacheEnv } from "../src/storage/read-cache.ts";

export const QUIET_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
};
Object.assign(process.env, QUIET_ENV);

export async function withLocalEnv<T>(work: (env: CacheEnv) => Promise<T>): Promise<T> {
  // The proxy warns that Durable Objects need the running worker; operator commands use none.
  process.env.WRANGLER_LOG ??= "error";
  const proxy = await getPlatformProxy<CacheEnv>({ configPath: "wrangler.toml", persist: true, remoteBindings: false });
  try {
    return await work(proxy.env);
  } finally {
    await proxy.dispose();
  }
}
