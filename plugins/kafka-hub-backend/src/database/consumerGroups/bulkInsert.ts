import { Knex } from 'knex';
import { chunks } from '../chunks';

export type ColumnType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'double precision'
  | 'boolean';

export interface BulkInsertOptions {
  /** Every column of the rows, with its PostgreSQL type. */
  columns: Record<string, ColumnType>;
  /** Upsert: the conflict target and the columns an existing row takes over. */
  onConflict?: { target: string[]; merge: string[] };
}

/** Whether a connection (or transaction) is PostgreSQL's. */
export function isPostgres(db: Knex | Knex.Transaction): boolean {
  return db.client.dialect === 'postgresql';
}

/**
 * Inserts many rows in as few statements as the database allows. On
 * PostgreSQL that is one statement whatever the count: each column travels
 * as one array parameter and `unnest` turns the arrays back into rows,
 * which is several times faster than multi-row VALUES with a parameter per
 * value, and cheaper to parse than the rows as one JSON document. SQLite,
 * in process, gets chunked multi-row inserts.
 */
export async function bulkInsert(
  db: Knex | Knex.Transaction,
  table: string,
  rows: Array<Record<string, unknown>>,
  options: BulkInsertOptions,
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(options.columns);
  if (isPostgres(db)) {
    const columns = names.map(() => '??').join(', ');
    const arrays = names.map(n => `?::${options.columns[n]}[]`).join(', ');
    let sql = `INSERT INTO ?? (${columns}) SELECT * FROM unnest(${arrays})`;
    const bindings: unknown[] = [
      table,
      ...names,
      ...names.map(n => rows.map(row => row[n] ?? null)),
    ];
    if (options.onConflict) {
      const { target, merge } = options.onConflict;
      sql += ` ON CONFLICT (${target.map(() => '??').join(', ')}) DO ${
        merge.length
          ? `UPDATE SET ${merge.map(() => '?? = EXCLUDED.??').join(', ')}`
          : 'NOTHING'
      }`;
      bindings.push(...target, ...merge.flatMap(c => [c, c]));
    }
    await db.raw(sql, bindings as Knex.RawBinding[]);
    return;
  }
  for (const chunk of chunks(rows)) {
    const insert = db(table).insert(chunk);
    if (options.onConflict) {
      await insert
        .onConflict(options.onConflict.target)
        .merge(options.onConflict.merge);
    } else {
      await insert;
    }
  }
}
