// Many independent reads at once: a test that compares thousands of answers waits for D1 and KV
// on several of them together instead of one after another.

/**
 * Runs `task` on every item, at most `width` at a time, and answers the results in the items'
 * order. After a task fails no new one starts, and the first failure is thrown once the running
 * ones have finished (so no task outlives the test).
 */
export async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
