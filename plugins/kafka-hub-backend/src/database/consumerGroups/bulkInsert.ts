import { Knex } from 'knex';
import { chunks } from './chunks';

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

/**
 * Inserts many rows in as few statements as the database allows. On
 * PostgreSQL that is one statement whatever the count: the rows travel as
 * one JSON parameter and `jsonb_to_recordset` turns them back into rows,
 * which is several times faster than multi-row VALUES with a parameter per
 * value. SQLite, in process, gets chunked multi-row inserts.
 */
export async function bulkInsert(
  db: Knex | Knex.Transaction,
  table: string,
  rows: Array<Record<string, unknown>>,
  options: BulkInsertOptions,
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(options.columns);
  if (db.client.config.client === 'pg') {
    const columns = names.map(() => '??').join(', ');
    const record = names.map(n => `?? ${options.columns[n]}`).join(', ');
    let sql = `INSERT INTO ?? (${columns}) SELECT ${columns} FROM jsonb_to_recordset(?::jsonb) AS x(${record})`;
    const bindings: unknown[] = [
      table,
      ...names,
      ...names,
      JSON.stringify(rows),
      ...names,
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
