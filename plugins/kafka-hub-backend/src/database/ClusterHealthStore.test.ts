import { TestDatabases } from '@backstage/backend-test-utils';
import { ClusterHealthStore } from './ClusterHealthStore';
import { migrationsDir } from './migrations';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

describe('ClusterHealthStore', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'keeps the time of the last status change on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new ClusterHealthStore(knex);
      const t = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s));

      const observe = (status: 'up' | 'down', s: number, error?: string) =>
        store.record({
          environment: 'dev',
          service: 'kafka',
          status,
          error,
          checkedAt: t(s),
        });

      expect(await observe('up', 0)).toEqual(t(0));
      expect(await observe('up', 10)).toEqual(t(0));
      expect(await observe('down', 20, 'Connection refused')).toEqual(t(20));
      expect(await observe('down', 30, 'Connection refused')).toEqual(t(20));
      expect(await observe('up', 40)).toEqual(t(40));

      // Another service of the same environment is tracked on its own.
      expect(
        await store.record({
          environment: 'dev',
          service: 'schema-registry',
          status: 'down',
          error: 'HTTP 500',
          checkedAt: t(41),
        }),
      ).toEqual(t(41));

      const rows = await knex('kafka_hub_cluster_health').orderBy('service');
      expect(rows.map(r => [r.service, r.status, r.error])).toEqual([
        ['kafka', 'up', null],
        ['schema-registry', 'down', 'HTTP 500'],
      ]);
      await knex.destroy();
    },
  );
});
