// Shared by the abuse-limit tests, which run with wrangler.toml's [[ratelimits]] as deployed
// (vitest project "workers-limits").
import { env } from "cloudflare:workers";
import { expect } from "vitest";

/** The deployed limit and period of one binding. */
export function configured(binding: string): { limit: number; period: 10 | 60 } {
  const found = env.TEST_RATE_LIMITS.find((r) => r.name === binding);
  if (!found) throw new Error(`wrangler.toml has no [[ratelimits]] binding ${binding}`);
  return found.simple;
}

/**
 * The limiter counts in fixed windows aligned to the clock (floor(now / period)). A burst that
 * must land in one window waits for the next one when fewer than `needMs` are left.
 */
export async function roomInWindow(period: number, needMs: number): Promise<void> {
  const windowMs = period * 1000;
  const leftMs = windowMs - (Date.now() % windowMs);
  if (leftMs < needMs) await new Promise((resolve) => setTimeout(resolve, leftMs + 50));
}

/** A refusal by an abuse limit: 429 problem+json asking to wait the binding's period. */
export function expectLimited(res: { status: number; body: any; response: Response }, period: number): void {
  expect(res.status).toBe(429);
  expect(res.response.headers.get("content-type")).toBe("application/problem+json");
  expect(res.response.headers.get("retry-after")).toBe(String(period));
  expect(res.body).toMatchObject({
    title: "Too Many Requests",
    status: 429,
    detail: expect.stringMatching(/^Too many /),
  });
}

export function fromAddress(ip: string, headers: Record<string, string> = {}): Record<string, string> {
  return { "cf-connecting-ip": ip, ...headers };
}
