import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from './migrations';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it('runs on PostgreSQL when the test command provides it', () => {
    // scripts/test.sh sets this; without it PostgreSQL could be skipped silently.
    const required = process.env.KAFKA_HUB_REQUIRE_POSTGRES === 'true';
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toContain('SQLITE_3');
    expect(ids.includes('POSTGRES_15') || !required).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'migrates up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(true);
      const columns = await knex('kafka_hub_cluster_health').columnInfo();
      expect(Object.keys(columns).sort()).toEqual([
        'checked_at',
        'environment',
        'error',
        'service',
        'status',
        'status_since',
      ]);

      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(
        false,
      );

      // And up again: down must leave nothing behind that blocks a re-run.
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(true);
      await knex.destroy();
    },
  );
});
