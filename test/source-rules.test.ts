// The pure rules of upstream sources (worker/src/domain/sources.ts): the canonical URL, which
// names a source admits, where the next list pass starts, and the bounded recent skips (each
// upstream value a skip quotes, and each skip, cut).
import { describe, expect, it } from "vitest";
import {
  canonicalSourceUrl,
  LIST_SAFETY_MARGIN_MICROS,
  MAX_RECENT_SKIPS,
  MAX_SKIP_QUOTE,
  MAX_SKIP_REASON,
  mergeRecentSkips,
  nextPassSince,
  quoteUpstream,
  sourceAdmits,
} from "../worker/src/domain/sources.ts";
import { TRUNCATION_MARK } from "../worker/src/domain/truncate-text.ts";

describe("canonicalSourceUrl", () => {
  it("keeps one form per upstream", () => {
    for (const [raw, canonical] of [
      ["https://registry.modelcontextprotocol.io", "https://registry.modelcontextprotocol.io"],
      ["  HTTPS://Registry.ModelContextProtocol.IO/ ", "https://registry.modelcontextprotocol.io"],
      ["https://registry.example:443/v0.1/", "https://registry.example"],
      ["https://registry.example/v0", "https://registry.example"],
      ["http://127.0.0.1:8787", "http://127.0.0.1:8787"],
      ["http://[::1]:8787//", "http://[::1]:8787"],
      ["https://mirror.example/groups/acme/", "https://mirror.example/groups/acme"],
      ["https://mirror.example/v0.1x", "https://mirror.example/v0.1x"],
    ]) {
      expect(canonicalSourceUrl(raw!), raw).toEqual({ value: canonical });
    }
  });

  it("refuses what is no plain http(s) base URL", () => {
    for (const raw of [
      "ftp://x.example",
      "file:///etc/passwd",
      "https://u:p@x.example",
      "https://u@x.example",
      "https://x.example/?",
      "https://x.example/?a=1",
      "https://x.example/#f",
      "x.example",
      "",
      `https://x.example/${"p".repeat(2048)}`,
    ]) {
      expect(canonicalSourceUrl(raw), raw).toHaveProperty("error");
    }
  });
});

describe("sourceAdmits", () => {
  it("takes every name without includes, and exclusions over inclusions", () => {
    expect(sourceAdmits({ include: [], exclude: [] }, "com.a/x")).toBe(true);
    const source = { include: ["com.a/*", "io.b/exact"], exclude: ["com.a/secret*"] };
    expect(sourceAdmits(source, "com.a/x")).toBe(true);
    expect(sourceAdmits(source, "io.b/exact")).toBe(true);
    expect(sourceAdmits(source, "io.b/exactly")).toBe(false);
    expect(sourceAdmits(source, "com.a/secret-thing")).toBe(false);
    expect(sourceAdmits(source, "com.ab/x")).toBe(false);
  });
});

describe("nextPassSince", () => {
  const minute = 60_000_000;
  it("keeps the margin and the pass's duration below the highest updatedAt seen", () => {
    const high = 1000 * minute;
    // A pass that began 3 minutes ago (the previous one ended then).
    expect(nextPassSince(0, high, 500 * minute, 503 * minute)).toBe(high - LIST_SAFETY_MARGIN_MICROS - 3 * minute);
  });
  it("never moves back, and stays without anything seen", () => {
    expect(nextPassSince(990 * minute, 995 * minute, 0, 1 * minute)).toBe(990 * minute);
    expect(nextPassSince(42, null, 0, 100)).toBe(42);
  });
});

describe("mergeRecentSkips", () => {
  it("keeps the newest first, one per version, bounded", () => {
    const skip = (name: string, at: number, reason = "r") => ({ name, version: "1.0.0", reason, at });
    const merged = mergeRecentSkips(
      [skip("a/old", 1), skip("b/x", 2, "before")],
      [skip("b/x", 3, "now"), skip("c/y", 4)],
    );
    expect(merged.map((s) => [s.name, s.reason])).toEqual([
      ["c/y", "r"],
      ["b/x", "now"],
      ["a/old", "r"],
    ]);
    const many = Array.from({ length: MAX_RECENT_SKIPS + 10 }, (_, i) => skip(`n/s${i}`, i));
    const bounded = mergeRecentSkips([], many);
    expect(bounded).toHaveLength(MAX_RECENT_SKIPS);
    expect(bounded[0]!.name).toBe(`n/s${MAX_RECENT_SKIPS + 9}`);
  });
});

describe("bounded skips", () => {
  it("quote upstream scalars as JSON, cut; objects and arrays only by their kind", () => {
    expect(quoteUpstream("pending")).toBe('"pending"');
    expect(quoteUpstream("x".repeat(MAX_SKIP_QUOTE))).toBe(JSON.stringify("x".repeat(MAX_SKIP_QUOTE)));
    expect(quoteUpstream("𝔸".repeat(MAX_SKIP_QUOTE + 1))).toBe(
      JSON.stringify(`${"𝔸".repeat(MAX_SKIP_QUOTE)}${TRUNCATION_MARK}`),
    );
    expect(quoteUpstream(42)).toBe("42");
    expect(quoteUpstream(false)).toBe("false");
    expect(quoteUpstream({ status: "x".repeat(1_000_000) })).toBe("an object");
    expect(quoteUpstream(["x"])).toBe("an array");
  });

  it("are merged with their name, version and reason cut", () => {
    const [kept] = mergeRecentSkips(
      [],
      [{ name: "n".repeat(5000), version: "v".repeat(5000), reason: "r".repeat(50_000), at: 1 }],
    );
    expect(kept).toEqual({
      name: `${"n".repeat(MAX_SKIP_QUOTE)}${TRUNCATION_MARK}`,
      version: `${"v".repeat(MAX_SKIP_QUOTE)}${TRUNCATION_MARK}`,
      reason: `${"r".repeat(MAX_SKIP_REASON)}${TRUNCATION_MARK}`,
      at: 1,
    });
    // Already cut: unchanged when merged again.
    expect(mergeRecentSkips([], [kept!])).toEqual([kept]);
  });
});
