// Which denylist entries a scoped maintainer's edit patterns cover, pure: a server entry needs
// its (lower-case) name covered; a namespace entry every name of the namespace and of every
// namespace below it, now and later; host and package entries only "*". And which names a
// scoped maintainer's entry reaches at all.
import { describe, expect, it } from "vitest";
import { denylistMatches, entryReaches, scopeCoversEntry } from "../worker/src/domain/denylist.ts";

describe("scopeCoversEntry", () => {
  it.each([
    [["com.ps/*"], "namespace", "com.ps", false],
    [["com.ps/*", "com.ps.*"], "namespace", "com.ps", true],
    [["com.ps*"], "namespace", "com.ps", true],
    [["com.p*"], "namespace", "com.ps", true],
    [["com.*"], "namespace", "com.ps", true],
    [["*"], "namespace", "com.ps", true],
    [["com.ps.*"], "namespace", "com.ps", false],
    [["com.ps.other/*", "com.ps/*"], "namespace", "com.ps", false],
    [["com.ps/*", "com.ps.*"], "namespace", "com", false],
    [["com.ps/victim"], "namespace", "com.ps", false],
    [["com.ps/*"], "server", "com.ps/tool", true],
    [["com.ps/tool"], "server", "com.ps/tool", true],
    [["com.ps/*"], "server", "com.ps.other/tool", false],
    [["Com.Ps/*"], "server", "com.ps/tool", false],
    [["com.ps/*", "com.ps.*"], "remote-host", "x.example", false],
    [["com.ps/*"], "package", "pypi:x", false],
    [["*"], "package", "pypi:x", true],
  ] as const)("%j covers %s %s: %s", (patterns, kind, value, expected) => {
    expect(scopeCoversEntry(patterns, { kind, value })).toBe(expected);
  });
});

describe("the reach of an entry with a scope", () => {
  const entry = { kind: "namespace", value: "com.ps", scope: ["com.ps/*", "com.ps.*"] } as const;

  it("matches only names inside the scope", () => {
    expect(entryReaches(entry, "com.ps/tool")).toBe(true);
    expect(entryReaches(entry, "com.ps.sub/tool")).toBe(true);
    expect(entryReaches(entry, "COM.PS/tool")).toBe(false);
    expect(denylistMatches(entry, { name: "com.ps.sub/tool" })).toBe(true);
    expect(denylistMatches(entry, { name: "Com.Ps.Sub/tool" })).toBe(false);
  });

  it("without a scope, matches every spelling", () => {
    expect(denylistMatches({ kind: "namespace", value: "com.ps" }, { name: "Com.Ps.Sub/tool" })).toBe(true);
    expect(denylistMatches({ kind: "namespace", value: "com.ps", scope: null }, { name: "COM.PS/x" })).toBe(true);
  });
});
