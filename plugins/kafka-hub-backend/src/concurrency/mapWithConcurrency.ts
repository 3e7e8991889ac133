/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight,
 * keeping the input order in the result. Every item is called, even after
 * one failed (a caller that claimed the items must see each one run); once
 * all have settled, a single failure rejects with its own error and several
 * with an AggregateError of them all, in input order. Callers that want
 * per-item outcomes catch inside `fn`.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `concurrency must be a positive integer, got ${concurrency}`,
    );
  }
  const results = new Array<R>(items.length);
  const failures: Array<{ index: number; error: unknown }> = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, worker),
  );
  if (failures.length === 1) {
    throw failures[0].error;
  }
  if (failures.length > 1) {
    const errors = failures.sort((a, b) => a.index - b.index).map(f => f.error);
    throw new AggregateError(
      errors,
      `${failures.length} of ${items.length} items failed; the first: ${
        errors[0] instanceof Error ? errors[0].message : String(errors[0])
      }`,
    );
  }
  return results;
}
