import { Knex } from 'knex';

/**
 * Restricts `query` to rows whose `column` is one of `entityRefs`, in one
 * statement with one bound parameter whatever the number of refs (a
 * caller's readable set can hold tens of thousands): PostgreSQL gets the
 * refs as one text array (`= ANY`, hashed by the planner), SQLite as one
 * JSON array expanded by `json_each`. Other dialects get a plain IN list.
 * An empty list matches nothing.
 */
export function whereEntityRefIn<Q extends Knex.QueryBuilder>(
  query: Q,
  column: string,
  entityRefs: readonly string[],
): Q {
  if (entityRefs.length === 0) {
    return query.whereRaw('1 = 0') as Q;
  }
  const dialect = query.client.dialect as string;
  if (dialect === 'postgresql') {
    return query.whereRaw('?? = ANY(?::text[])', [
      column,
      entityRefs as string[],
    ]) as Q;
  }
  if (dialect === 'sqlite3' || dialect === 'better-sqlite3') {
    return query.whereRaw('?? IN (SELECT value FROM json_each(?))', [
      column,
      JSON.stringify(entityRefs),
    ]) as Q;
  }
  return query.whereIn(column, entityRefs as string[]) as Q;
}
