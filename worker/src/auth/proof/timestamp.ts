// The signed timestamp of a key proof: RFC 3339 as Go's time.Parse(time.RFC3339) reads it,
// and within ±15 seconds of our clock (spec §10.5), which bounds how long a proof replays.
import { fail, ok, type Result } from "../result.ts";

export const TIMESTAMP_WINDOW_MS = 15_000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch, or null for anything that is not a valid RFC 3339 time. */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    const offHours = Number(m[9]);
    const offMinutes = Number(m[10]);
    if (offHours > 23 || offMinutes > 59) return null;
    offsetMinutes = (m[8]!.startsWith("-") ? -1 : 1) * (offHours * 60 + offMinutes);
  }
  const fraction = m[7] === undefined ? 0 : Number(`0${m[7]}`);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // years below 100 stay literal
  utc.setUTCHours(hour, minute, second, 0);
  return utc.getTime() + fraction * 1000 - offsetMinutes * 60_000;
}

export function checkTimestamp(text: string, nowMs: number): Result<number> {
  const ms = parseRfc3339(text);
  if (ms === null) return fail("invalid timestamp format: expected RFC 3339, e.g. 2025-01-01T00:00:00Z");
  if (ms < nowMs - TIMESTAMP_WINDOW_MS || ms > nowMs + TIMESTAMP_WINDOW_MS) {
    return fail("timestamp outside valid window (±15 seconds)");
  }
  return ok(ms);
}
