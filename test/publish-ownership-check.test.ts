// With ENABLE_REGISTRY_VALIDATION on, publish runs the package ownership checks (spec §9) and
// answers their failure as 400 "Failed to publish server"; nothing is written on failure.
import { env } from "cloudflare:workers";
import type { IRequest } from "itty-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { publishServer } from "../worker/src/http/routes/publish.ts";
import { ApiError } from "../worker/src/errors.ts";
import { api, serverJson } from "./helpers/registry.ts";
import { jsonReply, stubFetch } from "./helpers/fetch-stub.ts";
import { publishAll, tokenFor } from "./helpers/publishing.ts";

const NAME = "com.owned/weather";
const strictEnv = { ...env, ENABLE_REGISTRY_VALIDATION: "true", NPM_REGISTRY_URL: "https://npm.test" };

async function publishStrict(version: string) {
  const token = await tokenFor(publishAll("com.owned/*"));
  const server = serverJson(NAME, version, {
    packages: [{ registryType: "npm", identifier: "weather-mcp", version, transport: { type: "stdio" } }],
  });
  const request = new Request("http://registry.test/v0.1/publish", {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(server),
  });
  return publishServer(request as IRequest, strictEnv as Env);
}

afterEach(() => vi.restoreAllMocks());

describe("publish with ownership verification on", () => {
  it("publishes when the npm package names the server", async () => {
    stubFetch({ "GET https://npm.test/weather-mcp/1.0.0": jsonReply({ name: "weather-mcp", mcpName: NAME }) });
    const response = await publishStrict("1.0.0");
    expect(response.status).toBe(200);
  });

  it("refuses with the official message and writes nothing when it does not", async () => {
    stubFetch({ "GET https://npm.test/weather-mcp/2.0.0": jsonReply({ name: "weather-mcp", mcpName: "com.thief/x" }) });
    const error = await publishStrict("2.0.0").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).detail).toBe("Failed to publish server");
    expect((error as ApiError).errors[0]!.message).toMatch(
      /^registry validation failed for package 0 \(weather-mcp\): /,
    );
    vi.restoreAllMocks();
    expect((await api(`/v0.1/servers/${encodeURIComponent(NAME)}/versions/2.0.0`)).status).toBe(404);
  });
});
