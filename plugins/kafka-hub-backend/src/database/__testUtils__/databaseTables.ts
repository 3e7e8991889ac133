import { Knex } from 'knex';

/** Knex's own bookkeeping, not the plugin's data. */
const KNEX_TABLES = new Set(['knex_migrations', 'knex_migrations_lock']);

/** A foreign key of a table: its columns and the columns they reference. */
export type ForeignKey = {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
};

/** A table's columns as knex describes them. */
export type TableColumns = Record<string, Knex.ColumnInfo>;

function isSqlite(knex: Knex): boolean {
  return String(knex.client.config.client).includes('sqlite');
}

/** The plugin's tables (everything but knex's bookkeeping), sorted by name. */
export async function listTables(knex: Knex): Promise<string[]> {
  const names: string[] = isSqlite(knex)
    ? (
        await knex('sqlite_master')
          .where({ type: 'table' })
          .andWhereNot('name', 'like', 'sqlite_%')
          .select('name')
      ).map(row => row.name)
    : (
        await knex('information_schema.tables')
          .whereRaw('table_schema = current_schema()')
          .andWhere({ table_type: 'BASE TABLE' })
          .select({ name: 'table_name' })
      ).map(row => row.name);
  return names.filter(name => !KNEX_TABLES.has(name)).sort();
}

export async function tableColumns(
  knex: Knex,
  table: string,
): Promise<TableColumns> {
  return (await knex(table).columnInfo()) as unknown as TableColumns;
}

export async function foreignKeys(
  knex: Knex,
  table: string,
): Promise<ForeignKey[]> {
  const rows: Array<{
    name: string | number;
    from: string;
    to: string;
    table: string;
  }> = isSqlite(knex)
    ? (await knex.raw('SELECT * FROM pragma_foreign_key_list(?)', [table])).map(
        (row: { id: number; from: string; to: string; table: string }) => ({
          name: row.id,
          from: row.from,
          to: row.to,
          table: row.table,
        }),
      )
    : (
        await knex.raw(
          `SELECT con.conname AS name, ref.relname AS "table",
                  a.attname AS "from", af.attname AS "to"
             FROM pg_constraint con
             JOIN pg_class src ON src.oid = con.conrelid
             JOIN pg_namespace ns ON ns.oid = src.relnamespace
             JOIN pg_class ref ON ref.oid = con.confrelid
             JOIN LATERAL unnest(con.conkey, con.confkey)
                  WITH ORDINALITY AS k(src_att, ref_att, n) ON true
             JOIN pg_attribute a
               ON a.attrelid = con.conrelid AND a.attnum = k.src_att
             JOIN pg_attribute af
               ON af.attrelid = con.confrelid AND af.attnum = k.ref_att
            WHERE con.contype = 'f' AND ns.nspname = current_schema()
              AND src.relname = ?
            ORDER BY con.conname, k.n`,
          [table],
        )
      ).rows;
  const byName = new Map<string | number, ForeignKey>();
  for (const row of rows) {
    const key = byName.get(row.name) ?? {
      columns: [],
      referencedTable: row.table,
      referencedColumns: [],
    };
    key.columns.push(row.from);
    key.referencedColumns.push(row.to);
    byName.set(row.name, key);
  }
  return [...byName.values()];
}

/** Tables ordered so that every table comes after the tables it references. */
export async function referencedFirst(
  knex: Knex,
  tables: string[],
): Promise<string[]> {
  const references = new Map<string, string[]>();
  for (const table of tables) {
    references.set(
      table,
      (await foreignKeys(knex, table)).map(key => key.referencedTable),
    );
  }
  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table) || !references.has(table)) return;
    if (path.includes(table)) {
      throw new Error(`Foreign keys form a cycle: ${[...path, table]}`);
    }
    for (const referenced of references.get(table)!) {
      if (referenced !== table) visit(referenced, [...path, table]);
    }
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}
