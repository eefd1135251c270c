// The real registry pull (../shared/data) is passed in by vitest.config.ts when present.
import { env } from "cloudflare:workers";

export const REAL_DATASET_ABSENT = env.TEST_REAL_SERVERS === "" || env.TEST_REAL_META === "";

if (REAL_DATASET_ABSENT) {
  console.warn("skipping real-dataset tests: ../shared/data/servers.ndjson or servers.meta.ndjson is absent");
}
