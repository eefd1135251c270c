// effectiveAccess, the one place a caller's rights in a group are combined: administrators
// (never through an API token) hold "admin"; a sign-in its strongest member role; a personal
// token the weaker of that and its grant; a service token its grant, in its own group only.
import { describe, expect, it } from "vitest";
import { effectiveAccess, type TokenScope } from "../worker/src/domain/groups.ts";

const pat = (access: TokenScope["access"]): TokenScope => ({ kind: "personal", group: null, access });
const vat = (group: string, role: "viewer" | "publisher" | "manager"): TokenScope => ({
  kind: "service",
  group,
  access: [{ group, role }],
});

describe("effectiveAccess", () => {
  it("gives an administrator admin, but never through a token", () => {
    expect(effectiveAccess("g", { admin: true }, [])).toBe("admin");
    expect(effectiveAccess("g", { admin: true, token: pat([{ group: "g", role: "viewer" }]) }, ["manager"])).toBe(
      "viewer",
    );
  });

  it("gives a sign-in its strongest member role, or nothing", () => {
    expect(effectiveAccess("g", { admin: false }, ["viewer", "manager", "publisher"])).toBe("manager");
    expect(effectiveAccess("g", { admin: false }, [])).toBeUndefined();
  });

  it("gives a personal token the weaker of its grant and its person's role now", () => {
    const token = pat([{ group: "g", role: "publisher" }]);
    expect(effectiveAccess("g", { admin: false, token }, ["manager"])).toBe("publisher");
    expect(effectiveAccess("g", { admin: false, token }, ["viewer"])).toBe("viewer");
    expect(effectiveAccess("g", { admin: false, token }, [])).toBeUndefined();
    expect(effectiveAccess("other", { admin: false, token }, ["manager"])).toBeUndefined();
  });

  it("gives a service token its grant in its own group only, whatever member roles are passed", () => {
    expect(effectiveAccess("g", { admin: false, token: vat("g", "publisher") }, [])).toBe("publisher");
    expect(effectiveAccess("g", { admin: false, token: vat("g", "viewer") }, ["manager"])).toBe("viewer");
    expect(effectiveAccess("other", { admin: false, token: vat("g", "publisher") }, ["manager"])).toBeUndefined();
  });
});
