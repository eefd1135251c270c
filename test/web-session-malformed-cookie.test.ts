// A session cookie that is not one we set (bad percent-encoding, a control character or a space
// once decoded, a character beyond ASCII) counts as signed out: it never makes a page fail, and
// nothing of it reaches an Authorization header.
import { describe, expect, it } from "vitest";
import { readSessionToken } from "../worker/src/web/session.ts";
import { fetchPage, queryOne } from "./helpers/web.ts";

const MALFORMED = [
  "%E0",
  "%",
  "abc%ZZ",
  "a%0Ab",
  "a%0D%0Ab",
  "a%00b",
  "a%20b",
  "a%09b",
  "%7F",
  "caf%C3%A9",
  "%E2%80%A8",
];

describe("a malformed session cookie", () => {
  it("reads as no session at all", () => {
    for (const value of MALFORMED) {
      const request = new Request("http://registry.test/", { headers: { cookie: `registry_session=${value}` } });
      expect(() => readSessionToken(request), value).not.toThrow();
      expect(readSessionToken(request), value).toBeUndefined();
    }
  });

  it("leaves every page answering as to a visitor", async () => {
    for (const value of MALFORMED) {
      const init = { headers: { cookie: `registry_session=${value}` } };
      const home = await fetchPage("/", init);
      expect(home.status, value).toBe(200);
      expect(home.html).toContain('id="results"');
      const maintain = await fetchPage("/maintain", init);
      expect(maintain.status, value).toBe(200);
      await queryOne(maintain.html, "form#sign-in");
      expect((await fetchPage("/groups/no-such-group/", init)).status, value).toBe(404);
      expect((await fetchPage("/guide", init)).status, value).toBe(200);
    }
  });
});
