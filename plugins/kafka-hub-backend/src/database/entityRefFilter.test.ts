import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { whereEntityRefIn } from './entityRefFilter';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

const TABLE = 'entity_ref_filter_test';

describe('whereEntityRefIn', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.schema.createTable(TABLE, table => {
      table.string('entity_ref').notNullable();
      table.integer('n').notNullable();
    });
    const refs = Array.from(
      { length: 12_000 },
      (_, i) => `component:default/app-${String(i).padStart(5, '0')}`,
    );
    // Names a naive filter would get wrong: quotes, LIKE wildcards, commas,
    // JSON escapes and non-ASCII.
    const odd = [
      "component:default/o'brien",
      'component:default/100%_sure',
      'component:default/a,b',
      'component:default/back\\slash"quote',
      'component:default/größe',
    ];
    const rows = [...refs, ...odd].map((entity_ref, n) => ({ entity_ref, n }));
    for (let i = 0; i < rows.length; i += 400) {
      await knex(TABLE).insert(rows.slice(i, i + 400));
    }
    return { knex, refs, odd };
  }

  function countStatements(knex: Knex) {
    const statements: string[] = [];
    knex.on('query', (q: { sql: string }) => statements.push(q.sql));
    return statements;
  }

  it.each(databases.eachSupportedId())(
    'restricts to 10,000 refs in one statement on %p',
    async databaseId => {
      const { knex, refs } = await setup(databaseId);
      // Every other ref, plus refs with no row.
      const wanted = [
        ...refs.filter((_, i) => i % 6 !== 0),
        'component:default/missing',
      ];
      expect(wanted.length).toBeGreaterThan(10_000);
      const statements = countStatements(knex);

      const rows: Array<{ entity_ref: string }> = await whereEntityRefIn(
        knex(TABLE).select('entity_ref').orderBy('entity_ref'),
        'entity_ref',
        wanted,
      );

      expect(statements).toHaveLength(1);
      expect(rows.map(r => r.entity_ref)).toEqual(
        refs.filter((_, i) => i % 6 !== 0),
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'matches refs with quotes, wildcards, commas and escapes exactly on %p',
    async databaseId => {
      const { knex, odd } = await setup(databaseId);
      const rows: Array<{ entity_ref: string }> = await whereEntityRefIn(
        knex(TABLE).select('entity_ref'),
        'entity_ref',
        [...odd, 'component:default/100%', 'component:default/a'],
      );
      expect(rows.map(r => r.entity_ref).sort()).toEqual([...odd].sort());
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'combines with other conditions, counts and pages on %p',
    async databaseId => {
      const { knex, refs } = await setup(databaseId);
      const wanted = refs.slice(0, 5_000);
      const filtered = () =>
        whereEntityRefIn(
          knex(TABLE).where('n', '>=', 1_000),
          'entity_ref',
          wanted,
        );
      const [{ total }] = await filtered().count({ total: '*' });
      expect(Number(total)).toBe(4_000);
      const page: Array<{ n: number }> = await filtered()
        .select('n')
        .orderBy('n')
        .limit(3)
        .offset(3_998);
      expect(page.map(r => Number(r.n))).toEqual([4_998, 4_999]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'matches nothing for no refs on %p',
    async databaseId => {
      const { knex } = await setup(databaseId);
      expect(
        await whereEntityRefIn(knex(TABLE).select('n'), 'entity_ref', []),
      ).toEqual([]);
      await knex.destroy();
    },
  );
});
