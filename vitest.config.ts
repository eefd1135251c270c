import { existsSync, readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The real registry pull lives beside the project, never inside it. Tests that need it skip
// with a message when it is absent (see test/helpers/real-dataset.ts).
const DATA_DIR = new URL("../shared/data/", import.meta.url);
function readOptional(name: string): string {
  const url = new URL(name, DATA_DIR);
  return existsSync(url) ? readFileSync(url, "utf8") : "";
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./d1-schema");
  return {
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/helpers/apply-migrations.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_REAL_SERVERS: readOptional("servers.ndjson"),
            TEST_REAL_META: readOptional("servers.meta.ndjson"),
            TEST_SEED_SERVERS: readFileSync("./kv-seeds/servers.ndjson", "utf8"),
            TEST_SEED_META: readFileSync("./kv-seeds/servers.meta.ndjson", "utf8"),
          },
          compatibilityFlags: ["service_binding_extra_handlers"],
        },
      }),
    ],
  };
});
