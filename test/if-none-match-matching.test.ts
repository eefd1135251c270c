// If-None-Match is compared as RFC 9110 §13.1.2 says (weak comparison, "*", lists), and the
// Cache-Control of each kind of read states the staleness bound the read path guarantees.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { headerPolicy, ifNoneMatchMatches, stalenessBoundMs } from "../worker/src/http/conditional.ts";
import { FLUSH_INTERVAL_MS } from "../worker/src/durable/catalog-clock.ts";
import { PUBLIC_VIEW, type View } from "../worker/src/domain/groups.ts";
import { entityTagOf } from "../worker/src/storage/read-cache.ts";

const TAG = '"abcDEF123_-abcDEF123_-"';

describe("If-None-Match matching", () => {
  it.each([
    [TAG, true],
    [`W/${TAG}`, true],
    ["*", true],
    ["  *  ", true],
    [`"other", ${TAG}`, true],
    [`"other",W/${TAG} , "more"`, true],
    [`"a,b", ${TAG}`, true],
    ['"other"', false],
    ['W/"other", "x"', false],
    [TAG.slice(0, -1), false],
    [`${TAG.slice(0, -1)}x"`, false],
    // A tag that merely contains ours, or ours without quotes, is another tag.
    [`"x${TAG.slice(1)}`, false],
    [TAG.slice(1, -1), false],
    // "*" belongs alone; a malformed list is ignored from where it breaks.
    [`"other", *`, false],
    [`w/${TAG}`, false],
    [`garbage ${TAG}`, false],
    ["", false],
  ])("%s → %s", (field, matches) => {
    expect(ifNoneMatchMatches(field, TAG)).toBe(matches);
  });
});

describe("entity tags", () => {
  it("are strong, the body's hash, computed once and kept beside the bytes", async () => {
    const body = new TextEncoder().encode('{"servers":[]}');
    const answer: { body: Uint8Array; etag?: string } = { body };
    const tag = entityTagOf(answer);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(answer.etag).toBe(tag);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    const b64url = btoa(String.fromCharCode(...digest))
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    expect(tag).toBe(`"${b64url.slice(0, 22)}"`);
    // The same bytes give the same tag anywhere; other bytes another one.
    expect(entityTagOf({ body: body.slice() })).toBe(tag);
    expect(entityTagOf({ body: new TextEncoder().encode('{"servers":[ ]}') })).not.toBe(tag);
  });
});

describe("Cache-Control", () => {
  const group: View = {
    kind: "group",
    group: {
      name: "g",
      title: null,
      visibility: "private",
      namespaces: [],
      include: [],
      requireApproval: false,
      policy: null,
      createdAt: 0,
      createdBy: "t",
      updatedAt: 0,
    },
    access: "viewer",
  };

  it("states the read path's bounds: 62 s for list pages, 91 s for per-name answers, none for the feed", () => {
    // As deployed (MEMORY_CACHE_TTL_MS = 500): flush 1 s + KV propagation 60 s + 0.5 s token check;
    // per-name: flush 1 s + a stale KV document for 60 s + 30 s in an isolate's memory.
    expect(env.MEMORY_CACHE_TTL_MS).toBe("500");
    expect(FLUSH_INTERVAL_MS).toBe(1000);
    expect(stalenessBoundMs("catalogue", env)).toBe(61_500);
    expect(stalenessBoundMs("server", env)).toBe(91_000);
    expect(stalenessBoundMs("feed", env)).toBe(0);
    expect(headerPolicy("catalogue", PUBLIC_VIEW, env)).toEqual({
      cacheControl: "public, max-age=62, must-revalidate",
      vary: "Origin",
    });
    expect(headerPolicy("server", PUBLIC_VIEW, env).cacheControl).toBe("public, max-age=91, must-revalidate");
    expect(headerPolicy("feed", PUBLIC_VIEW, env).cacheControl).toBe("public, no-cache");
  });

  it("keeps a group's answers out of shared caches, one per credential", () => {
    expect(headerPolicy("catalogue", group, env)).toEqual({
      cacheControl: "private, max-age=62, must-revalidate",
      vary: "Authorization, Origin",
    });
    expect(headerPolicy("feed", group, env)).toEqual({
      cacheControl: "private, no-cache",
      vary: "Authorization, Origin",
    });
  });

  it("follows MEMORY_CACHE_TTL_MS", () => {
    expect(stalenessBoundMs("catalogue", { MEMORY_CACHE_TTL_MS: "5000" })).toBe(66_000);
    expect(headerPolicy("catalogue", PUBLIC_VIEW, { MEMORY_CACHE_TTL_MS: "5000" }).cacheControl).toBe(
      "public, max-age=66, must-revalidate",
    );
    // Beyond SERVER_MEMORY_MAX_AGE_MS a per-name entry still goes with the token.
    expect(stalenessBoundMs("server", { MEMORY_CACHE_TTL_MS: "40000" })).toBe(101_000);
    expect(headerPolicy("catalogue", PUBLIC_VIEW, env).cacheControl).toBe("public, max-age=62, must-revalidate");
  });
});
