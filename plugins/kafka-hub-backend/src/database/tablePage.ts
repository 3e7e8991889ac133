import { Knex } from 'knex';

/** One page of a whole table's rows, in `orderBy` order, and how many it has. */
export async function tablePage<Row>(
  db: Knex,
  table: string,
  orderBy: string,
  page: { limit: number; offset: number },
): Promise<{ rows: Row[]; total: number }> {
  const [{ n }] = await db(table).count({ n: '*' });
  const rows: Row[] = await db(table)
    .orderBy(orderBy)
    .limit(page.limit)
    .offset(page.offset);
  return { rows, total: Number(n) };
}
