import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

// The real registry pull lives beside the project, never inside it. Tests that need it skip
// with a message when it is absent (see test/helpers/real-dataset.ts).
const DATA_DIR = new URL("../shared/data/", import.meta.url);
function readOptional(name: string): string {
  const url = new URL(name, DATA_DIR);
  return existsSync(url) ? readFileSync(url, "utf8") : "";
}

// The official OpenAPI document and example server.json files (../shared/reference), for the
// OpenAPI compatibility test, which skips with a message when they are absent.
const REFERENCE_DIR = new URL("../shared/reference/", import.meta.url);
function readReference(name: string): string {
  const url = new URL(name, REFERENCE_DIR);
  return existsSync(url) ? readFileSync(url, "utf8") : "";
}
function readReferenceExamples(): Record<string, string> {
  const dir = new URL("examples/valid/", REFERENCE_DIR);
  if (!existsSync(dir)) return {};
  const files = readdirSync(dir).filter((file) => file.endsWith(".json"));
  return Object.fromEntries(files.map((file) => [file, readFileSync(new URL(file, dir), "utf8")]));
}

// The abuse limits of wrangler.toml ([[ratelimits]]), as deployed.
interface RateLimitBinding {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: 10 | 60 };
}
const RATE_LIMITS: RateLimitBinding[] = unstable_readConfig(
  { config: "./wrangler.toml" },
  { hideWarnings: true },
).ratelimits;

/**
 * The same bindings with limits no test reaches: suites that legitimately send many writes from
 * one address or subject (64 publishes with one token) run the limiter without tripping it.
 * Miniflare's `ratelimits` option replaces wrangler.toml's binding of the same name.
 */
const UNREACHABLE_LIMITS = Object.fromEntries(
  RATE_LIMITS.map((r) => [
    r.name,
    { namespace_id: r.namespace_id, simple: { limit: 1_000_000, period: r.simple.period } },
  ]),
);

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./d1-schema");
  const workersProject = (
    name: string,
    include: string[],
    exclude: string[] = [],
    overrides: { ratelimits?: typeof UNREACHABLE_LIMITS } = {},
  ) => ({
    test: {
      name,
      include,
      exclude,
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
            TEST_DOC_EXAMPLES: readOptional("official-doc-examples.ndjson"),
            TEST_OFFICIAL_OPENAPI: readReference("openapi.yaml"),
            TEST_OFFICIAL_EXAMPLES: readReferenceExamples(),
            // wrangler.toml's [[ratelimits]], for the tests that check them.
            TEST_RATE_LIMITS: RATE_LIMITS,
            // A fixed signing seed and local-development switches for the tests.
            JWT_PRIVATE_KEY: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            ENABLE_ANONYMOUS_AUTH: "true",
            ENABLE_REGISTRY_VALIDATION: "false",
            OIDC_ENABLED: "true",
            OIDC_ISSUER: "https://idp.example.test",
            OIDC_CLIENT_ID: "registry-admin",
            OIDC_JWKS_URL: "https://idp.example.test/jwks",
            OIDC_EXTRA_CLAIMS: '{"groups":"registry-admins"}',
            OIDC_PUBLISH_PERMISSIONS: "*",
            OIDC_EDIT_PERMISSIONS: "*",
            // Webhook retries 2 s, 8 s, 32 s… instead of 10 s, 40 s…: the retry tests wait for
            // one real backoff. Not 1: a retry must stay tellable from the queue's own 1 s batch
            // wait (max_batch_timeout) that even an undelayed retry pays.
            WEBHOOK_RETRY_BASE_SECONDS: "2",
          },
          compatibilityFlags: ["service_binding_extra_handlers"],
          ...overrides,
        },
      }),
    ],
  });
  return {
    test: {
      // Vitest's default (one less than the CPUs) is a single file at a time on a 2-CPU machine,
      // where most of a file's time is workerd starting up and waiting on I/O: two at a time
      // measured a third faster there (three, slower again).
      maxWorkers: Math.max(2, availableParallelism() - 1),
      projects: [
        // Inside workerd: real D1, KV and Durable Objects through Miniflare.
        workersProject("workers", ["test/**/*.test.ts"], ["test/node/**", "test/rate-limits/**"], {
          ratelimits: UNREACHABLE_LIMITS,
        }),
        // The abuse limits exactly as wrangler.toml deploys them.
        workersProject("workers-limits", ["test/rate-limits/**/*.test.ts"]),
        // Operator commands as an operator runs them (child processes on the pinned Node).
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
