// HTML built from tagged templates: every interpolated value is escaped unless it is already
// markup made here. Publisher text is hostile input, so escaping is the default, not a step.

const SAFE = Symbol("safe-html");

/** Markup produced by `html` (or `raw`), inserted without escaping. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

function safe(value: string): SafeHtml {
  return { [SAFE]: true, value };
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === "object" && value !== null && (value as Partial<SafeHtml>)[SAFE] === true;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** A value in a template: markup as is, lists joined, nothing for null/undefined/false. */
type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return "";
  if (isSafe(value)) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** Markup with every interpolation escaped (attributes must be quoted in the template). */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return safe(out);
}

/** Trusted markup made by this code (never text from a request or the catalogue). */
export function raw(markup: string): SafeHtml {
  return safe(markup);
}

/**
 * A URL for an href/src: only http(s) (and relative URLs of ours) pass; anything else, such as
 * `javascript:` from a publisher's repository field, becomes undefined and is not linked.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
