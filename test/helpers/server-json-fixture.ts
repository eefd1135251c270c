import { CURRENT_SCHEMA_URL } from "../../worker/src/domain/server-json/index.ts";

/** A valid server.json with the given fields replaced or added. */
export function sampleServer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $schema: CURRENT_SCHEMA_URL,
    name: "io.github.alice/weather",
    description: "Weather forecasts for your agent.",
    version: "1.0.2",
    ...overrides,
  };
}
