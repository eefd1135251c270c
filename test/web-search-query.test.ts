// The home page's query: repeated checkbox values and comma lists read alike, defaults are
// written as nothing, equal choices write one query string, and input is bounded.
import { describe, expect, it } from "vitest";
import {
  cursorAt,
  cursorOffset,
  readSearchPageQuery,
  searchQueryString,
  serverPagePath,
} from "../worker/src/web/search-query.ts";

const normalized = (search: string) => searchQueryString(readSearchPageQuery(new URLSearchParams(search)));

describe("search page query", () => {
  it("writes repeated values and comma lists as one canonical comma list", () => {
    expect(normalized("registryType=pypi&registryType=npm")).toBe("registryType=npm%2Cpypi");
    expect(normalized("registryType=PyPI, npm,,npm")).toBe("registryType=npm%2Cpypi");
    expect(normalized("transport=sse&transport=stdio")).toBe("transport=stdio%2Csse");
  });

  it("drops defaults: empty q, hosting any, both statuses, empty cursor", () => {
    expect(normalized("q=&hosting=any&status=active&status=deprecated&cursor=&namespace=")).toBe("");
    expect(normalized("q=%20%20")).toBe("");
    expect(normalized("status=deprecated")).toBe("status=deprecated");
  });

  it("keeps unknown values after known ones, for /x/search to refuse", () => {
    expect(normalized("registryType=cargo,npm")).toBe("registryType=npm%2Ccargo");
    expect(normalized("hosting=remote&hosting=package")).toBe("hosting=remote%2Cpackage");
    expect(normalized("status=deleted")).toBe("status=deleted");
  });

  it("writes keys in one order whatever the URL's order", () => {
    expect(
      normalized("cursor=abc&namespace=dev.x&status=active&hosting=remote&transport=sse&registryType=oci&q=w"),
    ).toBe("q=w&registryType=oci&transport=sse&hosting=remote&status=active&namespace=dev.x&cursor=abc");
  });

  it("bounds every value", () => {
    const query = readSearchPageQuery(
      new URLSearchParams({ q: "x".repeat(10_000), namespace: "n".repeat(10_000), cursor: "c".repeat(10_000) }),
    );
    expect(query.q.length).toBe(800);
    expect(query.namespace.length).toBe(256);
    expect(query.cursor.length).toBe(256);
    const many = new URLSearchParams();
    for (let i = 0; i < 1000; i++) many.append("registryType", `t${i},u${i}`);
    expect(readSearchPageQuery(many).registryType.length).toBe(16);
  });

  it("reads and writes /x/search cursors, and refuses others", () => {
    expect(cursorOffset("")).toBe(0);
    expect(cursorOffset(cursorAt(40))).toBe(40);
    expect(cursorAt(0)).toBe("");
    expect(cursorOffset("!!!")).toBeUndefined();
    expect(cursorOffset(btoa("x:20"))).toBeUndefined();
  });

  it("keeps a server name's slash in its page path and encodes the rest", () => {
    expect(serverPagePath("", "dev.weatherly/forecast")).toBe("/server/dev.weatherly/forecast");
    expect(serverPagePath("/groups/g", "a.b/c d?")).toBe("/groups/g/server/a.b/c%20d%3F");
  });
});
