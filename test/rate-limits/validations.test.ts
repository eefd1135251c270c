// POST /validate is anonymous and its worst case costs seconds of CPU: it is limited per client
// address with RATE_LIMIT_PUBLISH's limit and period, before its body is read, in a count of its
// own (validating does not use up an address's publishes, nor publishing its validations).
import { describe, expect, it } from "vitest";
import { apiJson, serverJson } from "../helpers/registry.ts";
import { publishAll, tokenFor } from "../helpers/publishing.ts";
import { configured, expectLimited, fromAddress, roomInWindow } from "./helpers.ts";

const NS = "com.limits-validate";
const { limit, period } = configured("RATE_LIMIT_PUBLISH");

function validateFrom(ip: string, body?: unknown) {
  return apiJson("/v0/validate", {
    method: "POST",
    headers: fromAddress(ip, { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("POST /validate limit", () => {
  it("per address: the next validation is 429 with Retry-After, before its body is read", async () => {
    await roomInWindow(period, 10_000);
    const ip = "198.18.30.1";
    for (let i = 0; i < limit; i++) {
      const res = await validateFrom(ip, serverJson(`${NS}/tool`, `1.0.${i}`));
      expect(res.status).toBe(200);
      expect(res.body.valid).toBe(true);
    }
    expectLimited(await validateFrom(ip, serverJson(`${NS}/tool`, "2.0.0")), period);
    // No body: still 429, the address is checked first.
    expectLimited(await validateFrom(ip), period);
    // Another address is counted on its own, and so are this address's publishes.
    expect((await validateFrom("198.18.30.2", serverJson(`${NS}/tool`, "2.0.0"))).status).toBe(200);
    const token = await tokenFor(publishAll(`${NS}/*`));
    const published = await apiJson("/v0.1/publish", {
      method: "POST",
      headers: fromAddress(ip, { authorization: `Bearer ${token}`, "content-type": "application/json" }),
      body: JSON.stringify(serverJson(`${NS}/tool`, "1.0.0")),
    });
    expect(published.status).toBe(200);
  });
});
