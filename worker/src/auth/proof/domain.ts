// The domain named in a DNS or HTTP key proof (spec §10.5) and the namespace it maps to.

const LABELS = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
// A last label a URL parser reads as a number (decimal, or 0x hex) makes the whole host an
// IPv4 address in some spelling ("127.1", "0x7f.0.0.1"), so such names are IP literals too.
const NUMERIC_LABEL = /^(\d+|0x[0-9a-f]*)$/;

/** The trimmed, lower-cased domain, or null when it is not an acceptable DNS name. */
export function normalizeDomain(input: string): string | null {
  const domain = input.trim().toLowerCase();
  if (domain.length === 0 || domain.length > 253 || !domain.includes(".")) return null;
  if (!LABELS.test(domain)) return null;
  if (NUMERIC_LABEL.test(domain.slice(domain.lastIndexOf(".") + 1))) return null;
  return domain;
}

/** example.com → com.example */
export function reverseDomain(domain: string): string {
  return domain.split(".").reverse().join(".");
}
