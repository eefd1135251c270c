// Publisher text is hostile input: every value interpolated into a page is escaped, and only
// http(s) URLs (or our own paths) become links.
import { describe, expect, it } from "vitest";
import { escapeHtml, html, raw, safeHref } from "../worker/src/web/html.ts";

describe("html templates", () => {
  it("escapes markup and quotes in text and attributes", () => {
    const hostile = `"><script>alert('x')</script><img src=x onerror=\`y\`>&`;
    const out = html`<a title="${hostile}">${hostile}</a>`.value;
    expect(out).not.toMatch(/<script|<img|onerror=`/);
    expect(out).toBe(`<a title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</a>`);
    expect(escapeHtml(hostile)).toBe(
      "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&#96;y&#96;&gt;&amp;",
    );
  });

  it("passes markup made by the templates through once, and joins lists", () => {
    const items = ["<b>", "c&d"].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe("<ul><li>&lt;b&gt;</li><li>c&amp;d</li></ul>");
    expect(html`${raw("<hr>")}`.value).toBe("<hr>");
  });

  it("renders nothing for absent values and false, numbers as text", () => {
    expect(html`[${undefined}${null}${false}${0}${true}]`.value).toBe("[0true]");
  });

  it("links http(s) URLs and our own paths only", () => {
    expect(safeHref("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(safeHref("http://example.com")).toBe("http://example.com/");
    expect(safeHref("/server/a/b")).toBe("/server/a/b");
    for (const bad of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,x",
      "//evil.example/x",
      "vbscript:x",
      "not a url",
      undefined,
    ]) {
      expect(safeHref(bad), String(bad)).toBeUndefined();
    }
  });
});
