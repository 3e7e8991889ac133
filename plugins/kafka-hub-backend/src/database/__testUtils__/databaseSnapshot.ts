import { Knex } from 'knex';
import { listTables, tableColumns } from './databaseTables';

/** Every row of every plugin table, with the table's columns. */
export type DatabaseSnapshot = Map<
  string,
  { columns: string[]; rows: Record<string, unknown>[] }
>;

export async function takeSnapshot(knex: Knex): Promise<DatabaseSnapshot> {
  const snapshot: DatabaseSnapshot = new Map();
  for (const table of await listTables(knex)) {
    const columns = Object.keys(await tableColumns(knex, table)).sort();
    snapshot.set(table, { columns, rows: await knex(table).select('*') });
  }
  return snapshot;
}

export function rowCount(snapshot: DatabaseSnapshot): number {
  let count = 0;
  for (const { rows } of snapshot.values()) count += rows.length;
  return count;
}

function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A row's values in the given columns, as a string that compares by content. */
function rowKey(row: Record<string, unknown>, columns: string[]): string {
  return JSON.stringify(columns.map(column => comparable(row[column])));
}

/** What changed in one table between two snapshots. */
export type TableChange = {
  table: string;
  /** Columns of the table in both snapshots: the ones compared. */
  columns: string[];
  rowsBefore: number;
  rowsAfter: number;
  /** Rows before whose compared columns no row after has (multiset). */
  lost: string[];
  /** Rows after whose compared columns no row before had (multiset). */
  gained: string[];
};

/**
 * Compares every table that is in both snapshots, on the columns in both.
 * `keepColumns` narrows the tables and columns compared further (e.g. to
 * those that survived a down in between).
 */
export function compareSnapshots(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
  keepColumns?: DatabaseSnapshot,
): TableChange[] {
  const changes: TableChange[] = [];
  for (const [table, was] of before) {
    const is = after.get(table);
    if (!is || (keepColumns && !keepColumns.has(table))) continue;
    const columns = was.columns.filter(
      column =>
        is.columns.includes(column) &&
        (!keepColumns || keepColumns.get(table)?.columns.includes(column)),
    );
    const remaining = new Map<string, number>();
    for (const row of is.rows) {
      const key = rowKey(row, columns);
      remaining.set(key, (remaining.get(key) ?? 0) + 1);
    }
    const lost: string[] = [];
    for (const row of was.rows) {
      const key = rowKey(row, columns);
      const left = remaining.get(key) ?? 0;
      if (left === 0) lost.push(key);
      else remaining.set(key, left - 1);
    }
    const gained = [...remaining].flatMap(([key, left]) =>
      Array<string>(left).fill(key),
    );
    changes.push({
      table,
      columns,
      rowsBefore: was.rows.length,
      rowsAfter: is.rows.length,
      lost,
      gained,
    });
  }
  return changes;
}

/** Tables in `before` that `after` does not have, with their row counts. */
export function droppedTables(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
): Map<string, number> {
  const dropped = new Map<string, number>();
  for (const [table, { rows }] of before) {
    if (!after.has(table)) dropped.set(table, rows.length);
  }
  return dropped;
}

/** The tables and their columns: the shape of the database. */
export function shapeOf(snapshot: DatabaseSnapshot): Record<string, string[]> {
  return Object.fromEntries(
    [...snapshot].map(([table, { columns }]) => [table, columns]),
  );
}
