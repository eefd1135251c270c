// Abuse limits of GET /x/search, with RATE_LIMIT_SEARCH as wrangler.toml deploys it: per client
// address, counted only for queries that are computed. Answers from the answer cache (the raw
// query string, or the same normalized request) cost about what a hello worker does and are
// not counted, so repeating a query never trips the limit.
import { describe, expect, it } from "vitest";
import { apiJson } from "../helpers/registry.ts";
import { publish, publishAll, tokenFor } from "../helpers/publishing.ts";
import { serverJson } from "../helpers/registry.ts";
import { configured, expectLimited, fromAddress, roomInWindow } from "./helpers.ts";

const { limit, period } = configured("RATE_LIMIT_SEARCH");

const search = (query: string, ip: string) => apiJson(`/x/search?${query}`, { headers: fromAddress(ip) });

describe("search limits", async () => {
  const token = await tokenFor(publishAll("com.limits-search/*"));
  expect((await publish(token, serverJson("com.limits-search/weather", "1.0.0"))).status).toBe(200);

  it("counts computed queries per address, never answer-cache hits", async () => {
    await roomInWindow(period, 7_000);
    const started = Date.now();
    const ip = "198.18.30.1";
    // One computed query, then cache hits: by the raw query string, and by the normalized request.
    for (let i = 0; i < 2 * limit; i++) {
      const res = await search(i % 2 === 0 ? "q=weather" : "q=++weather&limit=20", ip);
      expect(res.status).toBe(200);
    }
    // limit - 1 more computed queries: all answered.
    for (let i = 1; i < limit; i++) expect((await search(`q=weather-${i}`, ip)).status).toBe(200);
    expectLimited(await search("q=one-more", ip), period);
    // All of it in one window of the limiter.
    expect(Date.now() - started).toBeLessThan(7_000);
    // Cached answers still flow for the limited address, and other addresses are unaffected.
    expect((await search("q=weather", ip)).status).toBe(200);
    expect((await search("q=one-more", "198.18.30.2")).status).toBe(200);
  });
});
