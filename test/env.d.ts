declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** ../shared/data/servers.ndjson, or "" when the dataset is absent. */
    TEST_REAL_SERVERS: string;
    /** ../shared/data/servers.meta.ndjson, or "" when the dataset is absent. */
    TEST_REAL_META: string;
    TEST_SEED_SERVERS: string;
    TEST_SEED_META: string;
    /** ../shared/data/official-doc-examples.ndjson, or "" when absent. */
    TEST_DOC_EXAMPLES: string;
    /** wrangler.toml's [[ratelimits]] bindings, as deployed. */
    TEST_RATE_LIMITS: { name: string; namespace_id: string; simple: { limit: number; period: 10 | 60 } }[];
  }
}
