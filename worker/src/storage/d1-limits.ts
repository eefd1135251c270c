// D1's statement limits, shared by the storage modules.

/** D1 binds at most 100 parameters per statement. */
export const MAX_PARAMS = 100;

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
