/**
 * Rows (or `whereIn` values) per statement: knex writes SQLite's as a compound SELECT,
 * limited to 500 terms, and with up to 12 columns a chunk stays far under
 * both databases' bound-variable limits.
 */
const ROWS_PER_STATEMENT = 450;

export function chunks<T>(
  items: readonly T[],
  size = ROWS_PER_STATEMENT,
): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}
