// The maintainer's session cookie: HttpOnly and SameSite=Strict, Secure with the __Host- prefix
// over TLS, read back only when it is ours and bounded; form posts from other origins refused.
import { describe, expect, it } from "vitest";
import { ApiError } from "../worker/src/errors.ts";
import {
  assertSameOrigin,
  clearedSessionCookie,
  MAX_FORM_BYTES,
  MAX_SESSION_TOKEN_LENGTH,
  readForm,
  readSessionToken,
  sessionCookie,
} from "../worker/src/web/session.ts";

const HTTP = new URL("http://127.0.0.1:8787/maintain");
const HTTPS = new URL("https://registry.example/maintain");

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Strict and site-wide; Secure with __Host- over TLS", () => {
    expect(sessionCookie(HTTP, "tok")).toBe("registry_session=tok; Path=/; HttpOnly; SameSite=Strict");
    expect(sessionCookie(HTTPS, "tok")).toBe("__Host-registry_session=tok; Path=/; HttpOnly; SameSite=Strict; Secure");
    expect(clearedSessionCookie(HTTPS)).toContain("Max-Age=0");
  });

  it("reads back its own cookie only, and nothing oversized", () => {
    const request = (url: URL, cookie: string) => new Request(url, { headers: { cookie } });
    expect(readSessionToken(request(HTTP, "a=1; registry_session=abc%2Bd; b=2"))).toBe("abc+d");
    // Over TLS only the __Host- cookie counts (a plain one could have been set by a subdomain).
    expect(readSessionToken(request(HTTPS, "registry_session=abc"))).toBeUndefined();
    expect(readSessionToken(request(HTTPS, "__Host-registry_session=abc"))).toBe("abc");
    expect(
      readSessionToken(request(HTTP, `registry_session=${"x".repeat(MAX_SESSION_TOKEN_LENGTH + 1)}`)),
    ).toBeUndefined();
    expect(readSessionToken(new Request(HTTP))).toBeUndefined();
  });
});

describe("form posts", () => {
  const post = (headers: Record<string, string>, body = "a=1") =>
    new Request(HTTP, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    });

  it("are accepted from our own origin and refused from others", () => {
    expect(() => assertSameOrigin(post({ origin: "http://127.0.0.1:8787" }))).not.toThrow();
    expect(() => assertSameOrigin(post({ "sec-fetch-site": "same-origin" }))).not.toThrow();
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of foreign) {
      expect(() => assertSameOrigin(post(headers))).toThrow(ApiError);
    }
  });

  it("are read bounded, as urlencoded only", async () => {
    expect((await readForm(post({}, "token=a%2Bb&x=2"))).get("token")).toBe("a+b");
    await expect(readForm(post({}, `a=${"x".repeat(MAX_FORM_BYTES)}`))).rejects.toMatchObject({ status: 413 });
    const json = new Request(HTTP, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await expect(readForm(json)).rejects.toMatchObject({ status: 415 });
  });
});
