// Permission patterns (spec §10.2): "*", trailing-"*" prefixes, exact names.
import { describe, expect, it } from "vitest";
import type { Permission } from "../worker/src/auth/claims.ts";
import { canEdit, canPublish, hasPermission, isGlobalAdmin, matchesPattern } from "../worker/src/auth/permissions.ts";

const token = (...permissions: Permission[]) => ({ permissions });
const publish = (resource: string): Permission => ({ action: "publish", resource });
const edit = (resource: string): Permission => ({ action: "edit", resource });

describe("matchesPattern", () => {
  it.each([
    ["*", "anything/at-all", true],
    ["*", "", true],
    ["io.github.alice/*", "io.github.alice/server", true],
    ["io.github.alice/*", "io.github.alice/", true],
    ["io.github.alice/*", "io.github.alice", false],
    ["io.github.alice/*", "io.github.alicex/server", false],
    ["io.github.alice/*", "io.github.alice-evil/server", false],
    ["io.github.alice/*", "io.github.Alice/server", false],
    ["com.example/*", "com.examplefoo/x", false],
    ["com.example/*", "com.example.evil/x", false],
    ["com.example.*", "com.example.sub/x", true],
    ["com.example.*", "com.example.a.b/x", true],
    ["com.example.*", "com.example/x", false],
    ["com.example.*", "com.examplefoo/x", false],
    ["com.example/exact", "com.example/exact", true],
    ["com.example/exact", "com.example/exact2", false],
    ["com.example/exact", "com.example/exac", false],
    // Only a trailing "*" is special; elsewhere it is a literal character.
    ["com.*/x", "com.example/x", false],
    ["com.*/x", "com.*/x", true],
  ])("%s vs %s → %s", (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });
});

describe("hasPermission", () => {
  it("needs the action and the pattern on the same permission", () => {
    const claims = token(publish("com.example/*"), edit("org.other/*"));
    expect(hasPermission(claims, "publish", "com.example/a")).toBe(true);
    expect(hasPermission(claims, "edit", "com.example/a")).toBe(false);
    expect(hasPermission(claims, "edit", "org.other/a")).toBe(true);
    expect(hasPermission(claims, "publish", "org.other/a")).toBe(false);
  });

  it("grants nothing without permissions", () => {
    expect(hasPermission(token(), "publish", "io.github.alice/x")).toBe(false);
  });

  it("canPublish and canEdit are the two actions", () => {
    const claims = token(publish("io.github.alice/*"), edit("io.github.alice/admin-only"));
    expect(canPublish(claims, "io.github.alice/x")).toBe(true);
    expect(canEdit(claims, "io.github.alice/x")).toBe(false);
    expect(canEdit(claims, "io.github.alice/admin-only")).toBe(true);
    expect(canPublish(claims, "io.github.alicebob/x")).toBe(false);
  });
});

describe("isGlobalAdmin", () => {
  it("is edit on * exactly", () => {
    expect(isGlobalAdmin(token(edit("*")))).toBe(true);
    expect(isGlobalAdmin(token(publish("*")))).toBe(false);
    expect(isGlobalAdmin(token(edit("io.*")))).toBe(false);
    expect(isGlobalAdmin(token(edit("io.modelcontextprotocol.anonymous/*"), publish("*")))).toBe(false);
  });
});
