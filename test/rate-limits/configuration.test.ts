// The abuse limits' configuration: every class the code checks has its [[ratelimits]] binding in
// wrangler.toml with the period the code announces in Retry-After, and RATE_LIMITS = "off" in
// [vars] turns every check off.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RATE_LIMIT_CLASSES } from "../../worker/src/http/rate-limits.ts";
import { fileReport } from "../../worker/src/http/routes/reports.ts";
import { callHandler, postJson, type RouteHandler } from "../helpers/auth-fixtures.ts";
import { report } from "../helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "../helpers/publishing.ts";
import { serverJson } from "../helpers/registry.ts";
import { configured, expectLimited, roomInWindow } from "./helpers.ts";

describe("abuse limit configuration", () => {
  it("binds every class in wrangler.toml with the period the code announces", () => {
    const classes = Object.values(RATE_LIMIT_CLASSES);
    expect(new Set(classes.map((c) => c.binding))).toEqual(new Set(env.TEST_RATE_LIMITS.map((r) => r.name)));
    for (const { binding, period } of classes) {
      expect(configured(binding).period).toBe(period);
      expect(typeof env[binding]?.limit).toBe("function");
    }
    expect(new Set(env.TEST_RATE_LIMITS.map((r) => r.namespace_id)).size).toBe(env.TEST_RATE_LIMITS.length);
    expect(env.RATE_LIMITS).toBe("on");
  });

  it('RATE_LIMITS = "off" skips the checks', async () => {
    const { limit, period } = configured("RATE_LIMIT_REPORT");
    const name = "com.limits-config/tool";
    expect((await publish(await tokenFor(publishAll("com.limits-config/*")), serverJson(name, "1.0.0"))).status).toBe(
      200,
    );
    await roomInWindow(period, 10_000);
    const ip = "198.18.60.1";
    for (let i = 0; i < limit; i++) expect((await report({ name, reason: "spam" }, { ip })).status).toBe(201);
    expectLimited(await report({ name, reason: "spam" }, { ip }), period);
    const init = postJson({ name, reason: "spam" });
    init.headers = { ...(init.headers as Record<string, string>), "cf-connecting-ip": ip };
    const handler = fileReport as unknown as RouteHandler;
    const off = await callHandler(handler, "/x/reports", init, { ...env, RATE_LIMITS: "off" });
    expect(off.status).toBe(201);
  });
});
