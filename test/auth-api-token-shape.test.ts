// A bearer value is looked up in D1 as an API token only when it has the exact shape of one
// (`mcpr_pat_` or `mcpr_vat_` and 43 base64url characters): anything else that starts with
// `mcpr_` is refused with the official 401 before any D1 read, so made-up tokens cost nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isApiToken, newApiToken } from "../worker/src/auth/api-token.ts";
import { recordingD1 } from "./helpers/d1-queries.ts";
import { apiWith, bearer } from "./helpers/oidc-access.ts";

const SECRET = `${"A".repeat(42)}_`;

describe("isApiToken", () => {
  it("accepts exactly the shape newApiToken makes", () => {
    expect(isApiToken(newApiToken("personal").token)).toBe(true);
    expect(isApiToken(newApiToken("service").token)).toBe(true);
    expect(isApiToken(`mcpr_pat_${SECRET}`)).toBe(true);
    expect(isApiToken(`mcpr_vat_${"-".repeat(43)}`)).toBe(true);
  });

  it.each([
    ["a prefix alone", "mcpr_"],
    ["another kind", `mcpr_xat_${SECRET}`],
    ["a short secret", `mcpr_pat_${SECRET.slice(1)}`],
    ["a long secret", `mcpr_pat_${SECRET}A`],
    ["padding", `mcpr_pat_${SECRET.slice(1)}=`],
    ["standard base64", `mcpr_pat_${SECRET.slice(1)}+`],
    ["upper-case prefix", `MCPR_PAT_${SECRET}`],
    ["a trailing newline", `mcpr_pat_${SECRET}\n`],
  ])("refuses %s", (_label, value) => {
    expect(isApiToken(value)).toBe(false);
  });
});

describe("a bearer value starting with mcpr_", () => {
  it.each([["mcpr_"], ["mcpr_anything"], [`mcpr_pat_${SECRET.slice(1)}`], [`mcpr_vat_${"x".repeat(500)}`]])(
    "%s is refused with 401 and no D1 read",
    async (token) => {
      const db = recordingD1();
      const response = await apiWith({ ...env, DB: db }, "/x/tokens", bearer(token));
      expect(response.status).toBe(401);
      expect(((await response.json()) as { detail: string }).detail).toBe("Invalid or expired Registry JWT token");
      expect(db.statements).toEqual([]);
    },
  );

  it("of the exact shape costs one lookup by hash when unknown", async () => {
    const db = recordingD1();
    const response = await apiWith({ ...env, DB: db }, "/x/tokens", bearer(newApiToken("personal").token));
    expect(response.status).toBe(401);
    expect(db.statements).toHaveLength(1);
    expect(db.statements[0]).toContain("FROM api_tokens WHERE hash = ?");
  });
});
