// Timestamps are kept as integer microseconds since the Unix epoch (what Postgres keeps in
// the official registry) and printed the way Go prints time.Time with RFC3339Nano.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an RFC 3339 timestamp (fractional seconds optional, up to nanoseconds) into
 * microseconds, truncating below a microsecond. Returns undefined when it is not valid.
 * Truncation keeps strict `>` comparisons exact: stored µs > floor(t) iff stored > t.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (oh * 60 + om) * (m[8]!.startsWith("-") ? -1 : 1);
  }
  const fraction = m[7] ?? "";
  const micros = Number(`${fraction}000000`.slice(0, 6));
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return epochMs * 1000 + micros;
}

/** Formats microseconds as RFC 3339 in UTC, fraction without trailing zeros (Go RFC3339Nano). */
export function formatRfc3339(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const fraction = String(micros - Math.floor(micros / 1_000_000) * 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return fraction ? `${base}.${fraction}Z` : `${base}Z`;
}

export function nowMicros(): number {
  return Date.now() * 1000;
}
