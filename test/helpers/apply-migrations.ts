// Setup file: runs outside per-file storage isolation and may run more than once;
// applyD1Migrations records what it applied, so this is idempotent.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
