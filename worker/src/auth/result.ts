// Verification steps report why they refused instead of throwing: the reason becomes the
// `errors[0].message` of a 401, and nothing but a real bug escapes as an exception.

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** Caps a value from an untrusted token before it is quoted back in a reason. */
export function clip(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
